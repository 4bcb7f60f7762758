ALTER TABLE marketplace_listings DROP COLUMN inventory_item_id;
