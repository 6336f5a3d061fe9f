-- What an action is making, recorded before each thing is made (a volume, a definition, a snapshot, staged files),
-- so that when Virtdeck is killed mid-work whoever finds the work interrupted removes what is half-made, or names
-- it. A row lives only while its work runs (or, for a staged image, until it is imported or discarded).
CREATE TABLE unfinished_work (
    id             BIGSERIAL PRIMARY KEY,
    instance_id    UUID         NOT NULL,
    task_id        BIGINT       REFERENCES tasks (id) ON DELETE SET NULL,
    action         VARCHAR(64)  NOT NULL,
    username       VARCHAR(64)  NOT NULL,
    object_type    VARCHAR(32)  NOT NULL,
    object_id      VARCHAR(64),
    object_name    VARCHAR(255),
    began_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- set when an instance found the work left by a stopped one and took it over to settle
    interrupted_at TIMESTAMPTZ
);
CREATE INDEX unfinished_work_instance ON unfinished_work (instance_id);
CREATE INDEX unfinished_work_task ON unfinished_work (task_id);

CREATE TABLE unfinished_work_items (
    id        BIGSERIAL PRIMARY KEY,
    work_id   BIGINT       NOT NULL REFERENCES unfinished_work (id) ON DELETE CASCADE,
    kind      VARCHAR(16)  NOT NULL CHECK (kind IN ('VOLUME', 'DOMAIN', 'SNAPSHOT', 'FILES')),
    -- no foreign key: a host removed from Virtdeck meanwhile is named, not forgotten
    host_id   BIGINT,
    host_name VARCHAR(255),
    -- the pool of a volume, the guest of a snapshot
    within    VARCHAR(255),
    name      VARCHAR(255),
    uuid      UUID,
    path      TEXT
);
CREATE INDEX unfinished_work_items_work ON unfinished_work_items (work_id);
