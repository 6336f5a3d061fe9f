-- Guests restarted on another host when theirs is lost. Keyed by the domain's UUID, which a guest keeps wherever it
-- runs. The definition is kept here because a lost host can no longer be asked for it.
CREATE TABLE ha_guests (
    guest_uuid         UUID         PRIMARY KEY,
    priority           INTEGER      NOT NULL DEFAULT 0,
    definition         TEXT         NOT NULL,
    definition_read_at TIMESTAMPTZ  NOT NULL,
    enabled_by         VARCHAR(64)  NOT NULL,
    enabled_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- where it was last seen while its host answered, and whether it ran there: a lost host's guests show UNKNOWN
    last_host_id       BIGINT,
    last_running       BOOLEAN      NOT NULL DEFAULT FALSE,
    last_seen_at       TIMESTAMPTZ
);

-- Each restart of an HA guest whose host was lost: waiting (with why) until it runs elsewhere, or until its host
-- answers again.
CREATE TABLE ha_restarts (
    id           BIGSERIAL    PRIMARY KEY,
    guest_uuid   UUID         NOT NULL,
    guest_name   VARCHAR(255) NOT NULL,
    from_host_id BIGINT       NOT NULL,
    from_host    VARCHAR(255) NOT NULL,
    to_host_id   BIGINT,
    to_host      VARCHAR(255),
    state        VARCHAR(16)  NOT NULL CHECK (state IN ('WAITING', 'RUNNING', 'CANCELLED')),
    reason       TEXT,
    task_id      BIGINT       REFERENCES tasks (id) ON DELETE SET NULL,
    lost_since   TIMESTAMPTZ  NOT NULL,
    declared_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at   TIMESTAMPTZ,
    -- the old definition on the lost host, removed once that host answers again (its QEMU is gone by then)
    old_removed  BOOLEAN      NOT NULL DEFAULT FALSE
);
-- one restart under way per guest, whichever instance declares the loss
CREATE UNIQUE INDEX ha_restarts_one_waiting ON ha_restarts (guest_uuid) WHERE state = 'WAITING';
CREATE INDEX ha_restarts_declared ON ha_restarts (declared_at DESC);
