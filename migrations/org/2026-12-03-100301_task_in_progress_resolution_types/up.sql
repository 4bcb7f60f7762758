-- Seed 000: a task can be in progress; resolution types are the seed's (part_replaced is
-- the seed's replaced).
ALTER TABLE work_order_tasks DROP CONSTRAINT work_order_tasks_status_check;
ALTER TABLE work_order_tasks ADD CONSTRAINT work_order_tasks_status_check
    CHECK (status IN ('pending', 'in_progress', 'completed', 'skipped'));
UPDATE work_orders SET resolution_type = 'replaced' WHERE resolution_type = 'part_replaced';
