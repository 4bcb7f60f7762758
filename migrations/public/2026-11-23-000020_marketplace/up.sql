-- Parts marketplace (seed 001 §5.3, §5.4): listings from any organization, their photos,
-- buyer questions, and purchases. Platform-wide, so everything lives in `public`.
-- Edit distance breaks ties between part numbers equally similar by trigrams
-- ("KM602540" is as trigram-close to KM602450 as to KM602451; one transposition is closer).
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA public;

CREATE TYPE part_condition AS ENUM ('new', 'refurbished', 'used_tested', 'used_untested', 'for_parts');
CREATE TYPE listing_status AS ENUM ('active', 'reserved', 'sold', 'expired', 'withdrawn');
CREATE TYPE marketplace_transaction_status AS ENUM
    ('pending', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'disputed', 'refunded');

CREATE TABLE marketplace_listings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    seller_org_id UUID NOT NULL REFERENCES organizations (id),
    seller_account_id UUID NOT NULL REFERENCES accounts (id),
    part_number VARCHAR(100) NOT NULL,
    -- Upper case, letters and digits only: "km 60-2450" and "KM602450" are the same part.
    part_number_normalized VARCHAR(100) NOT NULL
        GENERATED ALWAYS AS (upper(regexp_replace(part_number, '[^A-Za-z0-9]', '', 'g'))) STORED,
    part_name VARCHAR(255) NOT NULL,
    manufacturer VARCHAR(100),
    model_compatibility TEXT[] NOT NULL DEFAULT '{}',
    description TEXT NOT NULL DEFAULT '',
    condition part_condition NOT NULL,
    condition_notes TEXT,
    quantity_available INTEGER NOT NULL CHECK (quantity_available >= 0),
    unit_price NUMERIC(10, 2) NOT NULL CHECK (unit_price > 0),
    currency VARCHAR(3) NOT NULL DEFAULT 'AUD',
    location_city VARCHAR(100),
    location_state VARCHAR(100),
    location_country VARCHAR(100) NOT NULL DEFAULT 'Australia',
    shipping_available BOOLEAN NOT NULL DEFAULT true,
    shipping_cost NUMERIC(10, 2) CHECK (shipping_cost >= 0),
    local_pickup BOOLEAN NOT NULL DEFAULT true,
    status listing_status NOT NULL DEFAULT 'active',
    view_count INTEGER NOT NULL DEFAULT 0,
    inquiry_count INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ NOT NULL DEFAULT now() + interval '60 days',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_marketplace_seller ON marketplace_listings (seller_org_id, status, created_at DESC);
CREATE INDEX idx_marketplace_active ON marketplace_listings (created_at DESC) WHERE status = 'active';
CREATE INDEX idx_marketplace_part ON marketplace_listings (part_number_normalized);
CREATE INDEX idx_marketplace_part_trgm ON marketplace_listings USING gin (part_number_normalized gin_trgm_ops);
CREATE INDEX idx_marketplace_text ON marketplace_listings
    USING gin (to_tsvector('english', part_name || ' ' || description));
CREATE INDEX idx_marketplace_manufacturer ON marketplace_listings (lower(manufacturer));
CREATE INDEX idx_marketplace_condition ON marketplace_listings (condition);
CREATE INDEX idx_marketplace_price ON marketplace_listings (unit_price);
CREATE INDEX idx_marketplace_location ON marketplace_listings (lower(location_state), lower(location_city));
CREATE INDEX idx_marketplace_shipping ON marketplace_listings (status) WHERE shipping_available;
CREATE INDEX idx_marketplace_pickup ON marketplace_listings (status) WHERE local_pickup;

-- Photos: the files are in the file store under keys we make; these rows say where.
CREATE TABLE marketplace_listing_images (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    listing_id UUID NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    storage_key VARCHAR(200) NOT NULL,
    thumbnail_key VARCHAR(200) NOT NULL,
    content_type VARCHAR(50) NOT NULL,
    byte_size INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_marketplace_images_listing ON marketplace_listing_images (listing_id, position);

-- One thread per listing and asking account.
CREATE TABLE marketplace_inquiries (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    listing_id UUID NOT NULL REFERENCES marketplace_listings (id),
    seller_org_id UUID NOT NULL REFERENCES organizations (id),
    buyer_account_id UUID NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_message_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (listing_id, buyer_account_id)
);
CREATE INDEX idx_marketplace_inquiries_seller ON marketplace_inquiries (seller_org_id, last_message_at DESC);
CREATE INDEX idx_marketplace_inquiries_buyer ON marketplace_inquiries (buyer_account_id, last_message_at DESC);

CREATE TABLE marketplace_inquiry_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    inquiry_id UUID NOT NULL REFERENCES marketplace_inquiries (id) ON DELETE CASCADE,
    author_account_id UUID NOT NULL REFERENCES accounts (id),
    from_seller BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_marketplace_messages_inquiry ON marketplace_inquiry_messages (inquiry_id, created_at);

CREATE TABLE marketplace_transactions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    listing_id UUID NOT NULL REFERENCES marketplace_listings (id),
    seller_org_id UUID NOT NULL REFERENCES organizations (id),
    buyer_org_id UUID NOT NULL REFERENCES organizations (id) CHECK (buyer_org_id <> seller_org_id),
    buyer_account_id UUID NOT NULL REFERENCES accounts (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price NUMERIC(10, 2) NOT NULL,
    subtotal NUMERIC(10, 2) NOT NULL,
    shipping_cost NUMERIC(10, 2) NOT NULL DEFAULT 0,
    platform_fee NUMERIC(10, 2) NOT NULL DEFAULT 0,
    total_amount NUMERIC(10, 2) NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT 'AUD',
    -- 'shipping' or 'pickup'
    shipping_method VARCHAR(50) NOT NULL,
    tracking_number VARCHAR(100),
    shipped_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    status marketplace_transaction_status NOT NULL DEFAULT 'pending',
    payment_method VARCHAR(50),
    payment_reference VARCHAR(100),
    paid_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    disputed_at TIMESTAMPTZ,
    dispute_reason TEXT,
    refunded_at TIMESTAMPTZ,
    -- The buyer's rating of the seller (these make the seller's rating summary) ...
    buyer_rating INTEGER CHECK (buyer_rating BETWEEN 1 AND 5),
    buyer_review TEXT,
    -- ... and the seller's rating of the buyer.
    seller_rating INTEGER CHECK (seller_rating BETWEEN 1 AND 5),
    seller_review TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_transaction_listing ON marketplace_transactions (listing_id);
CREATE INDEX idx_transaction_seller ON marketplace_transactions (seller_org_id, created_at DESC);
CREATE INDEX idx_transaction_buyer ON marketplace_transactions (buyer_org_id, created_at DESC);
CREATE INDEX idx_transaction_status ON marketplace_transactions (status);
CREATE INDEX idx_transaction_seller_rating ON marketplace_transactions (seller_org_id)
    WHERE buyer_rating IS NOT NULL;
