package io.virtdeck.task;

/** Thrown by work that stopped because its task was cancelled: the task ends CANCELLED, not FAILED. */
public class TaskCancelledException extends RuntimeException {

    public TaskCancelledException(String message) {
        super(message);
    }
}
