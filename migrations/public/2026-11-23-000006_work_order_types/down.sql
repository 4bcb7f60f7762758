DROP TYPE work_order_type;
DROP TYPE work_order_priority;
DROP TYPE work_order_status;
