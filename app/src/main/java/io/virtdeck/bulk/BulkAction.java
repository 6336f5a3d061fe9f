package io.virtdeck.bulk;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;

/**
 * The actions a bulk action can take on each selected guest: how the API names it, how a button reads, what each
 * guest's child task is (its audit action), which states it applies to (a guest in another is skipped, not failed),
 * and what a confirmation says is lost. One more action is one more constant here and one case in {@link BulkSteps}.
 */
public enum BulkAction {

    START("start", "Start", AuditAction.GUEST_START, DomainAction.START, null),
    SHUTDOWN("shutdown", "Shut down", AuditAction.GUEST_SHUTDOWN, DomainAction.SHUTDOWN,
            "Each guest's operating system is asked to shut down; guests that ignore the request keep running."),
    POWEROFF("poweroff", "Power off", AuditAction.GUEST_POWEROFF, DomainAction.POWEROFF,
            "Each guest stops at once, as if its power were cut: whatever it has not written to disk is lost."),
    REBOOT("reboot", "Reboot", AuditAction.GUEST_REBOOT, DomainAction.REBOOT,
            "Each guest's operating system is asked to restart: its users are disconnected meanwhile."),
    SUSPEND("suspend", "Pause", AuditAction.GUEST_SUSPEND, DomainAction.SUSPEND,
            "Each guest stops running, its memory kept, until it is resumed: it answers nothing meanwhile."),
    RESUME("resume", "Resume", AuditAction.GUEST_RESUME, DomainAction.RESUME, null),
    SNAPSHOT("snapshot", "Take a snapshot", AuditAction.GUEST_SNAPSHOT_CREATE, null, null),
    MIGRATE("migrate", "Migrate", AuditAction.GUEST_MIGRATE, null, null),
    TAG("tag", "Add tags", AuditAction.GUEST_TAGS, null, null);

    /** The states an action that is no power action applies to: a guest libvirt holds, running or not. */
    private static final Set<DomainRunState> DEFINED = EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED,
            DomainRunState.SHUTOFF);

    private final String code;
    private final String label;
    private final AuditAction childType;
    private final DomainAction power;
    private final String loss;

    BulkAction(String code, String label, AuditAction childType, DomainAction power, String loss) {
        this.code = code;
        this.label = label;
        this.childType = childType;
        this.power = power;
        this.loss = loss;
    }

    /** The action as the API and the forms name it; 400 naming {@code action} for any other. */
    public static BulkAction parse(String text) {
        return Arrays.stream(values()).filter(action -> action.code.equalsIgnoreCase(text == null ? "" : text.trim()))
                .findFirst().orElseThrow(() -> VirtdeckException.invalid("action", "action must be one of "
                        + Arrays.stream(values()).map(BulkAction::code).collect(Collectors.joining(", ")) + "."));
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** The type of each guest's child task, and what its audit entry records. */
    public AuditAction childType() {
        return childType;
    }

    /** Destructive actions are confirmed naming what is lost; null for the others. */
    public String loss() {
        return loss;
    }

    public boolean destructive() {
        return loss != null;
    }

    /** Why the action does not apply to the guest as it is now (it is skipped then), or null when it does. */
    public String whyNot(Guest guest) {
        if (this == TAG) {
            return null; // tags are Virtdeck's: a guest in any state carries them
        }
        boolean fits = power != null ? GuestActions.fits(power, guest.state(), guest.managedSave())
                : DEFINED.contains(guest.state());
        return fits ? null : "it is " + GuestActions.describe(guest.state(), guest.managedSave());
    }

    /** The power action this is, or null for those that are not one. */
    DomainAction powerAction() {
        return power;
    }

    /** "power off 3 guests": for confirmations and task names. */
    public String onCount(long count) {
        return label.toLowerCase(Locale.ROOT) + " " + count + " guest" + (count == 1 ? "" : "s");
    }
}
