package io.virtdeck.guest.create;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.guest.cloudinit.SeedVolume;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainSpec;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * Creates a guest on a host: checks the request ({@link GuestCreatePlanner}), creates its new volumes one by one,
 * defines the domain and sets autostart. Any failure on the way undoes what was done (domain undefined, new volumes
 * deleted), so a failed create leaves nothing on the host; each is recorded before it is made, so that a Virtdeck
 * killed mid-create leaves nothing either ({@link UndoJournal}). One audit entry whatever the outcome.
 */
@Service
public class GuestCreateService {

    private final GuestCreatePlanner planner;
    private final HostGateway hostGateway;
    private final DomainGateway domainGateway;
    private final StorageGateway storageGateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final ActionRunner actions;
    private final UndoJournal journal;
    private final CloudInitService cloudInit;

    private final Permissions permissions;

    public GuestCreateService(GuestCreatePlanner planner, HostGateway hostGateway, DomainGateway domainGateway,
                              StorageGateway storageGateway, HostRepository hosts,
                              GuestRepository guests, InventorySync sync, ExpectedGuestChanges expected,
                              ActionRunner actions, UndoJournal journal, CloudInitService cloudInit,
                              Permissions permissions) {
        this.permissions = permissions;
        this.cloudInit = cloudInit;
        this.journal = journal;
        this.planner = planner;
        this.hostGateway = hostGateway;
        this.domainGateway = domainGateway;
        this.storageGateway = storageGateway;
        this.hosts = hosts;
        this.guests = guests;
        this.sync = sync;
        this.expected = expected;
        this.actions = actions;
    }

    /** What the create page offers on this host: pools, volumes, ISO images, networks, firmware. */
    public GuestCreateOptions options(long hostId) {
        permissions.requireHost(Action.OPERATE, hostId);
        return GuestCreateOptions.read(openHost(hostId), hostGateway, domainGateway, storageGateway);
    }

    /** Checks the request and says what would be created, creating nothing (the review step of the create page). */
    public GuestPlan plan(long hostId, GuestCreateRequest request) {
        permissions.requireHost(Action.OPERATE, hostId);
        return planner.plan(openHost(hostId), request);
    }

    public Guest create(long hostId, GuestCreateRequest request) {
        return create(hostId, request, null);
    }

    /**
     * The same as a step of a larger work that records what it makes in {@code within} (an import: its volumes and
     * the guest they become are kept or taken back together); null for a create of its own.
     */
    public Guest create(long hostId, GuestCreateRequest request, MadeSoFar within) {
        AtomicReference<GuestPlan> planned = new AtomicReference<>();
        AuditObject subject = new AuditObject("guest", null, request.name());
        return actions.plan(AuditAction.GUEST_CREATE, subject)
                .permit(() -> permissions.requireHost(Action.OPERATE, hostId))
                .check(() -> planned.set(planner.plan(openHost(hostId), request)))
                // its DEFINED event is Virtdeck's doing, not a change from outside
                .expecting(() -> expected.expect(hostId, planned.get().uuid()))
                .run(() -> {
                    GuestPlan plan = planned.get();
                    Creation creation;
                    if (within != null) {
                        creation = new Creation(plan, within);
                        creation.run();
                    } else {
                        try (MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, subject)) {
                            creation = new Creation(plan, made);
                            creation.run();
                            made.done();
                        }
                    }
                    sync.refreshOrRemove(hostId, plan.uuid());
                    Guest guest = guests.findByHostAndUuid(hostId, plan.uuid()).orElseThrow(() ->
                            VirtdeckException.conflict("'" + plan.name() + "' was created on host '"
                                    + plan.host().name() + "' but cannot be read back yet."));
                    if (creation.seed != null) {
                        cloudInit.remember(guest.id(), plan.cloudInit(), creation.seed);
                    }
                    return Done.of(guest, plan.summary()).about(AuditObject.guest(guest.id(), guest.name()));
                });
    }

    /** A host that takes new guests: known, and not in maintenance. */
    private Host openHost(long hostId) {
        return hosts.findById(hostId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no host with id " + hostId + "."))
                .takingNewGuests();
    }

    /** One run of the steps, remembering what it made so that a failure can take it all back. */
    private final class Creation {
        private final GuestPlan plan;
        private final MadeSoFar made;
        private String step;
        private SeedVolume seed;

        Creation(GuestPlan plan, MadeSoFar made) {
            this.plan = plan;
            this.made = made;
        }

        void run() {
            long hostId = plan.host().id();
            try {
                List<DomainSpec.Disk> disks = new ArrayList<>();
                for (GuestPlan.PlannedDisk disk : plan.disks()) {
                    disks.add(disk.isNew() ? createVolume(disk) : disk.existing());
                }
                step = "defining the guest";
                made.domain(plan.host(), plan.uuid(), plan.name(),
                        () -> domainGateway.define(hostId, plan.spec(disks)));
                if (plan.autostart()) {
                    step = "setting autostart";
                    domainGateway.setAutostart(hostId, plan.uuid(), true);
                }
                if (plan.cloudInit() != null) {
                    step = "writing its cloud-init seed";
                    seed = cloudInit.write(plan.host(), plan.uuid(), plan.name(), plan.cloudInit(), made);
                }
            } catch (HypervisorException e) {
                String message = "Creating '" + plan.name() + "' failed while " + step + ": "
                        + HypervisorErrors.sentence(e) + " " + made.undo();
                throw e.kind() == HypervisorException.Kind.FAILED ? VirtdeckException.refused(message)
                        : VirtdeckException.conflict(message);
            } catch (RuntimeException e) {
                made.undo();
                throw e;
            }
        }

        private DomainSpec.Disk createVolume(GuestPlan.PlannedDisk disk) {
            step = "creating volume " + disk.create().name() + " in pool " + disk.pool();
            VolumeFacts volume = made.volume(plan.host(), disk.pool(), disk.create().name(),
                    () -> storageGateway.createVolume(plan.host().id(), disk.pool(), disk.create()));
            return DomainSpec.Disk.of(disk.pool(), volume);
        }
    }
}
