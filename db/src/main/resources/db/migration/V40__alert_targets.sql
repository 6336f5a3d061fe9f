-- Where alerts are sent (issue 24): mail over SMTP and webhooks. A target's secret (the SMTP password, the webhook's
-- signing key) is encrypted by the instance's secret key and bound to "alert-target:<id>"; it is never shown back.
CREATE TABLE alert_targets (
    id          BIGSERIAL   PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    kind        TEXT        NOT NULL CHECK (kind IN ('MAIL', 'WEBHOOK')),
    -- MAIL: host, port, security (STARTTLS, TLS, NONE), username, from, to[]; WEBHOOK: url
    settings    JSONB       NOT NULL DEFAULT '{}',
    secret      BYTEA,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The outbox between alert rules and targets: a rule's firing or resolving adds one row per target; any instance's
-- sender claims due rows (FOR UPDATE SKIP LOCKED), sends, and retries with backoff. The unique key makes a message
-- that two instances both noticed a single delivery.
CREATE TABLE alert_deliveries (
    id               BIGSERIAL   PRIMARY KEY,
    target_id        BIGINT      NOT NULL REFERENCES alert_targets (id) ON DELETE CASCADE,
    dedupe_key       TEXT        NOT NULL,
    subject          TEXT        NOT NULL,
    -- the message as a webhook receives it; a mail is written from the same fields
    message          JSONB       NOT NULL,
    state            TEXT        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'FAILED')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at          TIMESTAMPTZ,
    UNIQUE (target_id, dedupe_key)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE state = 'PENDING';
