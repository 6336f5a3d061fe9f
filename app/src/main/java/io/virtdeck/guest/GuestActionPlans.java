package io.virtdeck.guest;

import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.stereotype.Component;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Plans an action on one guest the way every guest action runs (power, delete, configuration, devices, snapshots,
 * templates), for {@link ActionRunner}: permitted to those who may operate the guest; {@code check} refuses it (by
 * throwing) against the domain's live state from libvirt; the work is marked as Virtdeck's own (so its events are not
 * reported as outside changes); the inventory row is refreshed; a guest removed outside Virtdeck is a 404.
 */
@Component
public class GuestActionPlans {

    private final ActionRunner actions;
    private final Permissions permissions;
    private final DomainGateway gateway;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final GuestRepository guests;

    GuestActionPlans(ActionRunner actions, Permissions permissions, DomainGateway gateway, InventorySync sync,
                     ExpectedGuestChanges expected, GuestRepository guests) {
        this.actions = actions;
        this.permissions = permissions;
        this.gateway = gateway;
        this.sync = sync;
        this.expected = expected;
        this.guests = guests;
    }

    /** An action whose only check is {@code live}, against the domain's state in libvirt. */
    public ActionPlan plan(Guest guest, AuditAction action, Consumer<DomainFacts> live) {
        return plan(guest, action).check(live(guest, live));
    }

    /** An action with no check yet: add the request's own checks, then {@link #live}. */
    public ActionPlan plan(Guest guest, AuditAction action) {
        return explaining(guest, action, e -> explain(guest, e));
    }

    /** As above; {@code explain} puts a libvirt refusal in an operator's words. */
    public ActionPlan explaining(Guest guest, AuditAction action, Function<HypervisorException, String> explain) {
        return actions.plan(action, AuditObject.guest(guest.id(), guest.name()))
                .permit(() -> permissions.requireGuest(Action.OPERATE, guest.id()))
                .expecting(() -> expected.expect(guest.hostId(), guest.uuid()))
                .refreshing(() -> sync.refreshOrRemove(guest.hostId(), guest.uuid()))
                .answering(e -> answer(guest, e, explain));
    }

    /** A check against the domain's live state, read from libvirt when the check runs. */
    public Runnable live(Guest guest, Consumer<DomainFacts> check) {
        return () -> check.accept(gateway.domain(guest.hostId(), guest.uuid()));
    }

    /** Runs after the refresh: a guest whose domain is gone has lost its row by then. */
    private VirtdeckException answer(Guest guest, HypervisorException e, Function<HypervisorException, String> explain) {
        if (e.kind() != HypervisorException.Kind.NOT_FOUND) {
            return VirtdeckException.conflict(explain.apply(e));
        }
        if (guests.findById(guest.id()).isEmpty()) {
            return VirtdeckException.notFound("'" + guest.name() + "' no longer exists on host '" + guest.hostName()
                    + "'; it was removed outside Virtdeck.");
        }
        return VirtdeckException.notFound(explain.apply(e)); // the guest is there; something of it (a snapshot) is not
    }

    /** A libvirt failure in an operator's words, naming the host when it is the host that is missing. */
    public static String explain(Guest guest, HypervisorException e) {
        if (e.kind() == HypervisorException.Kind.UNREACHABLE) {
            return "Host '" + guest.hostName() + "' cannot be reached: " + e.getMessage();
        }
        return HypervisorErrors.message(e);
    }
}
