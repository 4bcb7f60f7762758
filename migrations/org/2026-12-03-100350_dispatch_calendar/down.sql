DROP TABLE calendar_feeds;
DROP INDEX idx_work_orders_waiting;
DROP INDEX idx_work_orders_scheduled;
