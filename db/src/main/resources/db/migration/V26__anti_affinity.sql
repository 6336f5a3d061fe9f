-- Guests that must never run on one host together (two database replicas): placement, migration, maintenance and HA
-- keep them apart. Members by the domain's UUID, which a guest keeps wherever it runs.
CREATE TABLE anti_affinity_groups (
    name       VARCHAR(64)  PRIMARY KEY,
    created_by VARCHAR(64)  NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE anti_affinity_members (
    group_name VARCHAR(64) NOT NULL REFERENCES anti_affinity_groups (name) ON DELETE CASCADE,
    guest_uuid UUID        NOT NULL,
    PRIMARY KEY (group_name, guest_uuid)
);
CREATE INDEX anti_affinity_members_guest ON anti_affinity_members (guest_uuid);
