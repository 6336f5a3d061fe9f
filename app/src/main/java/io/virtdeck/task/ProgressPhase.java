package io.virtdeck.task;

/** One step of a task with several: its own 0-100 shown as the part [from, to] of the whole task's bar. */
public record ProgressPhase(TaskProgress task, int from, int to) implements TaskProgress {

    @Override
    public long taskId() {
        return task.taskId();
    }

    @Override
    public void update(int percent, String message) {
        task.update(from + (to - from) * Math.max(0, Math.min(100, percent)) / 100, message);
    }

    @Override
    public boolean cancelRequested() {
        return task.cancelRequested();
    }

    @Override
    public void onCancel(Runnable abort) {
        task.onCancel(abort);
    }
}
