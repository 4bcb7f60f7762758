DROP INDEX IF EXISTS work_orders_api_order;
DROP INDEX IF EXISTS contractors_api_order;
DROP INDEX IF EXISTS elevators_api_order;
DROP INDEX IF EXISTS sites_api_order;
DROP TABLE api_idempotency_keys;
ALTER TABLE audit_events DROP COLUMN actor_type;
