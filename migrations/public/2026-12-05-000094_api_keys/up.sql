-- Keys other systems use to call the JSON API as an organization. Only the prefix (to find
-- the key) and a SHA-256 hash of the whole key are kept: the key itself is shown once.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    key_prefix VARCHAR(16) NOT NULL UNIQUE,
    key_hash VARCHAR(64) NOT NULL,
    name VARCHAR(120) NOT NULL CHECK (length(btrim(name)) > 0),
    description TEXT,
    scopes TEXT[] NOT NULL DEFAULT '{}',
    rate_limit_per_hour INTEGER NOT NULL DEFAULT 1000
        CHECK (rate_limit_per_hour BETWEEN 1 AND 1000000),
    is_active BOOLEAN NOT NULL DEFAULT true,
    last_used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES accounts(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at DESC);

-- Requests per key and hour, counted here so every app server shares the limit.
CREATE TABLE api_key_usage (
    api_key_id UUID NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    hour_start TIMESTAMPTZ NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, hour_start)
);
