DELETE FROM csv_imports WHERE kind = 'items';
ALTER TABLE csv_imports DROP CONSTRAINT csv_imports_kind_check,
    ADD CONSTRAINT csv_imports_kind_check CHECK (kind IN ('sites', 'elevators'));
DROP INDEX idx_attachments_item;
DELETE FROM attachments WHERE inventory_item_id IS NOT NULL;
ALTER TABLE attachments DROP CONSTRAINT attachments_owner, DROP COLUMN inventory_item_id,
    ADD CHECK (num_nonnulls(work_order_id, service_request_id) = 1);
ALTER TABLE work_order_parts DROP COLUMN stock_location_id, DROP COLUMN inventory_item_id;
DROP TABLE purchase_order_lines;
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_purchase_order_fkey;
DROP TABLE purchase_orders;
DROP TABLE purchase_order_counters;
DROP TABLE stock_reservations;
DROP TABLE stock_movements;
DROP TABLE stock_levels;
DROP TABLE stock_locations;
DROP TABLE inventory_items;
