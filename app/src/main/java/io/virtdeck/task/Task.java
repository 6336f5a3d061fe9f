package io.virtdeck.task;

import java.time.Instant;

/** A piece of long work and how far it got (OpenAPI: GET /api/v1/tasks/{id}). */
public record Task(
        long id,
        String type,
        State state,
        int progress,
        String message,
        String user,
        String objectType,
        String objectId,
        String objectName,
        boolean cancellable,
        Instant startedAt,
        Instant finishedAt) {

    public enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean finished() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }
}
