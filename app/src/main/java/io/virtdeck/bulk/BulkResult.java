package io.virtdeck.bulk;

import java.util.List;

import io.virtdeck.task.Task;

/**
 * A bulk action as it stands (OpenAPI: GET /api/v1/guests/bulk-actions/{taskId}): its task, how many guests it is
 * for and how many of them are done, failed, skipped, running or not started yet, the guests running now, and every
 * guest that failed or was skipped, with why.
 */
public record BulkResult(Task task, int guests, long succeeded, long failed, long skipped, long running,
                         long notStarted, List<Child> runningNow, List<Child> problems, boolean mayCancel) {

    /** One guest's part: {@code outcome} is running, succeeded, failed or skipped. */
    public record Child(long taskId, String guestId, String guestName, String outcome, String reason) {
    }

    /** Done of all, 0-100: for the progress bar. */
    public int percent() {
        return guests == 0 ? 100 : (int) ((succeeded + failed + skipped) * 100 / guests);
    }
}
