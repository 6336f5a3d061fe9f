package io.virtdeck.inventory;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainRunState;

/** The guest list's filters (OpenAPI: host, state, q); null means "any". */
public record GuestFilter(Long hostId, DomainRunState state, String nameContains) {

    private static final int MAX_SEARCH = 128;

    public GuestFilter {
        if (nameContains != null && nameContains.length() > MAX_SEARCH) {
            throw VirtdeckException.invalid("q", "q must be at most " + MAX_SEARCH + " characters.");
        }
    }
}
