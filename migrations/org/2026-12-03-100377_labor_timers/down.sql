ALTER TABLE work_order_labor DROP COLUMN capped;
ALTER TABLE work_order_labor DROP COLUMN timed;
DROP TABLE labor_timers;
