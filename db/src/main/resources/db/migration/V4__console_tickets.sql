-- One-time console tickets. Only a hash of each ticket is kept: the ticket itself lives in the browser for at most a
-- minute. In the database (not in one instance's memory) so that any Virtdeck instance can accept a ticket once.
CREATE TABLE console_tickets (
    ticket_hash   CHAR(64)     PRIMARY KEY,
    guest_id      BIGINT       NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    username      VARCHAR(64)  NOT NULL,
    session_hash  CHAR(64),
    issued_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ  NOT NULL,
    used_at       TIMESTAMPTZ
);
CREATE INDEX console_tickets_expires_idx ON console_tickets (expires_at);
