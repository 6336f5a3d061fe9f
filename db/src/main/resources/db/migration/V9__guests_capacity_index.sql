-- The capacity dashboard sums every guest's vCPUs and memory per host in one pass: an index holding exactly those
-- columns lets PostgreSQL read it alone (an index-only scan) instead of the guests' wide rows (disks, NICs as JSON).
CREATE INDEX guests_capacity_idx ON guests (host_id) INCLUDE (state, vcpus, memory_mib);
