-- Buildings of one organization (seed 001 §1.6). Runs with search_path = the org schema first,
-- so no table here is schema-qualified.
CREATE TABLE sites (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    code VARCHAR(50),
    site_type VARCHAR(50) NOT NULL DEFAULT 'commercial'
        CHECK (site_type IN ('commercial', 'residential', 'mixed', 'industrial', 'healthcare',
            'education', 'retail', 'hospitality', 'government')),
    address_line1 VARCHAR(255),
    address_line2 VARCHAR(255),
    city VARCHAR(100),
    state VARCHAR(100),
    postal_code VARCHAR(20),
    country VARCHAR(100) NOT NULL DEFAULT 'Australia',
    latitude NUMERIC(10, 8) CHECK (latitude BETWEEN -90 AND 90),
    longitude NUMERIC(11, 8) CHECK (longitude BETWEEN -180 AND 180),
    floors_count INTEGER,
    year_built INTEGER,
    total_area_sqm NUMERIC(12, 2),
    occupancy_count INTEGER,
    primary_contact_name VARCHAR(255),
    primary_contact_phone VARCHAR(50),
    primary_contact_email VARCHAR(255),
    emergency_contact_name VARCHAR(255),
    emergency_contact_phone VARCHAR(50),
    access_instructions TEXT,
    -- AEAD ciphertext of the access codes; never stored in the clear.
    access_codes_encrypted BYTEA,
    after_hours_access TEXT,
    key_holder_info TEXT,
    health_score INTEGER CHECK (health_score BETWEEN 0 AND 100),
    health_score_updated_at TIMESTAMPTZ,
    health_score_components JSONB NOT NULL DEFAULT '{}',
    timezone VARCHAR(50) NOT NULL DEFAULT 'Australia/Sydney',
    settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);

CREATE UNIQUE INDEX sites_code_key ON sites (lower(code)) WHERE code IS NOT NULL;
CREATE INDEX idx_sites_type ON sites (site_type);
CREATE INDEX idx_sites_city ON sites (state, city);
CREATE INDEX idx_sites_name ON sites (lower(name), id);
CREATE INDEX idx_sites_search ON sites USING gin (
    (coalesce(name, '') || ' ' || coalesce(code, '') || ' ' || coalesce(address_line1, '') || ' ' || coalesce(city, '')) gin_trgm_ops
);
