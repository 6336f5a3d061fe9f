-- Open consoles of every instance (issue 22), so that an administrator sees and closes them all from any instance:
-- a row while a session is open, its byte counts brought up to date every few seconds. Rows of a stopped instance
-- (see virtdeck_instances) are ignored and deleted.
CREATE TABLE console_sessions (
    id                 VARCHAR(16)  PRIMARY KEY,
    instance_id        UUID         NOT NULL,
    username           VARCHAR(128) NOT NULL,
    guest_id           BIGINT       NOT NULL,
    guest_name         VARCHAR(255) NOT NULL,
    host_name          VARCHAR(255),
    opened_at          TIMESTAMPTZ  NOT NULL,
    bytes_to_browser   BIGINT       NOT NULL DEFAULT 0,
    bytes_from_browser BIGINT       NOT NULL DEFAULT 0,
    one_time_password  BOOLEAN      NOT NULL,
    remote_address     VARCHAR(64)
);
