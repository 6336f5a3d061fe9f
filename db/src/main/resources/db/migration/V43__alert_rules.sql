-- Alert rules (issue 24): what to watch, how serious it is, where to send it (alert_targets, V40) and how often to
-- repeat it while it lasts. Numbered 43: 41 was left unused and must stay so (42 is applied on existing databases).
CREATE TABLE alert_rules (
    id              BIGSERIAL   PRIMARY KEY,
    name            TEXT        NOT NULL UNIQUE,
    kind            TEXT        NOT NULL,
    severity        TEXT        NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    -- the kind's own settings: percent, days, ratio, taskType, guest, minutes (AlertRuleKind says which)
    parameters      JSONB       NOT NULL DEFAULT '{}',
    -- while a condition lasts, it is sent again this often; null: once
    repeat_seconds  INTEGER     CHECK (repeat_seconds > 0),
    enabled         BOOLEAN     NOT NULL DEFAULT TRUE,
    -- how far the event kinds have read, so that a restart or a second instance does not fire an event twice:
    -- audit_events up to this id, tasks finished up to this time (both start at the rule's making)
    seen_audit_id   BIGINT      NOT NULL DEFAULT 0,
    seen_until      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE alert_rule_targets (
    rule_id   BIGINT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES alert_targets (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, target_id)
);

-- Each alert: a condition from when it held until it cleared (RESOLVED), or one event (closed by acknowledging it).
-- A deleted rule's alerts stay in the history under the rule's name.
CREATE TABLE alerts (
    id               BIGSERIAL   PRIMARY KEY,
    rule_id          BIGINT      REFERENCES alert_rules (id) ON DELETE SET NULL,
    rule_name        TEXT        NOT NULL,
    severity         TEXT        NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    -- what it is about, as a key ('host:12', 'pool:3/images', 'audit:812') and in words ("Host lab2")
    subject_key      TEXT        NOT NULL,
    subject          TEXT        NOT NULL,
    -- the message in plain words ("Host lab2 lost: no answer since 23:14 UTC"), and the page it is about
    text             TEXT        NOT NULL,
    link             TEXT,
    event            BOOLEAN     NOT NULL,
    state            TEXT        NOT NULL DEFAULT 'FIRING' CHECK (state IN ('FIRING', 'RESOLVED')),
    -- messages sent for it so far: the first, then one per repeat
    fired            INTEGER     NOT NULL DEFAULT 1,
    first_fired_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_fired_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at      TIMESTAMPTZ,
    resolved_text    TEXT,
    acknowledged_by  TEXT,
    acknowledged_at  TIMESTAMPTZ,
    acknowledged_note TEXT
);
-- two instances evaluating at once open one alert (INSERT ... ON CONFLICT DO NOTHING): one firing alert per rule and
-- subject, and one alert ever per rule and event
CREATE UNIQUE INDEX alerts_one_firing ON alerts (rule_id, subject_key) WHERE state = 'FIRING';
CREATE UNIQUE INDEX alerts_once_per_event ON alerts (rule_id, subject_key) WHERE event;
CREATE INDEX alerts_firing ON alerts (first_fired_at DESC) WHERE state = 'FIRING';
CREATE INDEX alerts_history ON alerts (first_fired_at DESC, id DESC);

-- the task failures a TASK_FAILED rule reads each round, by when they ended
CREATE INDEX tasks_failed_finished ON tasks (finished_at) WHERE state = 'FAILED';
