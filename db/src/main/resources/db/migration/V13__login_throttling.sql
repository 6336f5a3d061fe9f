-- Failed logins, counted per user name and per client address over a sliding window; a subject that reaches the
-- limit is locked until `until`. Rows are short-lived: old failures are swept as new ones arrive.
CREATE TABLE login_failures (
    id      BIGSERIAL PRIMARY KEY,
    kind    VARCHAR(8)   NOT NULL CHECK (kind IN ('USER', 'ADDRESS')),
    subject VARCHAR(255) NOT NULL,
    at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_subject_idx ON login_failures (kind, subject, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

CREATE TABLE login_lockouts (
    kind    VARCHAR(8)   NOT NULL CHECK (kind IN ('USER', 'ADDRESS')),
    subject VARCHAR(255) NOT NULL,
    until   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (kind, subject)
);
