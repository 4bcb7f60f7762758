-- Work done in the background by whichever app server gets to it first. Workers claim due rows
-- with FOR UPDATE SKIP LOCKED inside the transaction that does the work, so two servers never
-- run the same job and a crashed worker's job is simply claimed again.
CREATE TABLE background_jobs (
    id BIGSERIAL PRIMARY KEY,
    kind VARCHAR(50) NOT NULL,
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    payload JSONB NOT NULL DEFAULT '{}',
    -- Jobs that must run once per period (a daily snapshot) carry the period here; the unique
    -- index turns a second enqueue for the same period into a no-op.
    unique_key VARCHAR(100),
    run_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_at TIMESTAMPTZ,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    done_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX background_jobs_once ON background_jobs (kind, organization_id, unique_key)
    WHERE unique_key IS NOT NULL;
CREATE INDEX idx_background_jobs_due ON background_jobs (run_at) WHERE done_at IS NULL;

-- A site's health is the average of its scored lifts, each lift weighing the same. Kept in
-- step by a trigger on elevators, so moving, archiving or rescoring a lift refreshes both the
-- old and the new site in the same transaction.
CREATE FUNCTION refresh_site_health() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected UUID[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        affected := ARRAY[OLD.site_id];
    ELSIF TG_OP = 'UPDATE' THEN
        affected := ARRAY[OLD.site_id, NEW.site_id];
    ELSE
        affected := ARRAY[NEW.site_id];
    END IF;
    UPDATE sites s SET
        health_score = summary.score,
        health_score_updated_at = now(),
        health_score_components = jsonb_build_object(
            'scored_lifts', summary.scored, 'lowest', summary.lowest, 'highest', summary.highest)
    FROM (
        SELECT site.id,
               round(avg(e.health_score))::integer AS score,
               count(e.health_score) AS scored,
               min(e.health_score) AS lowest,
               max(e.health_score) AS highest
        FROM sites site
        LEFT JOIN elevators e ON e.site_id = site.id AND e.deleted_at IS NULL
        WHERE site.id = ANY (affected)
        GROUP BY site.id
    ) summary
    WHERE s.id = summary.id;
    RETURN NULL;
END;
$$;
