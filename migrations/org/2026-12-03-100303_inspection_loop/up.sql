-- A preventive or inspection work order in progress puts its lift in maintenance and gives it
-- back when done: the status it gives back. The lift's inspection interval sets its next
-- inspection from a completed inspection work order.
ALTER TABLE work_orders ADD COLUMN lift_status_before elevator_status;
ALTER TABLE elevators ADD COLUMN inspection_interval_months INTEGER NOT NULL DEFAULT 12
    CHECK (inspection_interval_months BETWEEN 1 AND 120);
