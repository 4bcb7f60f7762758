-- The assigned contractor's call-out fee, charged once per work order when their labour is
-- logged: its own cost line, part of the total.
ALTER TABLE work_orders
    ADD COLUMN callout_cost NUMERIC(12, 2) NOT NULL DEFAULT 0,
    ADD COLUMN callout_contractor_id UUID REFERENCES contractors (id);
