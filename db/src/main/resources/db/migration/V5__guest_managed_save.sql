-- A shut-off guest whose memory libvirt saved to disk ("hibernated" by managed save): starting it restores it.
ALTER TABLE guests ADD COLUMN managed_save BOOLEAN NOT NULL DEFAULT FALSE;
