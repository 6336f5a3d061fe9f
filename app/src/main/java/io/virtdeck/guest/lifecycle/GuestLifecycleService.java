package io.virtdeck.guest.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.guest.cloudinit.SeedVolume;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestAgentGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestAgents;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Power actions (managed save among them) and deletion, each planned by {@link GuestActionPlans}: the role, the
 * domain's live state checked against what the action needs (409 with the reason otherwise), the gateway acting, the
 * inventory row refreshed, one audit entry whatever the outcome.
 */
@Service
public class GuestLifecycleService {

    private final GuestRepository guests;
    private final DomainGateway gateway;
    private final HostRepository hosts;
    private final GuestActionPlans plans;
    private final GuestAgentGateway agentGateway;
    private final GuestAgents agents;
    private final CloudInitService cloudInit;

    private final Permissions permissions;

    public GuestLifecycleService(GuestRepository guests, DomainGateway gateway, HostRepository hosts,
                                 GuestActionPlans plans, GuestAgentGateway agentGateway, GuestAgents agents,
                                 CloudInitService cloudInit, Permissions permissions) {
        this.permissions = permissions;
        this.cloudInit = cloudInit;
        this.agents = agents;
        this.agentGateway = agentGateway;
        this.guests = guests;
        this.gateway = gateway;
        this.hosts = hosts;
        this.plans = plans;
    }

    public Guest perform(long guestId, DomainAction action) {
        Guest guest = guests.require(guestId);
        plans.plan(guest, GuestActions.auditAction(action), live -> {
            GuestActions.checkKind(action, guest.kind(), guest.name());
            GuestActions.check(action, live.state(), live.managedSave(), guest.name());
            if (action == DomainAction.START) {
                refuseTemplate(guest);
                refuseInMaintenance(guest);
            }
        }).execute(() -> gateway.perform(guest.hostId(), guest.uuid(), action));
        return guests.findById(guestId).orElse(guest);
    }

    /**
     * Shut down through the guest agent, as Proxmox's agent option, for a guest that ignores the ACPI power button:
     * audited as a shutdown; 409 when the agent does not answer.
     */
    public Guest shutdownThroughAgent(long guestId) {
        Guest guest = guests.require(guestId);
        plans.plan(guest, GuestActions.auditAction(DomainAction.SHUTDOWN), live -> {
            GuestActions.check(DomainAction.SHUTDOWN, live.state(), live.managedSave(), guest.name());
            GuestAgentFacts agent = agents.read(guest);
            if (!agent.answering()) {
                throw VirtdeckException.conflict("Cannot shut down '" + guest.name() + "' through its guest agent: "
                        + (agent.state() == GuestAgentFacts.State.NOT_CONFIGURED
                        ? "it has no guest agent channel (org.qemu.guest_agent.0)." : "the agent does not answer ("
                        + agent.problem() + ")."));
            }
        }).execute(() -> agentGateway.shutdown(guest.hostId(), guest.uuid()));
        return guests.findById(guestId).orElse(guest);
    }

    /** Before the delete confirmation page: only those who may delete the guest are asked (403, or 404 if unseen). */
    public void requireMayDelete(long guestId) {
        permissions.requireGuest(Action.OPERATE, guestId);
    }

    /**
     * Deletes a shut-off guest's definition and, when asked, the volumes of its disks; its cloud-init seed always goes
     * (it is the guest's own). Returns the volumes deleted.
     */
    public List<String> delete(long guestId, boolean deleteDisks) {
        Guest guest = guests.require(guestId);
        return plans.plan(guest, AuditAction.GUEST_DELETE, live -> {
            if (guest.template() && deleteDisks) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is a template: its disks may back linked"
                        + " clones, which would break without them. Unmark it as a template first, or keep its disks.");
            }
            if (!Set.of(DomainRunState.SHUTOFF, DomainRunState.CRASHED).contains(live.state())) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": shut it down or power it off before deleting it.");
            }
        }).run(() -> {
            Optional<SeedVolume> seed = cloudInit.seedOf(guest);
            List<String> deleted = new ArrayList<>(gateway.undefine(guest.hostId(), guest.uuid(), deleteDisks));
            seed.ifPresent(s -> {
                cloudInit.deleteSeed(guest, s);
                deleted.add(s.toString());
            });
            return Done.of(deleted, (deleteDisks
                    ? "definition and volumes deleted: " + String.join(", ", deleted) : "definition deleted; disks kept")
                    + seed.map(s -> deleteDisks ? "" : "; cloud-init seed " + s + " deleted").orElse(""));
        });
    }

    /** A template keeps its disks as they are: its linked clones read them. */
    private static void refuseTemplate(Guest guest) {
        if (guest.template()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is a template: create a guest from it instead,"
                    + " or unmark it as a template first.");
        }
    }

    /** A host in maintenance takes no new work: no guest is started there. */
    private void refuseInMaintenance(Guest guest) {
        if (hosts.findById(guest.hostId()).map(Host::maintenance).orElse(false)) {
            throw VirtdeckException.conflict("Host '" + guest.hostName() + "' is in maintenance: no guest is started"
                    + " there. Migrate '" + guest.name() + "' to another host first, or leave maintenance.");
        }
    }
}
