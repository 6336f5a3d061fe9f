package io.virtdeck.cluster;

/**
 * Published after the inventory's rows changed, for pages that show them live. {@code removed} when the row is gone.
 */
public sealed interface InventoryChanged {

    record GuestChanged(long guestId, boolean removed) implements InventoryChanged {
    }

    record HostChanged(long hostId, boolean removed) implements InventoryChanged {
    }
}
