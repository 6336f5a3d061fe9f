package io.virtdeck.guest;

import java.util.List;
import java.util.Set;

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
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Access;
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

    public GuestLifecycleService(GuestRepository guests, HypervisorGateway gateway, InventorySync sync,
                                 ExpectedGuestChanges expected, AuditLog audit) {
        this.guests = guests;
        this.gateway = gateway;
        this.sync = sync;
        this.expected = expected;
        this.audit = audit;
    }

    @PreAuthorize(Access.OPERATE)
    public Guest perform(long guestId, DomainAction action) {
        Guest guest = find(guestId);
        String auditAction = "guest." + action.name().toLowerCase();
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        try {
            DomainFacts live = gateway.domain(guest.hostId(), guest.uuid());
            GuestActions.check(action, live.state(), guest.name());
            expected.expect(guest.hostId(), guest.uuid());
            gateway.perform(guest.hostId(), guest.uuid(), action);
        } catch (VirtdeckException e) {
            audit.record(auditAction, object, Outcome.FAILURE, e.getMessage());
            throw e;
        } catch (HypervisorException e) {
            audit.record(auditAction, object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict(explain(guest, e));
        }
        audit.record(auditAction, object, Outcome.SUCCESS, null);
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
        return guests.findById(guestId).orElse(guest);
    }

    /** Deletes a shut-off guest's definition and, when asked, the volumes of its disks. Returns those deleted. */
    @PreAuthorize(Access.OPERATE)
    public List<String> delete(long guestId, boolean deleteDisks) {
        Guest guest = find(guestId);
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        List<String> deletedVolumes;
        try {
            DomainFacts live = gateway.domain(guest.hostId(), guest.uuid());
            if (!Set.of(DomainRunState.SHUTOFF, DomainRunState.CRASHED).contains(live.state())) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + live.state().name().toLowerCase()
                        + ": shut it down or power it off before deleting it.");
            }
            expected.expect(guest.hostId(), guest.uuid());
            deletedVolumes = gateway.undefine(guest.hostId(), guest.uuid(), deleteDisks);
        } catch (VirtdeckException e) {
            audit.record("guest.delete", object, Outcome.FAILURE, e.getMessage());
            throw e;
        } catch (HypervisorException e) {
            audit.record("guest.delete", object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict(explain(guest, e));
        }
        audit.record("guest.delete", object, Outcome.SUCCESS, deleteDisks
                ? "definition and volumes deleted: " + String.join(", ", deletedVolumes)
                : "definition deleted; disks kept");
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
        return deletedVolumes;
    }

    /** A libvirt failure in an operator's words, naming the host when it is the host that is missing. */
    private static String explain(Guest guest, HypervisorException e) {
        if (e.kind() == HypervisorException.Kind.UNREACHABLE) {
            return "Host '" + guest.hostName() + "' cannot be reached: " + e.getMessage();
        }
        return HypervisorErrors.message(e);
    }

    private Guest find(long guestId) {
        return guests.findById(guestId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no guest with id " + guestId + "."));
    }
}
