package io.virtdeck.hypervisor;

/** How Virtdeck's one connection to a host stands. MAINTENANCE is an inventory state, not a connection state. */
public enum ConnectionState {
    CONNECTING, CONNECTED, UNREACHABLE
}
