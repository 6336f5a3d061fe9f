package io.virtdeck.migration;

import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRecovery;
import io.virtdeck.task.TaskService;

/**
 * Settles migrations that were under way when Virtdeck stopped (or its database became unreachable): libvirt goes
 * on migrating without Virtdeck, so the task is followed again and closed by where the guest turns out to be.
 */
@Component
class MigrationRecovery implements TaskRecovery {

    private final MigrationRepository migrations;
    private final MigrationService service;

    MigrationRecovery(MigrationRepository migrations, MigrationService service) {
        this.migrations = migrations;
        this.service = service;
    }

    @Override
    public AuditAction type() {
        return MigrationService.TASK_TYPE;
    }

    @Override
    public void recover(Task task, TaskService tasks) {
        migrations.findByTask(task.id()).ifPresentOrElse(
                migration -> tasks.follow(task.id(), progress -> service.resume(migration, task.startedAt(),
                        task.user(), progress)),
                () -> tasks.close(task.id(), Task.State.FAILED,
                        "Virtdeck stopped before this migration started; nothing was changed."));
    }
}
