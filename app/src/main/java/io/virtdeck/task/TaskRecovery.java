package io.virtdeck.task;

import io.virtdeck.audit.AuditAction;

/**
 * Settles tasks of one type that were unfinished when Virtdeck stopped, by asking libvirt what became of their work
 * (a migration may have finished, failed, or still run). Types without one are closed as FAILED with the reason.
 */
public interface TaskRecovery {

    /** The task type this settles. */
    AuditAction type();

    /** Closes the task truthfully through {@code tasks}, or follows it again until it ends. */
    void recover(Task task, TaskService tasks);
}
