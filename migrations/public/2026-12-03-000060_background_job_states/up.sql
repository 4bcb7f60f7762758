-- Background jobs get a visible life: queued → running → done, or failed (retried later with a
-- growing delay) → dead after max_attempts, with the last error kept. A running job is leased
-- to one worker (locked_by, locked_at); a lease that outlives its worker is taken over.
ALTER TABLE background_jobs
    ADD COLUMN state VARCHAR(10) NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
    ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
    ADD COLUMN locked_by VARCHAR(100),
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();

UPDATE background_jobs SET state = CASE
    WHEN done_at IS NOT NULL THEN 'done'
    WHEN last_error IS NOT NULL THEN 'failed'
    ELSE 'queued' END;

-- What a worker looks for: due queued or failed jobs, and leases gone stale.
CREATE INDEX idx_background_jobs_claimable ON background_jobs (run_at)
    WHERE state IN ('queued', 'failed', 'running');
-- What the admin page lists.
CREATE INDEX idx_background_jobs_trouble ON background_jobs (updated_at DESC)
    WHERE state IN ('failed', 'dead');
