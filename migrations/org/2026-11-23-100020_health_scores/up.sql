-- Health scores (seed 001 §1.6, §1.7) with their components, and the daily history per site
-- (seed 001 §9.1).
ALTER TABLE elevators ADD COLUMN health_score_components JSONB NOT NULL DEFAULT '[]';
CREATE INDEX idx_elevators_health ON elevators (site_id, health_score) WHERE deleted_at IS NULL;
CREATE INDEX idx_sites_health ON sites (health_score, lower(name), id);

CREATE TRIGGER elevators_site_health
    AFTER INSERT OR DELETE OR UPDATE OF health_score, site_id, deleted_at ON elevators
    FOR EACH ROW EXECUTE FUNCTION refresh_site_health();

-- Breakdowns and callbacks per lift and period: the health score, MTTR/MTBF and the charts.
CREATE INDEX idx_work_orders_failures ON work_orders (elevator_id, reported_at)
    WHERE type IN ('breakdown', 'callback');
CREATE INDEX idx_work_orders_type_reported ON work_orders (type, reported_at);

CREATE TABLE health_score_history (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id UUID NOT NULL REFERENCES sites (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    -- 100 plus the average points the site's lifts lost to each part of the formula.
    equipment_condition_score INTEGER,
    maintenance_compliance_score INTEGER,
    incident_frequency_score INTEGER,
    first_time_fix_score INTEGER,
    predictive_risk_score INTEGER,
    components JSONB NOT NULL DEFAULT '{}',
    -- One snapshot per site and day, however many workers try.
    recorded_on DATE NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (site_id, recorded_on)
);
CREATE INDEX idx_health_history_date ON health_score_history (recorded_on);
