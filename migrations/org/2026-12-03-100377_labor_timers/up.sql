-- Labour being timed: started with a button, turned into a labour line when stopped. One
-- running timer per person. An entry left running is capped at 12 hours and flagged.
CREATE TABLE labor_timers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    contractor_id UUID NOT NULL REFERENCES contractors (id),
    started_at TIMESTAMPTZ NOT NULL,
    started_by UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX labor_timers_one_per_person ON labor_timers (contractor_id);
CREATE INDEX idx_labor_timers_work_order ON labor_timers (work_order_id);
CREATE INDEX idx_labor_timers_started ON labor_timers (started_at);

ALTER TABLE work_order_labor ADD COLUMN timed BOOLEAN NOT NULL DEFAULT false;
-- Set when a timer was left running past the cap and its entry cut to 12 hours.
ALTER TABLE work_order_labor ADD COLUMN capped BOOLEAN NOT NULL DEFAULT false;
