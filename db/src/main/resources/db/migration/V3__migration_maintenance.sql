-- Maintenance: a host taken out of service gets no new guests; its state turns MAINTENANCE once it is empty.
ALTER TABLE hosts ADD COLUMN maintenance BOOLEAN NOT NULL DEFAULT FALSE;

-- A guest being migrated keeps its row (and id) on its source host until libvirt says where it ended up; meanwhile
-- the inventory neither creates a second row for it on the target nor deletes it from the source.
ALTER TABLE guests ADD COLUMN moving_to_host_id BIGINT REFERENCES hosts (id) ON DELETE SET NULL;
CREATE INDEX guests_moving_uuid_idx ON guests (uuid) WHERE moving_to_host_id IS NOT NULL;

-- What each migration task set out to do, so that a restarted Virtdeck can ask libvirt how it ended.
CREATE TABLE migrations (
    task_id          BIGINT       PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    guest_id         BIGINT       NOT NULL,
    uuid             UUID         NOT NULL,
    guest_name       VARCHAR(128) NOT NULL,
    source_host_id   BIGINT       NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    target_host_id   BIGINT       NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    live             BOOLEAN      NOT NULL,
    options          TEXT         NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
