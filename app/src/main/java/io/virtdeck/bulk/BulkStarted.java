package io.virtdeck.bulk;

import io.virtdeck.task.Task;

/**
 * The answer to POST /api/v1/guests/bulk-actions (202): the bulk action's task, how many guests were selected, how
 * many it will act on, and how many it skips at once (those the user may not act on, those the action does not fit):
 * the result names them.
 */
public record BulkStarted(Task task, String action, int selected, int toAct, int skipped) {
}
