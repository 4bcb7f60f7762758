ALTER TABLE work_orders DROP COLUMN callout_contractor_id, DROP COLUMN callout_cost;
