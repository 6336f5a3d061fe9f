package io.virtdeck.guest.devices;

import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;

/**
 * Proxmox's "Move disk": a running guest's disk copied into a new volume of another pool of its host while the guest
 * goes on using it, then the guest switched over to the copy; a shut-off guest's volume copied by libvirt and its
 * definition pointed at the copy. The old volume kept or deleted as asked. A task with progress and cancel (the guest
 * stays on its old disk and the new volume is deleted).
 */
@Service
public class GuestDiskMoveService {

    private static final Pattern TARGET = Pattern.compile("[a-z]{2,3}[a-z]{1,2}");

    private final GuestRepository guests;
    private final GuestActionPlans plans;
    private final StorageGateway storageGateway;
    private final GuestDevicesService devices;
    private final TaskService tasks;
    private final DiskMove moving;
    private final SnapshotGateway snapshots;

    GuestDiskMoveService(GuestRepository guests, GuestActionPlans plans, StorageGateway storageGateway,
                         GuestDevicesService devices, TaskService tasks, DiskMove moving, SnapshotGateway snapshots) {
        this.snapshots = snapshots;
        this.guests = guests;
        this.plans = plans;
        this.storageGateway = storageGateway;
        this.devices = devices;
        this.tasks = tasks;
        this.moving = moving;
    }

    /**
     * The body of POST /api/v1/guests/{id}/disks/{target}/move: the pool to move to; {@code deleteSource} deletes the old
     * volume once the guest uses the new one (default: kept); {@code bandwidthMiBPerSecond} caps the copy's speed
     * (default: as fast as the storage goes; a shut-off guest's copy is not capped).
     */
    public record MoveRequest(String pool, Boolean deleteSource, Long bandwidthMiBPerSecond) {
    }

    /** Starts moving the disk at {@code target}; returns its task. */
    public Task move(long guestId, String target, MoveRequest request) {
        Guest guest = guests.require(guestId);
        AuditObject subject = AuditObject.guest(guest.id(), guest.name());
        AtomicReference<DiskMove.Plan> plan = new AtomicReference<>();
        return plans.plan(guest, AuditAction.GUEST_DISK_MOVE).check(() -> {
            if (target == null || !TARGET.matcher(target).matches()) {
                throw VirtdeckException.invalid("target", "'" + target + "' is not a disk target such as vda.");
            }
            if (request.bandwidthMiBPerSecond() != null && request.bandwidthMiBPerSecond() < 1) {
                throw VirtdeckException.invalid("bandwidthMiBPerSecond", "bandwidthMiBPerSecond is at least 1, or"
                        + " absent for no limit.");
            }
        }).check(plans.live(guest, live -> {
            boolean running = live.state() == DomainRunState.RUNNING;
            if (!running && live.state() != DomainRunState.SHUTOFF) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": a disk is moved while its guest runs or is shut off.");
            }
            if (!running && !snapshots.snapshots(guest.hostId(), guest.uuid()).isEmpty()) {
                // a copy of the volume is written afresh: snapshots kept inside the old one would not come along
                throw VirtdeckException.conflict("'" + guest.name() + "' has snapshots, kept in its disks: delete them"
                        + " first, or move the disk while the guest runs.");
            }
            DiskFacts disk = live.disks().stream().filter(d -> "disk".equals(d.device()) && target.equals(d.target()))
                    .findFirst().orElseThrow(() -> VirtdeckException.invalid("target", "'" + guest.name()
                            + "' has no disk at " + target + "."));
            PooledVolume from = disk.source() == null ? null
                    : storageGateway.diskVolume(guest.hostId(), disk.source()).orElse(null);
            if (from == null) {
                throw VirtdeckException.conflict("target", "The disk at " + target + " of '" + guest.name()
                        + "' is not a volume of a pool: Virtdeck moves volumes only.");
            }
            if (disk.shareable()) {
                throw VirtdeckException.conflict("target", "The disk at " + target + " of '" + guest.name()
                        + "' is shared with other guests: a copy would miss their writes.");
            }
            PoolFacts pool = devices.activePool(guest, request.pool());
            if (pool.name().equals(from.pool())) {
                throw VirtdeckException.invalid("pool", "The disk at " + target + " is in pool '" + pool.name()
                        + "' already: choose another pool.");
            }
            String format = disk.format() == null ? "raw" : disk.format();
            // a qcow2 copy holds what the disk holds now; a raw one is as large as the disk
            long needed = "raw".equals(format) ? from.volume().capacityMiB() : from.volume().allocationMiB();
            if (needed > pool.availableMiB()) {
                throw VirtdeckException.invalid("pool", "Pool '" + pool.name() + "' has " + pool.availableMiB()
                        + " MiB free; the disk at " + target + " needs " + needed + " MiB there.");
            }
            plan.set(new DiskMove.Plan(guest, target, from, pool.name(), format,
                    Boolean.TRUE.equals(request.deleteSource()),
                    request.bandwidthMiBPerSecond() == null ? 0 : request.bandwidthMiBPerSecond() * 1024 * 1024,
                    running));
        })).start(ending -> tasks.submit(AuditAction.GUEST_DISK_MOVE, subject, true,
                progress -> moving.run(plan.get(), progress, ending)));
    }
}
