DROP TABLE work_order_comments;
DROP TABLE work_order_labor;
DROP TABLE work_order_parts;
DROP TABLE work_order_tasks;
DROP TABLE work_orders;
DROP TABLE work_order_counters;
DROP TABLE contractors;
