UPDATE work_orders SET resolution_type = 'part_replaced' WHERE resolution_type = 'replaced';
UPDATE work_order_tasks SET status = 'pending' WHERE status = 'in_progress';
ALTER TABLE work_order_tasks DROP CONSTRAINT work_order_tasks_status_check;
ALTER TABLE work_order_tasks ADD CONSTRAINT work_order_tasks_status_check
    CHECK (status IN ('pending', 'completed', 'skipped'));
