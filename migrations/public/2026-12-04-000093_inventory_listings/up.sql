-- A listing made from an organization's stock ("sell surplus") names the item, so its sales
-- are issued from that stock.
ALTER TABLE marketplace_listings ADD COLUMN inventory_item_id UUID;
