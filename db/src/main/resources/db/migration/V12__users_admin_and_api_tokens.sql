-- API tokens for scripts: the secret is shown once and only its SHA-256 is kept. A token acts as its user, with at
-- most the user's role; revoked tokens stay as rows (revoked_at) so the account page can say what happened to them.
CREATE TABLE api_tokens (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT      NOT NULL REFERENCES users (id),
    name           VARCHAR(64) NOT NULL,
    secret_sha256  CHAR(64)    NOT NULL UNIQUE,
    role           VARCHAR(16) NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'HELPDESK', 'VIEWER')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    last_used_at   TIMESTAMPTZ,
    last_used_from VARCHAR(64)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
