-- Per-object grants, Proxmox-style: a role on '/' (everything), on a host (its guests included) or on one guest,
-- for a user or a group. users.role stays what it was and is the user's implicit grant on '/'; NULL now means
-- "no role on '/'": such a user sees only what grants give them.
ALTER TABLE users ALTER COLUMN role DROP NOT NULL;

CREATE TABLE user_groups (
    id         BIGSERIAL PRIMARY KEY,
    name       VARCHAR(64) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id);

-- The object is '/' when host_id and guest_id are both NULL; a removed host or guest takes its grants with it.
-- A migrated guest keeps its id, so its grants follow it.
CREATE TABLE grants (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT REFERENCES user_groups (id) ON DELETE CASCADE,
    host_id    BIGINT REFERENCES hosts (id) ON DELETE CASCADE,
    guest_id   BIGINT REFERENCES guests (id) ON DELETE CASCADE,
    role       VARCHAR(16) NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'HELPDESK', 'VIEWER')),
    created_by VARCHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (group_id IS NULL)),
    CHECK (host_id IS NULL OR guest_id IS NULL)
);
-- One row per subject, object and role; COALESCE because NULLs never collide in a unique index.
CREATE UNIQUE INDEX grants_once_idx ON grants (COALESCE(user_id, 0), COALESCE(group_id, 0), COALESCE(host_id, 0),
                                               COALESCE(guest_id, 0), role);
-- Permission checks and list filters read a subject's grants.
CREATE INDEX grants_user_idx ON grants (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX grants_group_idx ON grants (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX grants_host_idx ON grants (host_id) WHERE host_id IS NOT NULL;
CREATE INDEX grants_guest_idx ON grants (guest_id) WHERE guest_id IS NOT NULL;
