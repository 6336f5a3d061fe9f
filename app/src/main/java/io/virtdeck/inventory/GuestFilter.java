package io.virtdeck.inventory;

import java.util.List;

import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainRunState;

/**
 * The guest list's filters (OpenAPI: host, state, q, tag, kind); null means "any". {@code tags}: the guest carries
 * every one of them (several {@code tag=} parameters); empty means "any".
 */
public record GuestFilter(Long hostId, DomainRunState state, String nameContains, List<String> tags, GuestKind kind) {

    private static final int MAX_SEARCH = 128;
    private static final int MAX_TAGS = 16;

    public GuestFilter {
        if (nameContains != null && nameContains.length() > MAX_SEARCH) {
            throw VirtdeckException.invalid("q", "q must be at most " + MAX_SEARCH + " characters.");
        }
        tags = tags == null ? List.of() : Tags.requireAll(tags, "tag");
        if (tags.size() > MAX_TAGS) {
            throw VirtdeckException.invalid("tag", "At most " + MAX_TAGS + " tag filters at once.");
        }
    }

    /** Of either kind. */
    public GuestFilter(Long hostId, DomainRunState state, String nameContains, List<String> tags) {
        this(hostId, state, nameContains, tags, null);
    }

    /** Without a tag filter, of either kind. */
    public GuestFilter(Long hostId, DomainRunState state, String nameContains) {
        this(hostId, state, nameContains, List.of(), null);
    }
}
