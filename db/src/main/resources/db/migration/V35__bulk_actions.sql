-- Bulk actions on guests: one parent task, a child task per guest it acted on or skipped (with why).
ALTER TABLE tasks ADD COLUMN parent_id BIGINT REFERENCES tasks (id) ON DELETE CASCADE;
CREATE INDEX tasks_parent_idx ON tasks (parent_id, id) WHERE parent_id IS NOT NULL;
-- How many children a parent task has when all are made: the ones not yet started are the difference.
ALTER TABLE tasks ADD COLUMN children_expected INTEGER;
