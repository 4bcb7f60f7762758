ALTER TABLE attachments DROP COLUMN task_id;
ALTER TABLE work_order_tasks DROP COLUMN requires, DROP COLUMN reading;
ALTER TABLE work_orders DROP COLUMN maintenance_schedule_id, DROP COLUMN planned_on;
DROP TABLE holidays;
DROP TABLE meter_readings;
DROP TABLE maintenance_occurrences;
DROP TABLE maintenance_checklist_items;
DROP TABLE maintenance_schedules;
