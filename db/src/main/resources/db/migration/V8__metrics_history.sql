-- Metrics history in three tiers, RRD-style: 10 s samples for a day, 5 min averages for 30 days, 1 h averages for a
-- year (retention is Virtdeck's setting; the downsampling job rolls up and expires). One row per object per
-- bucket: object_kind 'H' a host (hosts.id), 'G' a guest (guests.id; a guest keeps its id across migrations).
-- Rates, not counters: cpu in cores busy (1.0 = one core), memory in MiB in use, disk and network in bytes and
-- requests per second. NULL: the host's driver did not report it. No foreign keys: history outlives a deleted
-- guest until it expires, and inserts stay cheap.
-- The at columns are BRIN-indexed: rows arrive in time order, and BRIN keeps roll-up and expiry scans cheap at a
-- fraction of a B-tree's size (docs/metrics.md: storage per guest).
CREATE TABLE metrics_10s (
    object_kind     CHAR(1)     NOT NULL,
    object_id       BIGINT      NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    cpu             REAL,
    memory_mib      REAL,
    disk_read_bps   REAL,
    disk_write_bps  REAL,
    disk_read_iops  REAL,
    disk_write_iops REAL,
    net_rx_bps      REAL,
    net_tx_bps      REAL,
    PRIMARY KEY (object_kind, object_id, at)
);
CREATE INDEX metrics_10s_at_idx ON metrics_10s USING brin (at);

CREATE TABLE metrics_5m (LIKE metrics_10s INCLUDING ALL);
CREATE TABLE metrics_1h (LIKE metrics_10s INCLUDING ALL);

-- How far each coarser tier has been rolled up: buckets before rolled_until are complete.
CREATE TABLE metrics_rollups (
    tier         VARCHAR(8)  PRIMARY KEY,
    rolled_until TIMESTAMPTZ NOT NULL
);
