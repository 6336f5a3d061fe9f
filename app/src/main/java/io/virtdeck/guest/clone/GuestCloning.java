package io.virtdeck.guest.clone;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.guest.cloudinit.SeedVolume;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeCopier;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * The work of a clone task: copies (or links) the disks one by one, then defines the clone. Progress is disk i of n
 * and, for a full copy, the MiB the new volume holds so far (libvirt reports no progress for volume copies). A cancel
 * takes effect between disks. To another host, each disk streams from the source host's libvirt into a volume of the
 * target's through Virtdeck (a download piped into an upload, a chunk at a time), with byte progress and a cancel
 * that stops the stream. A failure or a cancel takes back every volume made and the definition, so that nothing is
 * left on the host; each is recorded before it is made, so that a Virtdeck killed mid-clone leaves nothing either.
 */
@Component
class GuestCloning {

    /** The share of the progress bar the disks take; defining the clone is the rest. */
    private static final int DISKS_PERCENT = 95;

    private final DomainGateway domainGateway;
    private final StorageGateway storageGateway;
    private final VolumeTransfer transfer;
    private final GuestRepository guests;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final UndoJournal journal;
    private final CloudInitService cloudInit;
    private final VolumeCopier copier;

    GuestCloning(DomainGateway domainGateway, StorageGateway storageGateway, VolumeTransfer transfer,
                 GuestRepository guests, InventorySync sync, ExpectedGuestChanges expected, UndoJournal journal,
                 CloudInitService cloudInit, VolumeCopier copier) {
        this.journal = journal;
        this.cloudInit = cloudInit;
        this.domainGateway = domainGateway;
        this.storageGateway = storageGateway;
        this.transfer = transfer;
        this.copier = copier;
        this.guests = guests;
        this.sync = sync;
        this.expected = expected;
    }

    String run(ClonePlan plan, TaskProgress progress, Ending ending) throws InterruptedException, TaskCancelledException {
        AuditObject clone = new AuditObject("guest", null, plan.name());
        try (MadeSoFar made = journal.begin(GuestCloneService.TASK_TYPE, clone, progress.taskId())) {
            return run(plan, progress, ending.about(clone), made);
        }
    }

    private String run(ClonePlan plan, TaskProgress progress, Ending ending, MadeSoFar made)
            throws InterruptedException, TaskCancelledException {
        long hostId = plan.target().id();
        Map<String, PooledVolume> copies = new HashMap<>();
        String step = "starting";
        SeedVolume seed = null;
        try {
            for (int i = 0; i < plan.disks().size(); i++) {
                ClonePlan.DiskCopy disk = plan.disks().get(i);
                stopIfCancelled(progress);
                step = (plan.linked() ? "linking" : "copying") + " disk " + disk.target();
                VolumeFacts copy;
                if (plan.toAnotherHost()) {
                    copy = stream(plan, i, progress, made);
                } else {
                    int index = i;
                    copy = made.volume(plan.target(), disk.pool(), disk.copyName(), () -> copy(plan, index, progress));
                }
                copies.put(disk.sourceRef(), new PooledVolume(disk.pool(), copy));
            }
            stopIfCancelled(progress);
            step = "defining the clone";
            progress.update(DISKS_PERCENT, "Defining '" + plan.name() + "'");
            expected.expect(hostId, plan.uuid()); // its DEFINED event is Virtdeck's doing
            made.domain(plan.target(), plan.uuid(), plan.name(), () -> domainGateway.defineClone(plan.host().id(),
                    plan.source().uuid(), hostId, plan.name(), plan.uuid(), copies));
            if (plan.cloudInit() != null) {
                step = "writing its cloud-init seed";
                seed = cloudInit.write(plan.target(), plan.uuid(), plan.name(), plan.cloudInit(), made);
            }
        } catch (TaskCancelledException e) { // between disks, or while one streamed to another host
            String cancelled = "Cancelled: '" + plan.name() + "' was not created. " + made.undo();
            ending.failed(cancelled);
            throw new TaskCancelledException(cancelled);
        } catch (HypervisorException | UncheckedIOException e) {
            String failed = "Creating '" + plan.name() + "' from '" + plan.source().name() + "' failed while " + step
                    + ": " + (e instanceof HypervisorException h ? HypervisorErrors.sentence(h) : e.getMessage()) + " "
                    + made.undo();
            ending.failed(failed);
            throw VirtdeckException.conflict(failed);
        }
        made.done();
        sync.refreshOrRemove(hostId, plan.uuid());
        String done = "Created " + plan.describe() + ".";
        Optional<Guest> created = guests.findByHostAndUuid(hostId, plan.uuid());
        if (seed != null && created.isPresent()) {
            cloudInit.remember(created.get().id(), plan.cloudInit(), seed);
        }
        ending.about(created.map(g -> AuditObject.guest(g.id(), g.name()))
                .orElse(new AuditObject("guest", null, plan.name()))).succeeded(done);
        return done;
    }

    /** Between steps; {@link #run} then takes back what was made. */
    private static void stopIfCancelled(TaskProgress progress) throws TaskCancelledException {
        if (progress.cancelRequested()) {
            throw new TaskCancelledException("cancelled");
        }
    }

    /** Copies or links disk {@code index}, reporting how far the copy got while libvirt makes it. */
    private VolumeFacts copy(ClonePlan plan, int index, TaskProgress progress) throws InterruptedException {
        ClonePlan.DiskCopy disk = plan.disks().get(index);
        long hostId = plan.host().id();
        String which = "disk " + (index + 1) + " of " + plan.disks().size() + " (" + disk.target() + ")";
        int base = index * DISKS_PERCENT / plan.disks().size();
        int share = DISKS_PERCENT / plan.disks().size();
        if (plan.linked()) {
            progress.update(base, "Linking " + which + " to " + disk.pool() + "/" + disk.from().name());
            return storageGateway.linkVolume(hostId, disk.pool(), disk.from().name(), disk.copyName());
        }
        long total = disk.from().allocationMiB();
        return copier.copy(hostId, disk.pool(), disk.from().name(), disk.pool(), disk.copyName(), copied ->
                progress.update(base + (int) (total == 0 ? 0 : share * Math.min(copied, total) / total),
                        "Copying " + which + ": " + copied + " of " + total + " MiB"));
    }

    /**
     * Streams disk {@code index} to the target host: a raw volume there of the source file's exact size receives the
     * bytes (libvirt then sees the format in them). The volume is recorded in {@code made} before any byte moves, so
     * that a failed stream takes it back.
     */
    private VolumeFacts stream(ClonePlan plan, int index, TaskProgress progress, MadeSoFar made)
            throws InterruptedException {
        ClonePlan.DiskCopy disk = plan.disks().get(index);
        long from = plan.host().id();
        long to = plan.target().id();
        long bytes = transfer.bytes(from, disk.pool(), disk.from().name());
        made.volume(plan.target(), disk.pool(), disk.copyName(),
                () -> transfer.createTarget(to, disk.pool(), disk.copyName(), bytes));
        TaskProgress step = progress.step(index * DISKS_PERCENT / plan.disks().size(),
                (index + 1) * DISKS_PERCENT / plan.disks().size());
        String which = "Copied disk " + (index + 1) + " of " + plan.disks().size() + " (" + disk.target() + ") to host "
                + plan.target().name() + ":";
        transfer.stream(new VolumeTransfer.Location(from, disk.pool(), disk.from().name()),
                new VolumeTransfer.Location(to, disk.pool(), disk.copyName()), bytes, new ByteProgress(step, bytes,
                        which));
        return storageGateway.volume(to, disk.pool(), disk.copyName()).orElseThrow(() -> new HypervisorException(
                HypervisorException.Kind.NOT_FOUND, "the copy " + disk.pool() + "/" + disk.copyName() + " is gone"));
    }

}
