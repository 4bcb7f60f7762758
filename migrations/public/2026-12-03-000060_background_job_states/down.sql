DROP INDEX idx_background_jobs_trouble;
DROP INDEX idx_background_jobs_claimable;
ALTER TABLE background_jobs
    DROP COLUMN updated_at,
    DROP COLUMN locked_by,
    DROP COLUMN max_attempts,
    DROP COLUMN state;
