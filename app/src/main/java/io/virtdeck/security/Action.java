package io.virtdeck.security;

import java.util.EnumSet;
import java.util.Set;
import io.virtdeck.core.Role;

/**
 * What a permission check asks for, on one object ({@link ObjectRef}). Each action says whether it changes anything;
 * a role that may not change anything (VIEWER, HELPDESK) can never satisfy such an action, whatever it is granted on:
 * that rule comes before any per-action rule, so a read-only grant that powers off a guest (WebVirtCloud's issue
 * 682) cannot be written here by mistake.
 */
public enum Action {
    /** Read a guest: its page, snapshots, limits, metrics. Every role. */
    READ_GUEST(false),
    /** Read a host, its storage and networks. Not help desk, which sees guests only. */
    READ_HOST(false),
    /**
     * Read the tasks and audit entries about an object. Not help desk, whose work is finding guests and opening their
     * consoles, nothing more.
     */
    READ_HISTORY(false),
    /** Open a guest's console, send it keys. Not viewers. */
    CONSOLE(false),
    /** Change the fleet: power, configure, devices, snapshots, clone, migrate, storage, networks, hosts. */
    OPERATE(true),
    /** Users, grants, groups and other people's sessions. */
    ADMINISTER(true);

    /** The only roles that may change anything. */
    private static final Set<Role> MAY_CHANGE = EnumSet.of(Role.ADMIN, Role.OPERATOR);

    private final boolean changes;

    Action(boolean changes) {
        this.changes = changes;
    }

    public boolean changes() {
        return changes;
    }

    public boolean permittedBy(Role role) {
        if (changes && !MAY_CHANGE.contains(role)) {
            return false;
        }
        return switch (role) {
            case ADMIN -> true;
            case OPERATOR -> this != ADMINISTER;
            case HELPDESK -> this == READ_GUEST || this == CONSOLE;
            case VIEWER -> this == READ_GUEST || this == READ_HOST || this == READ_HISTORY;
        };
    }

    /** True when any of the roles permits this action. */
    public boolean permittedByAny(Set<Role> roles) {
        return roles.stream().anyMatch(this::permittedBy);
    }
}
