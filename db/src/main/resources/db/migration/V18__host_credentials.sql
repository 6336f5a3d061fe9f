-- What Virtdeck presents to a remote host besides its URI: an SSH key (qemu+ssh/+libssh) or TLS client certificates
-- (qemu+tls). Either referenced by a path on the Virtdeck server, or stored here encrypted with AES-GCM under the
-- instance's secret key (README: Secrets). The clear text of a secret is never stored.
CREATE TABLE host_credentials (
    host_id          BIGINT      PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
    kind             TEXT        NOT NULL CHECK (kind IN ('SSH_KEY', 'TLS')),
    -- SSH_KEY: the private key file; TLS: the directory with cacert.pem, clientcert.pem, clientkey.pem
    path             TEXT,
    known_hosts_path TEXT,
    -- the encrypted material (format byte, nonce, AES-GCM ciphertext and tag)
    secret           BYTEA,
    known_hosts      BOOLEAN     NOT NULL DEFAULT false,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by       TEXT        NOT NULL,
    CHECK ((path IS NULL) <> (secret IS NULL))
);
