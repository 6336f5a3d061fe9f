-- Backups (issue 19): stores, chains and their points. libvirt knows a guest's checkpoints, not what was written
-- where: this catalogue is Virtdeck's. A chain is a full backup and the incrementals after it, in one store; its
-- points' volumes are qcow2 files in the store's pool, each backed by the point before it.
CREATE TABLE backup_stores (
    id         BIGSERIAL PRIMARY KEY,
    name       VARCHAR(64)  NOT NULL UNIQUE,
    host_id    BIGINT       NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    pool       VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (host_id, pool)
);

-- A chain outlives its guest (restoring a deleted guest is the point), so it keeps the guest's UUID and name.
CREATE TABLE backup_chains (
    id         BIGSERIAL PRIMARY KEY,
    store_id   BIGINT       NOT NULL REFERENCES backup_stores (id) ON DELETE CASCADE,
    guest_uuid UUID         NOT NULL,
    guest_name VARCHAR(128) NOT NULL,
    host_id    BIGINT       NOT NULL, -- where its checkpoints are; no reference: the host may go, the chain stays
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX backup_chains_guest_idx ON backup_chains (guest_uuid, store_id);

CREATE TABLE backup_points (
    id             BIGSERIAL PRIMARY KEY,
    chain_id       BIGINT       NOT NULL REFERENCES backup_chains (id) ON DELETE CASCADE,
    seq            INTEGER      NOT NULL CHECK (seq >= 0), -- 0: the chain's full backup
    state          VARCHAR(16)  NOT NULL CHECK (state IN ('RUNNING', 'COMPLETE', 'FAILED')),
    checkpoint     VARCHAR(128) NOT NULL,
    task_id        BIGINT,
    definition     TEXT         NOT NULL, -- the guest's definition at the time, to restore it from
    full_reason    TEXT,                  -- why this is a full backup (first, asked for, or the chain could not go on)
    started_paused BOOLEAN      NOT NULL DEFAULT FALSE,
    frozen         INTEGER      NOT NULL DEFAULT 0,
    freeze_note    TEXT,
    bytes_copied   BIGINT,
    failure        TEXT,
    started_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    finished_at    TIMESTAMPTZ,
    verify_state   VARCHAR(8)   CHECK (verify_state IN ('PASSED', 'FAILED')), -- a restore booted and checked
    verify_detail  TEXT,
    verified_at    TIMESTAMPTZ,
    UNIQUE (chain_id, seq)
);
CREATE INDEX backup_points_task_idx ON backup_points (task_id);

CREATE TABLE backup_point_disks (
    point_id       BIGINT       NOT NULL REFERENCES backup_points (id) ON DELETE CASCADE,
    disk           VARCHAR(32)  NOT NULL,
    source         TEXT         NOT NULL, -- the disk's source in the definition (a path or pool/volume)
    volume         VARCHAR(255) NOT NULL, -- in the store's pool
    capacity_bytes BIGINT       NOT NULL,
    PRIMARY KEY (point_id, disk)
);

-- Scheduled backups: of one guest, of the guests of a host, or of every guest of the store's host. next_run_at is
-- claimed by compare-and-set, so that a job runs on one instance only when several share this database.
CREATE TABLE backup_jobs (
    id           BIGSERIAL PRIMARY KEY,
    name         VARCHAR(64)  NOT NULL UNIQUE,
    scope        VARCHAR(8)   NOT NULL CHECK (scope IN ('GUEST', 'HOST', 'ALL')),
    guest_id     BIGINT       REFERENCES guests (id) ON DELETE CASCADE,
    host_id      BIGINT       REFERENCES hosts (id) ON DELETE CASCADE,
    store_id     BIGINT       NOT NULL REFERENCES backup_stores (id) ON DELETE CASCADE,
    schedule     VARCHAR(128) NOT NULL,
    keep_last    INTEGER CHECK (keep_last > 0),
    keep_daily   INTEGER CHECK (keep_daily > 0),
    keep_weekly  INTEGER CHECK (keep_weekly > 0),
    keep_monthly INTEGER CHECK (keep_monthly > 0),
    verify_sign  VARCHAR(8) CHECK (verify_sign IN ('serial', 'agent')), -- a verified restore after each backup
    verify_text  TEXT,
    verify_secs  INTEGER,
    next_run_at  TIMESTAMPTZ  NOT NULL,
    last_run_at  TIMESTAMPTZ,
    last_result  TEXT,
    created_by   VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (keep_last IS NOT NULL OR keep_daily IS NOT NULL OR keep_weekly IS NOT NULL OR keep_monthly IS NOT NULL)
);
CREATE INDEX backup_jobs_due_idx ON backup_jobs (next_run_at);
