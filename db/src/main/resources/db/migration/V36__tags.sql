-- Free-form tags on guests and hosts (env:prod, team-a): Virtdeck's own, libvirt knows nothing of them. They live on
-- the inventory's rows, which reconcile updates column by column, so they survive every sync; a guest keeps its row
-- (and its tags) when it migrates. The syntax (lower-case, at most 64 characters, at most 32 per object) is checked by
-- io.virtdeck.core.Tags; the arrays are kept sorted and without repeats.
ALTER TABLE guests ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE hosts ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}';
-- The list's tag=... filter (tags @> ...) and the grants' tag scope (tags && ...) are answered by these.
CREATE INDEX guests_tags_idx ON guests USING gin (tags);
CREATE INDEX hosts_tags_idx ON hosts USING gin (tags);

-- A grant on '/tags/{tag}': the role on every guest and host carrying the tag, now and later (a host's tag covers its
-- guests, as a grant on the host does). A tag need not be in use to be granted.
ALTER TABLE grants ADD COLUMN tag VARCHAR(64);
ALTER TABLE grants ADD CONSTRAINT grants_one_object CHECK (tag IS NULL OR (host_id IS NULL AND guest_id IS NULL));
DROP INDEX grants_once_idx;
CREATE UNIQUE INDEX grants_once_idx ON grants (COALESCE(user_id, 0), COALESCE(group_id, 0), COALESCE(host_id, 0),
                                               COALESCE(guest_id, 0), COALESCE(tag, ''), role);
CREATE INDEX grants_tag_idx ON grants (tag) WHERE tag IS NOT NULL;
