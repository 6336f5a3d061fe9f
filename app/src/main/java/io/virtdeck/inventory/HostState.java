package io.virtdeck.inventory;

/** A host as the inventory shows it (OpenAPI): its connection state, or MAINTENANCE when taken out of service. */
public enum HostState {
    CONNECTED, CONNECTING, UNREACHABLE, MAINTENANCE
}
