DROP TABLE work_order_signoffs;
