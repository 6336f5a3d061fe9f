package io.virtdeck.guest;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.web.VirtdeckException;

/** Which power actions fit which state, and how an action is named in URLs and on buttons. */
public final class GuestActions {

    private GuestActions() {
    }

    /** The states each action can start from. */
    public static Set<DomainRunState> allowedFrom(DomainAction action) {
        return switch (action) {
            case START -> EnumSet.of(DomainRunState.SHUTOFF, DomainRunState.CRASHED);
            case SHUTDOWN, REBOOT, RESET, SUSPEND -> EnumSet.of(DomainRunState.RUNNING);
            case SAVE -> EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED);
            case POWEROFF -> EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED, DomainRunState.CRASHED);
            case RESUME -> EnumSet.of(DomainRunState.PAUSED);
        };
    }

    public static boolean fits(DomainAction action, DomainRunState state) {
        return allowedFrom(action).contains(state);
    }

    static void check(DomainAction action, DomainRunState state, String guestName) {
        if (!fits(action, state)) {
            throw VirtdeckException.conflict("Cannot " + label(action).toLowerCase(Locale.ROOT) + " '" + guestName
                    + "': it is " + describe(state) + ".");
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

    /** Parses the {action} of a URL (start, shutdown, poweroff, ...). */
    public static DomainAction parse(String text) {
        for (DomainAction action : DomainAction.values()) {
            if (action.name().equalsIgnoreCase(text)) {
                return action;
            }
        }
        throw VirtdeckException.invalid("action",
                "action must be one of start, shutdown, poweroff, reboot, reset, suspend, resume, save.");
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
        };
    }
}
