package io.virtdeck.core;

import java.util.List;

/**
 * Which hosts and guests a list may show the current user, for the list's own SQL: everything, or the guests on
 * {@code hostIds} plus the guests {@code guestIds} (for host lists, the hosts {@code hostIds}). Both sets are what the
 * user's grants name, so they stay small however large the fleet.
 */
public record Visible(boolean everything, List<Long> hostIds, List<Long> guestIds) {

    public static final Visible EVERYTHING = new Visible(true, List.of(), List.of());

    public boolean nothing() {
        return !everything && hostIds.isEmpty() && guestIds.isEmpty();
    }

    public Long[] hostIdArray() {
        return hostIds.toArray(new Long[0]);
    }

    public Long[] guestIdArray() {
        return guestIds.toArray(new Long[0]);
    }
}
