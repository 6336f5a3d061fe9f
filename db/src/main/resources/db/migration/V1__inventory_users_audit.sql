-- Hosts: one row per libvirt connection Virtdeck manages. libvirt is the truth; this is the cache plus what
-- libvirt does not know (the name people call it by, maintenance).
CREATE TABLE hosts (
    id               BIGSERIAL PRIMARY KEY,
    name             VARCHAR(64)  NOT NULL UNIQUE,
    uri              VARCHAR(512) NOT NULL UNIQUE,
    state            VARCHAR(16)  NOT NULL DEFAULT 'CONNECTING',
    state_reason     TEXT,
    hypervisor_type  VARCHAR(32),
    hostname         VARCHAR(255),
    cpu_model        VARCHAR(128),
    cpu_arch         VARCHAR(32),
    cpus             INTEGER,
    cpu_sockets      INTEGER,
    cpu_cores        INTEGER,
    cpu_threads      INTEGER,
    memory_mib       BIGINT,
    numa_cells       INTEGER,
    hw_virtualization BOOLEAN,
    capabilities     TEXT,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    state_changed_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Guests: the inventory cache of libvirt domains, kept current by events first and a periodic reconcile second.
CREATE TABLE guests (
    id          BIGSERIAL PRIMARY KEY,
    host_id     BIGINT       NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid        UUID         NOT NULL,
    name        VARCHAR(128) NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    vcpus       INTEGER      NOT NULL,
    memory_mib  BIGINT       NOT NULL,
    autostart   BOOLEAN      NOT NULL DEFAULT FALSE,
    persistent  BOOLEAN      NOT NULL DEFAULT TRUE,
    os_type     VARCHAR(32),
    disks       TEXT         NOT NULL DEFAULT '[]',
    nics        TEXT         NOT NULL DEFAULT '[]',
    graphics    TEXT         NOT NULL DEFAULT '[]',
    description TEXT,
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (host_id, uuid)
);
-- The guest list filters by host and state and sorts by name: index what is filtered.
CREATE INDEX guests_state_name_idx ON guests (state, lower(name));
CREATE INDEX guests_host_name_idx ON guests (host_id, lower(name));
CREATE INDEX guests_name_idx ON guests (lower(name));

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16)  NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'HELPDESK', 'VIEWER')),
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Append-only: Virtdeck inserts and reads, never updates or deletes (enforced below).
CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    username    VARCHAR(64)  NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    object_type VARCHAR(32)  NOT NULL,
    object_id   VARCHAR(64),
    object_name VARCHAR(255),
    outcome     VARCHAR(16)  NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'DENIED', 'INFO')),
    detail      TEXT
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);
CREATE INDEX audit_events_user_idx ON audit_events (username, at DESC);
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id, at DESC);

CREATE FUNCTION audit_events_are_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_change
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
