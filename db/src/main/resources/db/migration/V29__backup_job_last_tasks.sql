-- The tasks a job's latest run started (one backup per guest), so that its page tells how that run ended, not only
-- what it started.
ALTER TABLE backup_jobs ADD COLUMN last_tasks BIGINT[] NOT NULL DEFAULT '{}';
