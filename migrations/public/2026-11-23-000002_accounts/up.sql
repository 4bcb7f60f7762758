-- People and their access: platform-wide accounts, their memberships in organizations,
-- server-side sessions, sign-in throttling and security events.

CREATE TABLE accounts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored lower-cased; unique regardless of case.
    email VARCHAR(255) NOT NULL CHECK (email = lower(email)),
    password_hash VARCHAR(255) NOT NULL,
    first_name VARCHAR(100) NOT NULL DEFAULT '',
    last_name VARCHAR(100) NOT NULL DEFAULT '',
    display_name VARCHAR(255) NOT NULL,
    phone VARCHAR(50),
    timezone VARCHAR(50) NOT NULL DEFAULT 'Australia/Sydney',
    is_platform_admin BOOLEAN NOT NULL DEFAULT false,
    is_active BOOLEAN NOT NULL DEFAULT true,
    -- Bumped by a password change or suspension: sessions signed in under an older
    -- generation stop working.
    session_generation INTEGER NOT NULL DEFAULT 0,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

CREATE TABLE memberships (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role VARCHAR(20) NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'technician', 'readonly')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, organization_id)
);
CREATE INDEX idx_memberships_organization ON memberships (organization_id, role);

CREATE TABLE invitations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL CHECK (email = lower(email)),
    role VARCHAR(20) NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'technician', 'readonly')),
    -- SHA-256 of the single-use token; the token itself is only ever in the link.
    token_hash BYTEA NOT NULL UNIQUE,
    invited_by UUID REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    accepted_by UUID REFERENCES accounts (id) ON DELETE SET NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX idx_invitations_organization ON invitations (organization_id, created_at DESC);

-- Server-side session state, keyed by the SHA-256 of the cookie's key.
CREATE TABLE sessions (
    key_hash BYTEA PRIMARY KEY,
    state JSONB NOT NULL,
    account_id UUID REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    absolute_expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_sessions_account ON sessions (account_id);
CREATE INDEX idx_sessions_expiry ON sessions (expires_at);

CREATE TABLE login_attempts (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    ip VARCHAR(64) NOT NULL,
    succeeded BOOLEAN NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_login_attempts_email ON login_attempts (email, attempted_at);
CREATE INDEX idx_login_attempts_ip ON login_attempts (ip, attempted_at);

CREATE TABLE security_events (
    id BIGSERIAL PRIMARY KEY,
    account_id UUID REFERENCES accounts (id) ON DELETE SET NULL,
    email VARCHAR(255),
    event_type VARCHAR(40) NOT NULL,
    ip VARCHAR(64),
    user_agent VARCHAR(500),
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_security_events_account ON security_events (account_id, occurred_at DESC);

-- Refuses UPDATE and DELETE on an audit table for everyone but the table's owner (the role
-- that runs migrations), so an organization's role can only append to its trail.
CREATE FUNCTION refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RAISE EXCEPTION 'audit events cannot be changed or deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

-- Organization roles see only their own organization's people (row-level security applies to
-- them, not to the owner that runs the platform's own queries).
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY memberships_own_org ON memberships TO sitesync_org_member
    USING (organization_id IN (SELECT id FROM organizations WHERE role_name = current_user));

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY invitations_own_org ON invitations TO sitesync_org_member
    USING (organization_id IN (SELECT id FROM organizations WHERE role_name = current_user));

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own_org ON accounts TO sitesync_org_member
    USING (id IN (SELECT m.account_id FROM memberships m
                  JOIN organizations o ON o.id = m.organization_id
                  WHERE o.role_name = current_user));
