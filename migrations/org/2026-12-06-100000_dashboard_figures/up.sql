-- The dashboard's aggregates over the whole history, counted by the background worker (or by
-- the first view after a long while) instead of on every view: one row per organization.
CREATE TABLE dashboard_figures (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    figures jsonb NOT NULL,
    counted_at timestamptz NOT NULL
);
