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

    /** This task's progress seen by one step of it: the step's 0-100 fills the part [from, to] of the bar. */
    default TaskProgress step(int from, int to) {
        return new ProgressPhase(this, from, to);
    }
}
