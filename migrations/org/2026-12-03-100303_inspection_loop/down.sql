ALTER TABLE elevators DROP COLUMN inspection_interval_months;
ALTER TABLE work_orders DROP COLUMN lift_status_before;
