package io.virtdeck.guest;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.TaskService;

/**
 * Runs one action on a guest the way every guest action runs (power, delete, snapshots): refused while a task holds
 * the guest; {@code check} refuses it (by throwing) against the domain's live state from libvirt; {@code act} is
 * marked as Virtdeck's own doing (so its events are not reported as outside changes); one audit entry records the
 * outcome whatever it is; the inventory row is refreshed.
 */
@Component
public class GuestActionRunner {

    /** What an action returns, and the detail its audit entry records. */
    public record Done<T>(T value, String detail) {
    }

    private final DomainGateway gateway;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final AuditLog audit;
    private final TaskService tasks;
    private final GuestRepository guests;

    GuestActionRunner(DomainGateway gateway, InventorySync sync, ExpectedGuestChanges expected, AuditLog audit,
                      TaskService tasks, GuestRepository guests) {
        this.gateway = gateway;
        this.sync = sync;
        this.expected = expected;
        this.audit = audit;
        this.tasks = tasks;
        this.guests = guests;
    }

    public <T> Done<T> run(Guest guest, String action, Consumer<DomainFacts> check, Supplier<Done<T>> act) {
        return run(guest, action, check, act, e -> explain(guest, e));
    }

    /** As above; {@code explain} puts a libvirt refusal in an operator's words. */
    public <T> Done<T> run(Guest guest, String action, Consumer<DomainFacts> check, Supplier<Done<T>> act,
                    Function<HypervisorException, String> explain) {
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        Done<T> done;
        try {
            tasks.requireIdle(object);
            check.accept(gateway.domain(guest.hostId(), guest.uuid()));
            expected.expect(guest.hostId(), guest.uuid());
            done = act.get();
        } catch (VirtdeckException e) {
            audit.record(action, object, Outcome.FAILURE, e.getMessage());
            throw e;
        } catch (HypervisorException e) {
            audit.record(action, object, Outcome.FAILURE, e.getMessage());
            throw answer(guest, e, explain);
        }
        audit.record(action, object, Outcome.SUCCESS, done.detail());
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
        return done;
    }

    private VirtdeckException answer(Guest guest, HypervisorException e, Function<HypervisorException, String> explain) {
        // a failed action may still have changed the guest (a failed revert leaves it shut off)
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
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
