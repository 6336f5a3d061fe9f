-- When Virtdeck read what a guest row says from libvirt: a reconcile, whose reading began earlier, never overwrites
-- what an event's later reading wrote.
ALTER TABLE guests ADD COLUMN observed_at timestamptz NOT NULL DEFAULT '-infinity';

-- Guests an event saw undefined, and when: a reconcile that listed the domain before that does not bring it back.
-- Kept an hour, far longer than any reconcile.
CREATE TABLE guest_removals (
    host_id     bigint      NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid        uuid        NOT NULL,
    observed_at timestamptz NOT NULL,
    PRIMARY KEY (host_id, uuid)
);
