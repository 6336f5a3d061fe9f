-- A guest's cloud-init settings (issue 21): what its NoCloud seed says, kept so that the seed can be written again
-- when the settings change and removed with the guest. The password is kept only as its crypt(3) hash, the form in
-- which the seed hands it to the guest. instance_id changes with every new seed: cloud-init inside the guest runs
-- its once-per-instance modules (user, keys, host keys) again only when it does.
CREATE TABLE guest_cloud_init (
    guest_id      BIGINT       PRIMARY KEY REFERENCES guests (id) ON DELETE CASCADE,
    settings      JSONB        NOT NULL,
    password_hash VARCHAR(255),
    instance_id   VARCHAR(64)  NOT NULL,
    seed_pool     VARCHAR(255) NOT NULL,
    seed_volume   VARCHAR(255) NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
