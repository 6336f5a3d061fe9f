package io.virtdeck.backup;

import org.springframework.stereotype.Component;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRecovery;
import io.virtdeck.task.TaskService;

/**
 * Settles a backup task that was running when Virtdeck stopped: its libvirt job (if still running) is aborted, its
 * point's partial volumes and new checkpoint deleted, a guest started paused for it stopped, and the point marked
 * FAILED. The chain stays valid: the next backup continues from the last complete point (or, if its checkpoint is
 * gone too, is a full one that says why).
 */
@Component
class BackupRecovery implements TaskRecovery {

    private final BackupRepository repository;
    private final BackupRun run;
    private final ActionRunner actions;

    BackupRecovery(BackupRepository repository, BackupRun run, ActionRunner actions) {
        this.repository = repository;
        this.run = run;
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
        String left;
        try {
            left = repository.findStore(point.storeId()).map(store -> run.takeBack(point.hostId(), point.guestUuid(),
                    store, point.disks(), point.checkpoint(), point.startedPaused()))
                    .orElse("Its store is gone.");
        } catch (HypervisorException e) {
            left = "Its host could not be reached to delete its partial files (" + e.getMessage() + ").";
        }
        String failed = "Virtdeck stopped during this backup of '" + point.guestName() + "'; it was not completed. "
                + left;
        repository.failed(point.id(), failed);
        actions.resumed(AuditAction.BACKUP_RUN, new AuditObject(task.objectType(), task.objectId(),
                task.objectName()), task.user()).failed(failed);
        tasks.close(task.id(), Task.State.FAILED, failed);
    }
}
