package io.virtdeck.guest;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.GuestKind;

/** Which power actions fit which state, and how an action is named in URLs and on buttons. */
public final class GuestActions {

    private GuestActions() {
    }

    /** The states each action can start from. */
    public static Set<DomainRunState> allowedFrom(DomainAction action) {
        return switch (action) {
            case START -> EnumSet.of(DomainRunState.SHUTOFF, DomainRunState.CRASHED);
            case DISCARD_SAVE -> EnumSet.of(DomainRunState.SHUTOFF);
            case SHUTDOWN, REBOOT, RESET, SUSPEND -> EnumSet.of(DomainRunState.RUNNING);
            case SAVE -> EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED);
            case POWEROFF -> EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED, DomainRunState.CRASHED);
            case RESUME -> EnumSet.of(DomainRunState.PAUSED);
        };
    }

    /** Whether a guest of this kind can take the action at all: a container has no memory that libvirt saves. */
    public static boolean appliesTo(DomainAction action, GuestKind kind) {
        return kind != GuestKind.CONTAINER || action != DomainAction.SAVE && action != DomainAction.DISCARD_SAVE;
    }

    /** 409 when the action does not apply to a guest of this kind ({@link #appliesTo}). */
    public static void checkKind(DomainAction action, GuestKind kind, String guestName) {
        if (!appliesTo(action, kind)) {
            throw VirtdeckException.conflict("Cannot " + label(action).toLowerCase(Locale.ROOT) + " '" + guestName
                    + "': it is a container, and libvirt saves no container's memory. Shut it down instead.");
        }
    }

    /** Whether the action can start from this state; discarding saved memory needs a saved guest. */
    public static boolean fits(DomainAction action, DomainRunState state, boolean managedSave) {
        return allowedFrom(action).contains(state) && (action != DomainAction.DISCARD_SAVE || managedSave);
    }

    public static void check(DomainAction action, DomainRunState state, boolean managedSave, String guestName) {
        if (action == DomainAction.DISCARD_SAVE && !managedSave) {
            throw VirtdeckException.conflict("'" + guestName + "' has no saved memory to discard.");
        }
        if (!fits(action, state, managedSave)) {
            throw VirtdeckException.conflict("Cannot " + label(action).toLowerCase(Locale.ROOT) + " '" + guestName
                    + "': it is " + describe(state, managedSave) + ".");
        }
    }

    /** A guest's state as it reads in a sentence, a saved one included: "it is saved (hibernated)". */
    public static String describe(DomainRunState state, boolean managedSave) {
        return managedSave && state == DomainRunState.SHUTOFF ? "saved (hibernated)" : describe(state);
    }

    /** A state as it reads in a sentence: "it is shut off". */
    public static String describe(DomainRunState state) {
        return switch (state) {
            case SHUTOFF -> "shut off";
            case UNKNOWN -> "in an unknown state (its host is unreachable)";
            default -> state.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Parses the {action} of a URL (start, shutdown, poweroff, ..., discard-save). */
    public static DomainAction parse(String text) {
        for (DomainAction action : DomainAction.values()) {
            if (urlName(action).equalsIgnoreCase(text)) {
                return action;
            }
        }
        throw VirtdeckException.invalid("action", "action must be one of start, shutdown, poweroff, reboot, reset,"
                + " suspend, resume, save, discard-save.");
    }

    /** What the audit log calls the action. */
    public static AuditAction auditAction(DomainAction action) {
        return switch (action) {
            case START -> AuditAction.GUEST_START;
            case SHUTDOWN -> AuditAction.GUEST_SHUTDOWN;
            case POWEROFF -> AuditAction.GUEST_POWEROFF;
            case REBOOT -> AuditAction.GUEST_REBOOT;
            case RESET -> AuditAction.GUEST_RESET;
            case SUSPEND -> AuditAction.GUEST_SUSPEND;
            case RESUME -> AuditAction.GUEST_RESUME;
            case SAVE -> AuditAction.GUEST_SAVE;
            case DISCARD_SAVE -> AuditAction.GUEST_DISCARD_SAVE;
        };
    }

    /** The action as its URL names it: {@code poweroff}, {@code discard-save}. */
    public static String urlName(DomainAction action) {
        return action.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static String label(DomainAction action) {
        return switch (action) {
            case START -> "Start";
            case SHUTDOWN -> "Shut down";
            case POWEROFF -> "Power off";
            case REBOOT -> "Reboot";
            case RESET -> "Reset";
            case SUSPEND -> "Pause";
            case RESUME -> "Resume";
            case SAVE -> "Hibernate";
            case DISCARD_SAVE -> "Discard saved memory";
        };
    }
}
