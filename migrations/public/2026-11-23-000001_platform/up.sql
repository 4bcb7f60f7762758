-- Platform-wide objects. Types and extensions live here only: org schemas refer to them, so
-- Diesel's per-connection type cache (keyed by name) always resolves to the same type.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

-- The registry of organizations. Each one's data lives in its own schema (`schema_name`),
-- reached through its own database role (`role_name`).
CREATE TABLE organizations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(41) NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_]{1,40}$'),
    schema_name VARCHAR(63) NOT NULL UNIQUE,
    role_name VARCHAR(63) NOT NULL UNIQUE,
    organization_type VARCHAR(50) NOT NULL DEFAULT 'service_company'
        CHECK (organization_type IN ('service_company', 'building_owner', 'manufacturer',
            'supplier', 'insurance', 'trade_school', 'regulatory_body', 'individual')),
    contact_email VARCHAR(255),
    contact_phone VARCHAR(50),
    website_url VARCHAR(500),
    address_line1 VARCHAR(255),
    address_line2 VARCHAR(255),
    city VARCHAR(100),
    state VARCHAR(100),
    postal_code VARCHAR(20),
    country VARCHAR(100) NOT NULL DEFAULT 'Australia',
    -- timezone, date_format, currency, language
    settings JSONB NOT NULL DEFAULT '{"timezone": "Australia/Sydney", "date_format": "DD/MM/YYYY", "currency": "AUD", "language": "en-AU"}',
    suspended_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);

CREATE INDEX idx_organizations_type ON organizations (organization_type);
