package io.virtdeck.guest;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Access;
import io.virtdeck.task.TaskService;
import io.virtdeck.web.HypervisorErrors;
import io.virtdeck.web.VirtdeckException;

/**
 * Power actions and deletion. Each checks the role, checks the domain's live state against what the action needs
 * (409 with the reason otherwise), acts through the gateway, refreshes the inventory row and writes one audit entry
 * whatever the outcome.
 */
@Service
public class GuestLifecycleService {

    private final GuestRepository guests;
    private final HypervisorGateway gateway;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final AuditLog audit;
    private final HostRepository hosts;
    private final TaskService tasks;

    public GuestLifecycleService(GuestRepository guests, HypervisorGateway gateway, InventorySync sync,
                                 ExpectedGuestChanges expected, AuditLog audit, HostRepository hosts,
                                 TaskService tasks) {
        this.guests = guests;
        this.hosts = hosts;
        this.tasks = tasks;
        this.gateway = gateway;
        this.sync = sync;
        this.expected = expected;
        this.audit = audit;
    }

    @PreAuthorize(Access.OPERATE)
    public Guest perform(long guestId, DomainAction action) {
        Guest guest = guests.require(guestId);
        audited(guest, "guest." + action.name().toLowerCase(),
                live -> {
                    GuestActions.check(action, live.state(), guest.name());
                    if (action == DomainAction.START) {
                        refuseInMaintenance(guest);
                    }
                },
                () -> {
                    gateway.perform(guest.hostId(), guest.uuid(), action);
                    return new Done<Void>(null, null);
                });
        return guests.findById(guestId).orElse(guest);
    }

    /** Deletes a shut-off guest's definition and, when asked, the volumes of its disks. Returns those deleted. */
    @PreAuthorize(Access.OPERATE)
    public List<String> delete(long guestId, boolean deleteDisks) {
        Guest guest = guests.require(guestId);
        return audited(guest, "guest.delete", live -> {
            if (!Set.of(DomainRunState.SHUTOFF, DomainRunState.CRASHED).contains(live.state())) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": shut it down or power it off before deleting it.");
            }
        }, () -> {
            List<String> deleted = gateway.undefine(guest.hostId(), guest.uuid(), deleteDisks);
            return new Done<>(deleted, deleteDisks ? "definition and volumes deleted: " + String.join(", ", deleted)
                    : "definition deleted; disks kept");
        }).value();
    }

    /** A host in maintenance takes no new work: no guest is started there. */
    private void refuseInMaintenance(Guest guest) {
        if (hosts.findById(guest.hostId()).map(Host::maintenance).orElse(false)) {
            throw VirtdeckException.conflict("Host '" + guest.hostName() + "' is in maintenance: no guest is started"
                    + " there. Migrate '" + guest.name() + "' to another host first, or leave maintenance.");
        }
    }

    /** What an action returns, and the detail its audit entry records. */
    private record Done<T>(T value, String detail) {
    }

    /**
     * Runs one action on a guest the way every action runs: {@code check} refuses it (by throwing) against the
     * domain's live state from libvirt; {@code act} is marked as Virtdeck's own doing (so its events are not
     * reported as outside changes); the outcome is audited whatever it is; the inventory row is refreshed.
     */
    private <T> Done<T> audited(Guest guest, String action, Consumer<DomainFacts> check, Supplier<Done<T>> act) {
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
            if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                sync.refreshOrRemove(guest.hostId(), guest.uuid());
                throw VirtdeckException.notFound("'" + guest.name() + "' no longer exists on host '"
                        + guest.hostName() + "'; it was removed outside Virtdeck.");
            }
            throw VirtdeckException.conflict(explain(guest, e));
        }
        audit.record(action, object, Outcome.SUCCESS, done.detail());
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
        return done;
    }

    /** A libvirt failure in an operator's words, naming the host when it is the host that is missing. */
    private static String explain(Guest guest, HypervisorException e) {
        if (e.kind() == HypervisorException.Kind.UNREACHABLE) {
            return "Host '" + guest.hostName() + "' cannot be reached: " + e.getMessage();
        }
        return HypervisorErrors.message(e);
    }
}
