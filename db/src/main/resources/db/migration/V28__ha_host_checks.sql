-- What the HA watch of a host that does not answer concludes, round after round, in words: how long it has been
-- silent, what its heartbeat on shared storage says, whether it is declared lost. Written by the instance holding the
-- host's lease, read by every instance's pages; removed once the host answers again.
CREATE TABLE ha_host_checks (
    host_id      BIGINT       PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
    silent_since TIMESTAMPTZ  NOT NULL,
    declared     BOOLEAN      NOT NULL,
    reason       TEXT         NOT NULL,
    -- an administrator's "I confirm this host is down": the watch's own words no longer replace it
    confirmed_by VARCHAR(64),
    checked_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
