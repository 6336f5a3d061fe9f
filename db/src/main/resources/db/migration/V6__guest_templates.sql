-- A guest marked as a template: it is not started, guests are created from it (linked clones or full copies).
-- libvirt has no such notion, so Virtdeck keeps the mark; it follows the guest's row (kept across migrations).
-- V6, not V5: the snapshots work adds a V5 at the same time.
ALTER TABLE guests ADD COLUMN template BOOLEAN NOT NULL DEFAULT FALSE;
