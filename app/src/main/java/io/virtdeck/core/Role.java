package io.virtdeck.core;

import java.util.Locale;
import java.util.Set;

/** The four built-in roles (README: Users and accounts). */
public enum Role {
    /** Everything, users included. */
    ADMIN,
    /** All guest, storage, network and migration actions. */
    OPERATOR,
    /** Reads guests and opens consoles; nothing else. */
    HELPDESK,
    /** Read-only: inventory and dashboards. */
    VIEWER;

    /**
     * Whether everything {@code other} may do, this role may do too (see {@code Access}): an API token may carry a
     * role its user's role includes. Help desk and viewer are not comparable: one opens consoles, the other reads hosts.
     */
    public boolean includes(Role other) {
        return switch (this) {
            case ADMIN -> true;
            case OPERATOR -> other != ADMIN;
            case HELPDESK, VIEWER -> other == this;
        };
    }

    /** The roles this one includes, for choosers that offer only what a user may hand on. */
    public Set<Role> included() {
        java.util.EnumSet<Role> roles = java.util.EnumSet.noneOf(Role.class);
        for (Role role : values()) {
            if (includes(role)) {
                roles.add(role);
            }
        }
        return roles;
    }

    /** The role named by {@code text} (any case), or a 400 naming {@code field}. */
    public static Role parse(String field, String text) {
        if (text != null) {
            for (Role role : values()) {
                if (role.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
                    return role;
                }
            }
        }
        throw VirtdeckException.invalid(field, field + " must be one of ADMIN, OPERATOR, HELPDESK, VIEWER.");
    }
}
