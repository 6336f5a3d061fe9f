-- What the guests' qemu-guest-agents last said (issue 21): when an agent last answered, and the addresses it reported,
-- so the guest list shows a guest's first address and its search box finds a guest by address (help desk's first
-- question) in SQL, without asking any agent. Kept by the instance that monitors the guest's host.
CREATE TABLE guest_agent_answers (
    guest_id    BIGINT      PRIMARY KEY REFERENCES guests (id) ON DELETE CASCADE,
    answered_at TIMESTAMPTZ NOT NULL,
    hostname    VARCHAR(255)
);

CREATE TABLE guest_addresses (
    guest_id BIGINT      NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
    position INTEGER     NOT NULL CHECK (position >= 0), -- the agent's order: NICs as listed, IPv4 first
    nic      VARCHAR(64) NOT NULL,
    mac      VARCHAR(32),
    address  VARCHAR(64) NOT NULL, -- as text: the search matches its beginning (192.168.150.)
    prefix   INTEGER     NOT NULL,
    family   VARCHAR(4)  NOT NULL CHECK (family IN ('ipv4', 'ipv6')),
    PRIMARY KEY (guest_id, position)
);
CREATE INDEX guest_addresses_address_idx ON guest_addresses (address text_pattern_ops);
