package io.virtdeck.task;

/** What running work sees of its task: report progress, learn of a cancel, and say how to stop. */
public interface TaskProgress {

    /** The id of the task this work runs as. */
    long taskId();

    /** Records how far the work got (0-100) and what it is doing now, for the pages and the API. */
    void update(int percent, String message);

    /** True once someone asked to cancel; the work should stop and throw {@link TaskCancelledException}. */
    boolean cancelRequested();

    /** What to do the moment a cancel is asked for (e.g. abort a libvirt job); runs on the canceller's thread. */
    void onCancel(Runnable abort);

    /**
     * This task's progress seen by one step of it: the step's 0-100 fill {@code share} percent of the bar from
     * {@code base} on (disk 2 of 4 fills 25 to 50).
     */
    default TaskProgress step(int base, int share) {
        TaskProgress whole = this;
        return new TaskProgress() {
            @Override
            public long taskId() {
                return whole.taskId();
            }

            @Override
            public void update(int percent, String message) {
                whole.update(base + share * Math.max(0, Math.min(percent, 100)) / 100, message);
            }

            @Override
            public boolean cancelRequested() {
                return whole.cancelRequested();
            }

            @Override
            public void onCancel(Runnable abort) {
                whole.onCancel(abort);
            }
        };
    }
}
