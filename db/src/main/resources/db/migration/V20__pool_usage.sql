-- The storage pools of every host as last read by the instance monitoring it, for the capacity dashboard: any
-- instance answers from here, and only the lease holder asks libvirt (instead of every instance asking every host).
CREATE TABLE pool_usage (
    host_id        BIGINT      NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    name           TEXT        NOT NULL,
    type           TEXT        NOT NULL,
    active         BOOLEAN     NOT NULL,
    capacity_mib   BIGINT      NOT NULL,
    allocation_mib BIGINT      NOT NULL,
    available_mib  BIGINT      NOT NULL,
    autostart      BOOLEAN     NOT NULL,
    path           TEXT,
    read_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (host_id, name)
);
