-- Parts inventory (seed 001 §5.1–5.2 `inventory_items` / `stock_locations`, seed 002
-- `inventory_parts` / `inventory_transactions`, seed 004 INVENTORY): a catalogue, stock by
-- location, a ledger every quantity change is written to, reservations and purchase orders.

CREATE TABLE inventory_items (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    part_number VARCHAR(100) NOT NULL,
    -- Upper case letters and digits: "KM 602-450" and "km602450" are the same part, as in the
    -- marketplace.
    part_number_normalized VARCHAR(100) NOT NULL
        GENERATED ALWAYS AS (upper(regexp_replace(part_number, '[^A-Za-z0-9]', '', 'g'))) STORED,
    manufacturer_part_number VARCHAR(100),
    barcode VARCHAR(100),
    name VARCHAR(255) NOT NULL,
    description TEXT,
    category VARCHAR(100),
    subcategory VARCHAR(100),
    manufacturer VARCHAR(100),
    compatible_manufacturers TEXT[] NOT NULL DEFAULT '{}',
    compatible_models TEXT[] NOT NULL DEFAULT '{}',
    compatible_equipment_types TEXT[] NOT NULL DEFAULT '{}',
    -- The list cost a new receipt defaults to; stock is valued at `average_cost`.
    unit_cost NUMERIC(12, 2) NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    -- Moving average over receipts, kept by each receipt.
    average_cost NUMERIC(14, 4) NOT NULL DEFAULT 0 CHECK (average_cost >= 0),
    sale_price NUMERIC(12, 2) CHECK (sale_price >= 0),
    minimum_stock INTEGER NOT NULL DEFAULT 0 CHECK (minimum_stock >= 0),
    reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    reorder_quantity INTEGER NOT NULL DEFAULT 0 CHECK (reorder_quantity >= 0),
    specifications TEXT,
    -- Totals over every location, kept from the ledger with the levels below.
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
    last_issued_at TIMESTAMPTZ,
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The words a search matches, stored: computing them for every candidate row of a search
    -- was most of its time.
    search_document tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' '
        || coalesce(description, '') || ' ' || coalesce(manufacturer, '') || ' '
        || coalesce(category, ''))) STORED
);

CREATE UNIQUE INDEX idx_inventory_items_part ON inventory_items (part_number_normalized);
CREATE INDEX idx_inventory_items_part_trgm ON inventory_items
    USING gin (part_number_normalized gin_trgm_ops);
CREATE INDEX idx_inventory_items_name_trgm ON inventory_items USING gin (name gin_trgm_ops);
CREATE INDEX idx_inventory_items_text ON inventory_items USING gin (search_document);
CREATE INDEX idx_inventory_items_barcode ON inventory_items (barcode);
CREATE INDEX idx_inventory_items_category ON inventory_items (lower(category));
CREATE INDEX idx_inventory_items_manufacturer ON inventory_items (lower(manufacturer));
CREATE INDEX idx_inventory_items_models ON inventory_items USING gin (compatible_models);
CREATE INDEX idx_inventory_items_name ON inventory_items (lower(name), id);
-- "Below reorder point" is a filter of the list and the reorder page (a reorder point of 0
-- means the item is not reordered).
CREATE INDEX idx_inventory_items_low ON inventory_items (part_number_normalized)
    WHERE reorder_point > 0 AND on_hand <= reorder_point AND archived_at IS NULL;

CREATE TABLE stock_locations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL,
    location_type VARCHAR(20) NOT NULL
        CHECK (location_type IN ('warehouse', 'van', 'site', 'consignment')),
    -- A van belongs to a contractor's technician or to a member ("my van").
    contractor_id UUID REFERENCES contractors (id),
    account_id UUID,
    -- A site store, or the site consignment stock is held at.
    site_id UUID REFERENCES sites (id),
    address TEXT,
    notes TEXT,
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX idx_stock_locations_name ON stock_locations (lower(name));

CREATE TABLE stock_levels (
    item_id UUID NOT NULL REFERENCES inventory_items (id),
    location_id UUID NOT NULL REFERENCES stock_locations (id),
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
    -- This location's own thresholds; none means the item's.
    minimum_stock INTEGER CHECK (minimum_stock >= 0),
    reorder_point INTEGER CHECK (reorder_point >= 0),
    last_counted_at TIMESTAMPTZ,
    PRIMARY KEY (item_id, location_id)
);

CREATE INDEX idx_stock_levels_location ON stock_levels (location_id, item_id);

-- The ledger: every change of a quantity, never updated or deleted. `quantity` is the change
-- of on-hand (negative for issues and transfers out); reservations change only `reserved`.
CREATE TABLE stock_movements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL REFERENCES inventory_items (id),
    location_id UUID NOT NULL REFERENCES stock_locations (id),
    kind VARCHAR(20) NOT NULL CHECK (kind IN ('receive', 'issue', 'return', 'transfer_out',
        'transfer_in', 'adjust', 'count', 'reserve', 'unreserve')),
    quantity INTEGER NOT NULL,
    reserved_change INTEGER NOT NULL DEFAULT 0,
    unit_cost NUMERIC(14, 4) NOT NULL DEFAULT 0,
    reason TEXT,
    work_order_id UUID REFERENCES work_orders (id),
    purchase_order_id UUID,
    -- The other side of a transfer.
    counterpart_location_id UUID REFERENCES stock_locations (id),
    marketplace_listing_id UUID,
    marketplace_transaction_id UUID,
    on_hand_after INTEGER NOT NULL,
    created_by UUID,
    created_by_name VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_stock_movements_item ON stock_movements (item_id, created_at DESC);
CREATE INDEX idx_stock_movements_location ON stock_movements (location_id, created_at DESC);
CREATE INDEX idx_stock_movements_work_order ON stock_movements (work_order_id)
    WHERE work_order_id IS NOT NULL;
-- A marketplace purchase is received once.
CREATE UNIQUE INDEX idx_stock_movements_purchase ON stock_movements (marketplace_transaction_id)
    WHERE kind = 'receive' AND marketplace_transaction_id IS NOT NULL;

-- Stock set aside: for a scheduled work order (issued when it starts) or a marketplace
-- listing (issued as it sells).
CREATE TABLE stock_reservations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id UUID NOT NULL REFERENCES inventory_items (id),
    location_id UUID NOT NULL REFERENCES stock_locations (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    work_order_id UUID REFERENCES work_orders (id),
    marketplace_listing_id UUID,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((work_order_id IS NULL) <> (marketplace_listing_id IS NULL))
);

CREATE INDEX idx_stock_reservations_work_order ON stock_reservations (work_order_id)
    WHERE work_order_id IS NOT NULL;
CREATE UNIQUE INDEX idx_stock_reservations_listing ON stock_reservations (marketplace_listing_id)
    WHERE marketplace_listing_id IS NOT NULL;

-- The last purchase-order number used each year, locked by each creation (gap-free, like
-- work orders).
CREATE TABLE purchase_order_counters (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE purchase_orders (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    number VARCHAR(20) NOT NULL UNIQUE,
    supplier VARCHAR(255) NOT NULL,
    -- Where the goods are received by default.
    location_id UUID NOT NULL REFERENCES stock_locations (id),
    status VARCHAR(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'ordered',
        'partly_received', 'received', 'cancelled')),
    expected_on DATE,
    notes TEXT,
    ordered_at TIMESTAMPTZ,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_purchase_orders_status ON purchase_orders (status, created_at DESC);

CREATE TABLE purchase_order_lines (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    purchase_order_id UUID NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    item_id UUID NOT NULL REFERENCES inventory_items (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= quantity),
    unit_cost NUMERIC(12, 2) NOT NULL CHECK (unit_cost >= 0),
    UNIQUE (purchase_order_id, item_id)
);

ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_purchase_order_fkey
    FOREIGN KEY (purchase_order_id) REFERENCES purchase_orders (id);

-- A part line taken from stock knows where from, so removing it puts it back.
ALTER TABLE work_order_parts
    ADD COLUMN inventory_item_id UUID REFERENCES inventory_items (id),
    ADD COLUMN stock_location_id UUID REFERENCES stock_locations (id);

-- Item photos live with the other files.
ALTER TABLE attachments ADD COLUMN inventory_item_id UUID REFERENCES inventory_items (id),
    DROP CONSTRAINT attachments_check,
    ADD CONSTRAINT attachments_owner
        CHECK (num_nonnulls(work_order_id, service_request_id, inventory_item_id) = 1);
CREATE INDEX idx_attachments_item ON attachments (inventory_item_id)
    WHERE inventory_item_id IS NOT NULL;

-- The catalogue is imported from CSV files like sites and lifts.
ALTER TABLE csv_imports DROP CONSTRAINT csv_imports_kind_check,
    ADD CONSTRAINT csv_imports_kind_check CHECK (kind IN ('sites', 'elevators', 'items'));
