package io.virtdeck.task;

/** Someone asked, through another Virtdeck instance, to cancel a task (delivered here by the instances' channel). */
public record TaskCancelAsked(long taskId) {
}
