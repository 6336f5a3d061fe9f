-- The audit page filters by action (a whole action or its family, e.g. guest.snapshot.%) and time.
CREATE INDEX audit_events_action_idx ON audit_events (action text_pattern_ops, at DESC);

-- Rows are already guarded against UPDATE and DELETE (V1); TRUNCATE bypasses row triggers, so guard it too.
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
