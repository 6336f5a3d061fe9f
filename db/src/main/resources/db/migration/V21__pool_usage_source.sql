-- A network pool's remote source ("nfs.example:/export/vms"): hosts whose pools of one name share a path or a source
-- see the same volumes, and a volume made through one of them is announced to the others (storage/SharedPools).
ALTER TABLE pool_usage ADD COLUMN source TEXT;

-- SharedPools looks up the other hosts' pools of a name
CREATE INDEX pool_usage_name ON pool_usage (name);
