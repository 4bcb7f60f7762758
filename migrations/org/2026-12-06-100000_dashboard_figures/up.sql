-- The dashboard's aggregates over the whole history, counted by the background worker (or by
-- the first view after a long while) instead of on every view: one row per organization.
CREATE TABLE dashboard_figures (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    figures jsonb NOT NULL,
    counted_at timestamptz NOT NULL
);

-- "Needs attention" lists the lifts down longest first without reading every lift.
CREATE INDEX idx_elevators_down ON elevators (status_changed_at)
    WHERE status = 'out_of_service' AND deleted_at IS NULL;
