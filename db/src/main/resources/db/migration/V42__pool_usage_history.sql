-- Each storage pool's allocation, one row per pool per hour (the last reading of the hour), for the capacity
-- dashboard's "days until full": a straight line fitted to the last 30 days. Written by the instance monitoring the
-- host as it reads the pools (pool_usage, V20), rows older than 31 days removed then; a removed host takes its rows.
CREATE TABLE pool_usage_history (
    host_id        BIGINT      NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    name           TEXT        NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    capacity_mib   BIGINT      NOT NULL,
    allocation_mib BIGINT      NOT NULL,
    PRIMARY KEY (host_id, name, at)
);
