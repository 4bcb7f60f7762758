-- The board's Completed column shows the last 14 days. Its query read every work order
-- completed in those days from idx_work_orders_completed and dropped the other priorities on
-- the heap (3,000 rows read for 500 kept with a priority filter, docs/PERFORMANCE.md).
CREATE INDEX idx_work_orders_recently_completed ON work_orders (priority, completed_at)
    WHERE status = 'completed';
