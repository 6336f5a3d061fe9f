package io.virtdeck.bulk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.GuestKind;

/**
 * What the guest list's action bar sends: the action and the guests, in one of three ways: the rows ticked, all on
 * the page shown ({@code allOnPage} with the page's {@code pageIds}), or all matching the list's filter.
 */
public record BulkSelection(String action, List<Long> guestIds, List<Long> pageIds, boolean allOnPage,
                            boolean allMatching, Long host, DomainRunState state, String q, List<String> tag,
                            GuestKind kind) {

    /** The guests by id: the rows ticked, and the page's own when "all on this page" is ticked. */
    public List<Long> ids() {
        Set<Long> ids = new LinkedHashSet<>(guestIds == null ? List.of() : guestIds);
        if (allOnPage && pageIds != null) {
            ids.addAll(pageIds);
        }
        return new ArrayList<>(ids);
    }

    BulkRequest.Filter filter() {
        return new BulkRequest.Filter(host, state == null ? null : state.name(), q, tag,
                kind == null ? null : kind.name());
    }

    BulkRequest request(String snapshotName, Long targetHostId, boolean place, List<String> tags) {
        return allMatching ? new BulkRequest(action, null, filter(), snapshotName, targetHostId, place, tags)
                : new BulkRequest(action, ids(), null, snapshotName, targetHostId, place, tags);
    }
}
