-- Several Virtdeck instances on one database (README: Several instances).
-- Each running instance, renewed with its host leases; a row whose alive_until has passed is a stopped instance.
CREATE TABLE virtdeck_instances (
    id          UUID         PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    started_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    alive_until TIMESTAMPTZ  NOT NULL
);

-- Which instance monitors a host (events, reconcile, sampling): one at a time, until expires_at unless renewed.
CREATE TABLE host_leases (
    host_id    BIGINT      PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
    owner_id   UUID        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX host_leases_owner_idx ON host_leases (owner_id);

-- The instance running a task: only tasks of stopped instances are settled by another.
ALTER TABLE tasks ADD COLUMN instance_id UUID;

-- Guests Virtdeck itself just acted on, whichever instance did it: the instance that monitors the host then knows
-- their libvirt events are not changes made outside Virtdeck.
CREATE TABLE expected_guest_changes (
    host_id        BIGINT      NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid           UUID        NOT NULL,
    expected_until TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (host_id, uuid)
);
