package io.virtdeck.security;

/** The four built-in roles (API.md: Roles). */
public enum Role {
    /** Everything, users included. */
    ADMIN,
    /** All guest, storage, network and migration actions. */
    OPERATOR,
    /** Reads guests and opens consoles; nothing else. */
    HELPDESK,
    /** Read-only: inventory and dashboards. */
    VIEWER
}
