-- A backup store may be a directory on the Virtdeck server instead of a pool of a host (issue 19): backups stream
-- into it through libvirt, restores stream out of it.
ALTER TABLE backup_stores
    ALTER COLUMN host_id DROP NOT NULL,
    ALTER COLUMN pool DROP NOT NULL,
    ADD COLUMN directory VARCHAR(1024) UNIQUE,
    ADD CONSTRAINT backup_stores_one_place CHECK ((directory IS NULL) = (host_id IS NOT NULL AND pool IS NOT NULL));
