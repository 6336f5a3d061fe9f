package io.virtdeck.guest.devices;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.stereotype.Component;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DiskCopyGateway;
import io.virtdeck.hypervisor.DiskCopyProgress;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeCopier;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * The work of a disk move task: makes the new volume (recorded first, so that a Virtdeck killed mid-move deletes it),
 * has libvirt copy the disk into it while the guest runs, reports the bytes copied, and once the copy has caught up
 * switches the guest over to it (libvirt points the definition there too); then deletes the old volume if asked. A
 * shut-off guest's volume is copied by libvirt as a whole instead, and its definition then pointed at the copy. A
 * cancel or a failure before the switch stops the copy and deletes the new volume: the guest stays on its old disk,
 * its definition unchanged.
 */
@Component
class DiskMove {

    private static final long POLL_MS = 500;
    /** The copy's share of the progress bar; switching over and deleting the old volume are the rest. */
    private static final int COPY_PERCENT = 95;

    /** What to move where, as checked before the task started. */
    record Plan(Guest guest, String target, PooledVolume from, String pool, String format, boolean deleteSource,
                long bytesPerSecond, boolean running) {

        String describe() {
            return "disk " + target + " of '" + guest.name() + "' from " + from.pool() + "/" + from.volume().name()
                    + " to pool '" + pool + "'";
        }
    }

    private final DiskCopyGateway copies;
    private final StorageGateway storageGateway;
    private final HostRepository hosts;
    private final UndoJournal journal;
    private final ExpectedGuestChanges expected;
    private final InventorySync sync;
    private final VolumeCopier copier;

    DiskMove(DiskCopyGateway copies, StorageGateway storageGateway, HostRepository hosts, UndoJournal journal,
             ExpectedGuestChanges expected, InventorySync sync, VolumeCopier copier) {
        this.copies = copies;
        this.copier = copier;
        this.storageGateway = storageGateway;
        this.hosts = hosts;
        this.journal = journal;
        this.expected = expected;
        this.sync = sync;
    }

    String run(Plan plan, TaskProgress progress, Ending ending) throws InterruptedException {
        Guest guest = plan.guest();
        String name = freeName(plan);
        String copy = plan.pool() + "/" + name;
        AtomicBoolean copying = new AtomicBoolean();
        String old = plan.from().pool() + "/" + plan.from().volume().name();
        try (MadeSoFar made = journal.begin(AuditAction.GUEST_DISK_MOVE, AuditObject.guest(guest.id(), guest.name()),
                progress.taskId())) {
            try {
                if (plan.running()) {
                    copyWhileRunning(plan, name, progress, made, copying);
                } else {
                    copyWhileShutOff(plan, name, progress, made);
                }
                made.done(); // the guest uses the new volume now: it is no longer something to take back
            } catch (TaskCancelledException e) {
                String cancelled = "Cancelled: " + plan.describe() + " did not move; it stays on " + old + ". "
                        + stop(plan, copying.get(), made);
                ending.failed(cancelled);
                throw new TaskCancelledException(cancelled);
            } catch (HypervisorException e) {
                String failed = "Moving " + plan.describe() + " failed: " + HypervisorErrors.sentence(e) + " It stays on "
                        + old + ". " + stop(plan, copying.get(), made);
                ending.failed(failed);
                throw VirtdeckException.conflict(failed);
            }
        }
        sync.refreshOrRemove(guest.hostId(), guest.uuid());
        String done = "Moved " + plan.describe() + ": it is " + copy + " now; " + oldVolume(plan);
        ending.succeeded(done);
        return done;
    }

    /** Makes the new volume, mirrors the running disk into it, and switches the guest over once it has caught up. */
    private void copyWhileRunning(Plan plan, String name, TaskProgress progress, MadeSoFar made,
                                  AtomicBoolean copying) throws InterruptedException {
        Guest guest = plan.guest();
        String copy = plan.pool() + "/" + name;
        progress.update(0, "Making volume " + copy);
        made.volume(hosts.require(guest.hostId()), plan.pool(), name, () -> storageGateway.createVolume(
                guest.hostId(), plan.pool(), new NewVolume(name, plan.from().volume().capacityMiB(), plan.format())));
        copies.startCopy(guest.hostId(), guest.uuid(), plan.target(), plan.pool(), name, plan.format(),
                plan.bytesPerSecond());
        copying.set(true);
        follow(plan, progress);
        progress.update(COPY_PERCENT, "Switching " + plan.target() + " over to " + copy);
        expected.expect(guest.hostId(), guest.uuid()); // the definition's change is Virtdeck's doing
        copies.pivot(guest.hostId(), guest.uuid(), plan.target());
    }

    /**
     * Copies the shut-off guest's volume into the pool (libvirt's create-from), then points the disk in its definition
     * at the copy. libvirt cannot stop a volume copy half-way: a cancel takes effect once it is made (then deleted).
     */
    private void copyWhileShutOff(Plan plan, String name, TaskProgress progress, MadeSoFar made)
            throws InterruptedException {
        Guest guest = plan.guest();
        String copy = plan.pool() + "/" + name;
        long total = plan.from().volume().allocationMiB();
        TaskProgress copied = progress.step(0, COPY_PERCENT);
        made.volume(hosts.require(guest.hostId()), plan.pool(), name, () -> copier.copy(guest.hostId(),
                plan.from().pool(), plan.from().volume().name(), plan.pool(), name, mib -> copied.update(
                        (int) (total == 0 ? 0 : Math.min(mib, total) * 100 / total), "Copied " + mib + " MiB of "
                                + total + " MiB of " + plan.target() + " to pool '" + plan.pool() + "'")));
        if (progress.cancelRequested()) {
            throw new TaskCancelledException("cancelled");
        }
        progress.update(COPY_PERCENT, "Pointing " + plan.target() + " of '" + guest.name() + "' at " + copy);
        expected.expect(guest.hostId(), guest.uuid()); // the definition's change is Virtdeck's doing
        copies.pointDiskAt(guest.hostId(), guest.uuid(), plan.target(), plan.pool(), name);
    }

    /** Reports the bytes copied until the copy has caught up; throws when cancelled or when the copy went away. */
    private void follow(Plan plan, TaskProgress progress) throws InterruptedException {
        Guest guest = plan.guest();
        TaskProgress copying = progress.step(0, COPY_PERCENT);
        while (true) {
            if (progress.cancelRequested()) {
                throw new TaskCancelledException("cancelled");
            }
            Optional<DiskCopyProgress> now = copies.copyProgress(guest.hostId(), guest.uuid(), plan.target());
            if (now.isEmpty()) {
                throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, "the copy stopped before it"
                        + " caught up (was the guest shut down?).");
            }
            DiskCopyProgress copied = now.get();
            copying.update((int) (copied.copiedBytes() * 100 / Math.max(copied.totalBytes(), 1)), "Copied "
                    + ByteProgress.mib(copied.copiedBytes()) + " of " + ByteProgress.mib(copied.totalBytes()) + " of "
                    + plan.target() + " to pool '" + plan.pool() + "'");
            if (copied.ready()) {
                return;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Stops the copy (if it runs) and deletes the new volume; says what is left. */
    private String stop(Plan plan, boolean copying, MadeSoFar made) {
        Guest guest = plan.guest();
        if (copying) {
            try {
                copies.abortCopy(guest.hostId(), guest.uuid(), plan.target());
            } catch (HypervisorException e) {
                if (e.kind() != HypervisorException.Kind.NOT_FOUND && e.kind() != HypervisorException.Kind.INVALID_STATE) {
                    return "The copy could not be stopped (" + HypervisorErrors.message(e) + "): stop it with `virsh"
                            + " blockjob " + guest.name() + " " + plan.target() + " --abort` on the host. " + made.undo();
                }
            }
        }
        return made.undo();
    }

    private String oldVolume(Plan plan) {
        String old = plan.from().pool() + "/" + plan.from().volume().name();
        if (!plan.deleteSource()) {
            return old + " is kept.";
        }
        try {
            storageGateway.deleteVolume(plan.guest().hostId(), plan.from().pool(), plan.from().volume().name());
            return old + " is deleted.";
        } catch (HypervisorException e) {
            return old + " could not be deleted (" + HypervisorErrors.message(e) + "): delete it on the host's Storage"
                    + " page.";
        }
    }

    /** The old volume's name when the pool has none of that name, else that name with a suffix before its extension. */
    private String freeName(Plan plan) {
        String name = plan.from().volume().name();
        if (storageGateway.volume(plan.guest().hostId(), plan.pool(), name).isEmpty()) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String suffix = "-" + Long.toString(System.currentTimeMillis(), 36).toLowerCase(Locale.ROOT);
        return dot > 0 ? name.substring(0, dot) + suffix + name.substring(dot) : name + suffix;
    }
}
