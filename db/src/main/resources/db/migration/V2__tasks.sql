-- Long work (migration, clone, upload, evacuation) as tasks a person can watch and cancel.
CREATE TABLE tasks (
    id               BIGSERIAL PRIMARY KEY,
    type             VARCHAR(64)  NOT NULL,
    state            VARCHAR(16)  NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    progress         INTEGER      NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    message          TEXT,
    username         VARCHAR(64)  NOT NULL,
    object_type      VARCHAR(32)  NOT NULL,
    object_id        VARCHAR(64)  NOT NULL,
    object_name      VARCHAR(255),
    cancellable      BOOLEAN      NOT NULL DEFAULT FALSE,
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ
);
-- One piece of long work per object at a time, whichever Virtdeck instance starts it.
CREATE UNIQUE INDEX tasks_one_active_per_object ON tasks (object_type, object_id)
    WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX tasks_created_idx ON tasks (created_at DESC);
CREATE INDEX tasks_active_idx ON tasks (state) WHERE state IN ('QUEUED', 'RUNNING');
