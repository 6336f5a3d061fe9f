package io.virtdeck.backup;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.BackupProgress;
import io.virtdeck.hypervisor.BackupRequest;
import io.virtdeck.hypervisor.BackupStarted;
import io.virtdeck.hypervisor.BackupTarget;
import io.virtdeck.hypervisor.CheckpointFacts;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * The work of a backup task: records the point, has libvirt begin the backup with its checkpoint, follows the job's
 * bytes, and on success deletes the guest's older Virtdeck checkpoints (the next incremental starts from the new
 * one). A failure or a cancel aborts the job, deletes the point's volumes (no partial files stay in the store) and its
 * new checkpoint, and marks the point FAILED: the chain goes on from the point before. A shut-off guest is started
 * paused for the backup and stopped after it. For a store elsewhere (another host, the Virtdeck server), libvirt
 * writes the backup into a pool of the guest's host (the plan's staging pool), Virtdeck streams it to the store, and
 * the staged volumes are deleted, whatever the outcome.
 */
@Component
class BackupRun {

    private static final Logger log = LoggerFactory.getLogger(BackupRun.class);
    private static final long POLL_MS = 500;
    /** The share of the progress bar writing the backup takes when it then streams to a store on another host. */
    private static final int STAGED_PERCENT = 60;

    private final BackupGateway backups;
    private final BackupRepository repository;
    private final ExpectedGuestChanges expected;
    private final VolumeTransfer transfer;
    private final HostRepository hosts;
    private final UndoJournal journal;
    private final StoreFilesFactory files;

    BackupRun(BackupGateway backups, BackupRepository repository, ExpectedGuestChanges expected,
              VolumeTransfer transfer, HostRepository hosts, UndoJournal journal, StoreFilesFactory files) {
        this.backups = backups;
        this.files = files;
        this.repository = repository;
        this.expected = expected;
        this.transfer = transfer;
        this.hosts = hosts;
        this.journal = journal;
    }

    String run(BackupPlan plan, TaskProgress progress, Ending ending) throws InterruptedException {
        if (!plan.staged()) {
            return run(plan, progress, ending, null);
        }
        // what is written on the guest's host before it streams to the store is recorded, so that a kill leaves none
        try (MadeSoFar staging = journal.begin(AuditAction.BACKUP_RUN, AuditObject.guest(plan.guest().id(),
                plan.guest().name()))) {
            return run(plan, progress, ending, staging);
        }
    }

    private String run(BackupPlan plan, TaskProgress progress, Ending ending, MadeSoFar staging)
            throws InterruptedException {
        long hostId = plan.guest().hostId();
        UUID uuid = plan.guest().uuid();
        long chainId = plan.incremental() ? plan.base().chainId()
                : repository.insertChain(plan.store().id(), uuid, plan.guest().name(), hostId);
        int seq = repository.nextSeq(chainId);
        String checkpoint = BackupChains.checkpointName(chainId, seq);
        List<BackupPoint.Disk> disks = new ArrayList<>();
        List<BackupTarget> targets = new ArrayList<>();
        for (BackupPoint.Disk disk : plan.disks()) {
            String volume = BackupChains.volumeName(plan.guest().name(), chainId, seq, disk.disk());
            disks.add(new BackupPoint.Disk(disk.disk(), disk.source(), volume, disk.capacityBytes()));
            targets.add(new BackupTarget(disk.disk(), volume, plan.incremental() ? baseVolume(plan.base(), disk.disk())
                    : null));
        }
        long pointId = repository.insertPoint(chainId, seq, checkpoint, progress.taskId(), plan.definition(),
                plan.fullReason(), disks);
        String kind = plan.incremental() ? "incremental backup (from " + plan.base().checkpoint() + ")"
                : "full backup (" + plan.fullReason() + ")";
        progress.update(1, "Starting the " + kind + " of '" + plan.guest().name() + "'");
        expected.expect(hostId, uuid); // a shut-off guest is started paused and stopped: Virtdeck's doing
        BackupStarted started;
        try {
            if (staging != null) {
                stage(plan, disks, targets, staging);
            }
            started = backups.beginBackup(hostId, uuid, new BackupRequest(plan.writePool(), targets,
                    plan.incremental() ? plan.base().checkpoint() : null, checkpoint, plan.quiesce(), staging != null));
        } catch (HypervisorException e) {
            String failed = "The " + kind + " of '" + plan.guest().name() + "' did not begin: "
                    + HypervisorErrors.message(e) + (staging == null ? "" : " " + staging.undo());
            repository.failed(pointId, failed);
            ending.failed(failed);
            throw VirtdeckException.conflict(failed);
        }
        repository.started(pointId, started.startedPaused(), started.frozen(), started.freezeNote());
        progress.onCancel(() -> abortQuietly(hostId, uuid));
        BackupProgress job = follow(hostId, uuid, staging == null ? progress : progress.step(0, STAGED_PERCENT));
        String failure = job.state() == BackupProgress.State.COMPLETED ? null
                : job.state() == BackupProgress.State.CANCELLED || progress.cancelRequested() ? "cancelled"
                : "failed: " + (job.error() != null ? job.error() : "libvirt reports no backup job for the guest");
        String streamed = "";
        if (failure == null && staging != null) {
            try {
                streamed = streamToStore(plan, started.targets(), disks, progress.step(STAGED_PERCENT, 99));
            } catch (TaskCancelledException e) {
                failure = "cancelled while streaming to " + storePlace(plan);
            } catch (HypervisorException e) {
                failure = "failed while streaming to " + storePlace(plan) + ": " + HypervisorErrors.message(e);
            } catch (UncheckedIOException e) {
                failure = "failed while streaming to " + storePlace(plan) + ": " + e.getMessage();
            }
        }
        if (failure == null) {
            completed(hostId, uuid, checkpoint, started.startedPaused());
            repository.completed(pointId, job.bytesProcessed());
            String done = "Backed up '" + plan.guest().name() + "' to store '" + plan.store().name() + "': " + kind
                    + ", " + ByteProgress.mib(job.bytesProcessed()) + " copied" + streamed + "; "
                    + consistency(started) + "."
                    + (staging == null ? "" : " " + staging.removeTemporary()).stripTrailing();
            ending.succeeded(done);
            return done;
        }
        String failed = "The " + kind + " of '" + plan.guest().name() + "' " + failure + ". "
                + takeBack(hostId, uuid, plan.store(), disks, checkpoint, started.startedPaused())
                + (staging == null ? "" : " " + staging.undo());
        repository.failed(pointId, failed);
        ending.failed(failed);
        if (failure.startsWith("cancelled")) {
            throw new TaskCancelledException(failed);
        }
        throw VirtdeckException.conflict(failed);
    }

    /**
     * Makes the targets in the staging pool, each recorded first. An incremental's overlay names its base, which lives
     * in the store: a stand-in of that name (an empty qcow2) is made beside it for libvirt's check, and the overlay
     * keeps only the name, so that it finds the real base once it sits beside it in the store.
     */
    private void stage(BackupPlan plan, List<BackupPoint.Disk> disks, List<BackupTarget> targets, MadeSoFar staging) {
        Host host = hosts.require(plan.guest().hostId());
        for (int i = 0; i < targets.size(); i++) {
            BackupTarget target = targets.get(i);
            long bytes = disks.get(i).capacityBytes();
            if (target.base() != null) {
                staging.volume(host, plan.stagingPool(), target.base(), () -> backups.createTarget(host.id(),
                        plan.stagingPool(), new BackupTarget(target.disk(), target.base(), null), bytes));
            }
            staging.volume(host, plan.stagingPool(), target.volume(), () -> backups.createTarget(host.id(),
                    plan.stagingPool(), target, bytes));
        }
    }

    /** Streams each staged volume into the store; returns what it moved, in words. */
    private String streamToStore(BackupPlan plan, List<PooledVolume> staged, List<BackupPoint.Disk> disks,
                                 TaskProgress progress) throws InterruptedException {
        long guestHost = plan.guest().hostId();
        StoreFiles store = files.of(plan.store());
        long total = 0;
        List<Long> sizes = new ArrayList<>();
        for (PooledVolume volume : staged) {
            sizes.add(transfer.bytes(guestHost, volume.pool(), volume.volume().name()));
            total += sizes.get(sizes.size() - 1);
        }
        ByteProgress bytes = new ByteProgress(progress, total, "Streamed to " + storePlace(plan) + ":");
        long before = 0;
        for (int i = 0; i < staged.size(); i++) {
            PooledVolume volume = staged.get(i);
            long done = before;
            store.receive(new VolumeTransfer.Location(guestHost, volume.pool(), volume.volume().name()),
                    disks.get(i).volume(), sizes.get(i), copied -> bytes.accept(done + copied));
            before += sizes.get(i);
        }
        return ", then " + ByteProgress.mib(total) + " streamed to " + storePlace(plan);
    }

    /** Where the store is, in a few words: "host lab2", or "the Virtdeck server". */
    private String storePlace(BackupPlan plan) {
        return plan.store().onServer() ? "the Virtdeck server" : "host " + hosts.require(plan.store().hostId()).name();
    }

    private static String baseVolume(BackupPoint base, String disk) {
        return base.disks().stream().filter(d -> d.disk().equals(disk)).findFirst().orElseThrow().volume();
    }

    private static String consistency(BackupStarted started) {
        if (started.frozen() > 0) {
            return started.frozen() + " file system(s) frozen by the guest agent for the checkpoint";
        }
        return started.startedPaused() ? "the guest was shut off (started paused for the backup)"
                : "crash-consistent" + (started.freezeNote() == null ? "" : " (no freeze: " + started.freezeNote()
                + ")");
    }

    /** Polls the job until it ends, reporting its bytes. */
    private BackupProgress follow(long hostId, UUID uuid, TaskProgress progress) throws InterruptedException {
        int failures = 0;
        while (true) {
            try {
                BackupProgress job = backups.backupJob(hostId, uuid);
                failures = 0;
                if (job.ended()) {
                    return job;
                }
                progress.update(2 + (int) (96 * job.bytesProcessed() / Math.max(job.bytesTotal(), 1)),
                        String.format(Locale.ROOT, "Backed up %s of %s", ByteProgress.mib(job.bytesProcessed()),
                                ByteProgress.mib(job.bytesTotal())));
            } catch (HypervisorException e) {
                if (++failures >= 5) { // a host gone for a few seconds; the job is aborted and taken back
                    abortQuietly(hostId, uuid);
                    return new BackupProgress(BackupProgress.State.FAILED, 0, 0, HypervisorErrors.message(e));
                }
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Takes back an unfinished point: its job aborted, its new checkpoint and its volumes deleted, a guest started for
     * it stopped. Returns what could not be taken back, in words, or that the store holds nothing of it.
     */
    String takeBack(long hostId, UUID uuid, BackupStore store, List<BackupPoint.Disk> disks, String checkpoint,
                    boolean startedPaused) {
        List<String> left = new ArrayList<>();
        abortQuietly(hostId, uuid);
        try {
            if (backups.checkpoints(hostId, uuid).stream().anyMatch(c -> c.name().equals(checkpoint))) {
                backups.deleteCheckpoint(hostId, uuid, checkpoint);
            }
        } catch (HypervisorException e) {
            // a stray checkpoint costs a bitmap until the next backup deletes it; it does not break the chain
            log.info("checkpoint {} stays until the next backup: {}", checkpoint, e.getMessage());
        }
        stopIfStartedPaused(startedPaused, hostId, uuid);
        left.addAll(files.of(store).delete(disks.stream().map(BackupPoint.Disk::volume).toList()));
        return left.isEmpty() ? "Its partial files were deleted; the next backup continues from the one before."
                : "These partial files could not be deleted: " + String.join(", ", left) + ".";
    }

    /**
     * What follows a backup libvirt completed: the guest's older checkpoints deleted (the next incremental starts from
     * the new one), a guest started paused for it stopped.
     */
    void completed(long hostId, UUID uuid, String checkpoint, boolean startedPaused) {
        dropOlderCheckpoints(hostId, uuid, checkpoint);
        stopIfStartedPaused(startedPaused, hostId, uuid);
    }

    /** Virtdeck's checkpoints other than the newest: the next backup starts from the newest only. */
    private void dropOlderCheckpoints(long hostId, UUID uuid, String newest) {
        try {
            for (CheckpointFacts checkpoint : backups.checkpoints(hostId, uuid)) {
                if (BackupChains.ours(checkpoint.name()) && !checkpoint.name().equals(newest)) {
                    backups.deleteCheckpoint(hostId, uuid, checkpoint.name());
                }
            }
        } catch (HypervisorException e) {
            log.info("older checkpoints of {} stay until the next backup: {}", uuid, e.getMessage());
        }
    }

    private void stopIfStartedPaused(boolean startedPaused, long hostId, UUID uuid) {
        if (startedPaused) {
            expected.expect(hostId, uuid);
            backups.stopPaused(hostId, uuid);
        }
    }

    /** Aborts the guest's job, if it has one; reading the job first would consume a completed job's record. */
    private void abortQuietly(long hostId, UUID uuid) {
        try {
            backups.abortBackup(hostId, uuid);
        } catch (HypervisorException e) {
            log.debug("aborting the backup of {}: {}", uuid, e.getMessage());
        }
    }
}
