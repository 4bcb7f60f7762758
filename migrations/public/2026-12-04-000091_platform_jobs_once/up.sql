-- `background_jobs_once` treats NULL organizations as distinct, so a platform-wide periodic
-- job (no organization) could be enqueued once per worker per period. This index holds those
-- to one per key too.
DELETE FROM background_jobs j USING background_jobs k
 WHERE j.organization_id IS NULL AND k.organization_id IS NULL
   AND j.unique_key IS NOT NULL AND j.kind = k.kind AND j.unique_key = k.unique_key
   AND j.id > k.id;
CREATE UNIQUE INDEX background_jobs_once_platform ON background_jobs (kind, unique_key)
    WHERE unique_key IS NOT NULL AND organization_id IS NULL;
