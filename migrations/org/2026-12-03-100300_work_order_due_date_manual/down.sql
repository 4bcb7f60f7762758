ALTER TABLE work_orders DROP COLUMN due_date_manual;
