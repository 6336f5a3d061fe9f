package io.virtdeck.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.action.Ending;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.BackupProgress;
import io.virtdeck.hypervisor.BackupRequest;
import io.virtdeck.hypervisor.BackupStarted;
import io.virtdeck.hypervisor.BackupTarget;
import io.virtdeck.hypervisor.CheckpointFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;

/**
 * The work of a backup task: records the point, has libvirt begin the backup with its checkpoint, follows the job's
 * bytes, and on success deletes the guest's older Virtdeck checkpoints (the next incremental starts from the new
 * one). A failure or a cancel aborts the job, deletes the point's volumes (no partial files stay in the store) and its
 * new checkpoint, and marks the point FAILED: the chain goes on from the point before. A shut-off guest is started
 * paused for the backup and stopped after it.
 */
@Component
class BackupRun {

    private static final Logger log = LoggerFactory.getLogger(BackupRun.class);
    private static final long POLL_MS = 500;

    private final BackupGateway backups;
    private final StorageGateway storage;
    private final BackupRepository repository;
    private final ExpectedGuestChanges expected;

    BackupRun(BackupGateway backups, StorageGateway storage, BackupRepository repository,
              ExpectedGuestChanges expected) {
        this.backups = backups;
        this.storage = storage;
        this.repository = repository;
        this.expected = expected;
    }

    String run(BackupPlan plan, TaskProgress progress, Ending ending) throws InterruptedException {
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
            started = backups.beginBackup(hostId, uuid, new BackupRequest(plan.store().pool(), targets,
                    plan.incremental() ? plan.base().checkpoint() : null, checkpoint, plan.quiesce()));
        } catch (HypervisorException e) {
            String failed = "The " + kind + " of '" + plan.guest().name() + "' did not begin: "
                    + HypervisorErrors.message(e);
            repository.failed(pointId, failed);
            ending.failed(failed);
            throw VirtdeckException.conflict(failed);
        }
        repository.started(pointId, started.startedPaused(), started.frozen(), started.freezeNote());
        progress.onCancel(() -> abortQuietly(hostId, uuid));
        BackupProgress job = follow(hostId, uuid, progress);
        if (job.state() == BackupProgress.State.COMPLETED) {
            completed(hostId, uuid, checkpoint, started.startedPaused());
            repository.completed(pointId, job.bytesProcessed());
            String done = "Backed up '" + plan.guest().name() + "' to store '" + plan.store().name() + "': " + kind
                    + ", " + ByteProgress.mib(job.bytesProcessed()) + " copied; " + consistency(started) + ".";
            ending.succeeded(done);
            return done;
        }
        boolean cancelled = job.state() == BackupProgress.State.CANCELLED || progress.cancelRequested();
        String reason = cancelled ? "cancelled" : "failed: " + (job.error() != null ? job.error()
                : "libvirt reports no backup job for the guest");
        String failed = "The " + kind + " of '" + plan.guest().name() + "' " + reason + ". "
                + takeBack(hostId, uuid, plan.store(), disks, checkpoint, started.startedPaused());
        repository.failed(pointId, failed);
        ending.failed(failed);
        if (cancelled) {
            throw new TaskCancelledException(failed);
        }
        throw VirtdeckException.conflict(failed);
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
        for (BackupPoint.Disk disk : disks) {
            try {
                if (storage.volume(hostId, store.pool(), disk.volume()).isPresent()) {
                    storage.deleteVolume(hostId, store.pool(), disk.volume());
                }
            } catch (HypervisorException e) {
                left.add(store.pool() + "/" + disk.volume());
            }
        }
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
