package io.virtdeck.backup;

import java.time.Duration;

import org.springframework.stereotype.Component;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.BackupProgress;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskRecovery;
import io.virtdeck.task.TaskService;

/**
 * Settles a backup task that was running when Virtdeck stopped, as libvirt tells it ended. A backup libvirt completed
 * meanwhile (its job record says so, and the point's new checkpoint and target volumes are there) is recorded complete,
 * with its bytes: the chain goes on from it. Otherwise its libvirt job (if still running) is aborted, its point's
 * partial volumes and new checkpoint deleted, a guest started paused for it stopped, and the point marked FAILED: the
 * chain stays valid, the next backup continues from the last complete point (or, if its checkpoint is gone too, is a
 * full one that says why). The task is followed again meanwhile: at a start the host's connection may take a few
 * seconds to come up, and until the host answers nothing can be told.
 */
@Component
class BackupRecovery implements TaskRecovery {

    private static final Duration HOST_WAIT = Duration.ofMinutes(5);
    private static final Duration HOST_RETRY = Duration.ofSeconds(2);

    private final BackupRepository repository;
    private final BackupRun run;
    private final BackupGateway gateway;
    private final StorageGateway storage;
    private final ActionRunner actions;
    private final StoreFilesFactory files;

    BackupRecovery(BackupRepository repository, BackupRun run, BackupGateway gateway, StorageGateway storage,
                   ActionRunner actions, StoreFilesFactory files) {
        this.files = files;
        this.repository = repository;
        this.run = run;
        this.gateway = gateway;
        this.storage = storage;
        this.actions = actions;
    }

    @Override
    public AuditAction type() {
        return AuditAction.BACKUP_RUN;
    }

    @Override
    public void recover(Task task, TaskService tasks) {
        BackupPoint point = repository.findPointByTask(task.id()).filter(p -> p.state() == BackupPoint.State.RUNNING)
                .orElse(null);
        if (point == null) {
            tasks.close(task.id(), Task.State.FAILED, "Virtdeck stopped before this backup began; nothing was made.");
            return;
        }
        tasks.follow(task.id(), progress -> settle(task, point, progress));
    }

    private String settle(Task task, BackupPoint point, TaskProgress progress) throws InterruptedException {
        Ending ending = actions.resumed(AuditAction.BACKUP_RUN, new AuditObject(task.objectType(), task.objectId(),
                task.objectName()), task.user());
        progress.update(99, "Asking the host how the backup of '" + point.guestName() + "' ended");
        BackupProgress job = jobAfterStop(point);
        if (job.state() == BackupProgress.State.COMPLETED && madeWhatItNamed(point)) {
            run.completed(point.hostId(), point.guestUuid(), point.checkpoint(), point.startedPaused());
            repository.completed(point.id(), job.bytesProcessed());
            String done = "Virtdeck stopped during this backup of '" + point.guestName() + "', and libvirt completed"
                    + " it meanwhile: " + ByteProgress.mib(job.bytesProcessed()) + " copied. It is kept; the next"
                    + " backup continues from it.";
            ending.succeeded(done);
            return done;
        }
        String left;
        try {
            left = repository.findStore(point.storeId()).map(store -> run.takeBack(point.hostId(), point.guestUuid(),
                    store, point.disks(), point.checkpoint(), point.startedPaused()))
                    .orElse("Its store is gone.");
        } catch (HypervisorException e) {
            left = "Its host could not be reached to delete its partial files (" + e.getMessage() + ").";
        }
        String failed = "Virtdeck stopped during this backup of '" + point.guestName() + "'; it was not completed ("
                + ended(job) + "). " + left;
        repository.failed(point.id(), failed);
        ending.failed(failed);
        throw VirtdeckException.conflict(failed);
    }

    /**
     * How libvirt says the guest's backup job stands, once its host answers (it is waited for a while: its connection
     * may be coming up); NONE with libvirt's answer when it cannot tell.
     */
    private BackupProgress jobAfterStop(BackupPoint point) throws InterruptedException {
        long giveUp = System.nanoTime() + HOST_WAIT.toNanos();
        while (true) {
            try {
                return gateway.backupJob(point.hostId(), point.guestUuid());
            } catch (HypervisorException e) {
                if (e.kind() != HypervisorException.Kind.UNREACHABLE || System.nanoTime() > giveUp) {
                    return new BackupProgress(BackupProgress.State.NONE, 0, 0, e.getMessage());
                }
                Thread.sleep(HOST_RETRY.toMillis());
            }
        }
    }

    /**
     * Whether the point's new checkpoint and every target volume are there, in the store's pool on the guest's host:
     * libvirt's record of a completed backup is the guest's latest, which is this point's only if its job began; and a
     * backup staged for a store elsewhere was not streamed there yet, so it is taken back.
     */
    private boolean madeWhatItNamed(BackupPoint point) {
        try {
            BackupStore store = repository.findStore(point.storeId()).orElse(null);
            // written elsewhere first (a store the guest's host does not reach), it was never streamed: not made
            return store != null && files.of(store).reachedBy(point.hostId())
                    && gateway.checkpoints(point.hostId(), point.guestUuid()).stream()
                    .anyMatch(c -> c.name().equals(point.checkpoint()))
                    && point.disks().stream().allMatch(d -> storage.volume(point.hostId(), store.pool(), d.volume())
                    .isPresent());
        } catch (HypervisorException e) {
            return false;
        }
    }

    private static String ended(BackupProgress job) {
        return switch (job.state()) {
            case RUNNING -> "libvirt was still copying; it was aborted";
            case FAILED -> "libvirt: " + (job.error() == null ? "the job failed" : job.error());
            case CANCELLED -> "libvirt: the job was cancelled";
            case NONE -> job.error() == null ? "libvirt keeps no record of its end"
                    : "libvirt could not tell how it ended: " + job.error();
            case COMPLETED -> "libvirt's latest completed backup is not this one: its checkpoint or volumes are"
                    + " missing";
        };
    }
}
