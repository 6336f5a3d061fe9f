package io.virtdeck.task;

/** The long work itself; returns the closing message of a successful task. Throwing fails the task with the reason. */
@FunctionalInterface
public interface TaskWork {
    String run(TaskProgress progress) throws Exception;
}
