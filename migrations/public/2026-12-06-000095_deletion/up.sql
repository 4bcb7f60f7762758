-- An organization's deletion is scheduled (suspended at once) and carried out after a grace
-- period; the registry row stays as a tombstone (deleted_at) so history that names it holds.
ALTER TABLE organizations
    ADD COLUMN deletion_requested_at TIMESTAMPTZ,
    ADD COLUMN purge_after TIMESTAMPTZ;

-- What platform administrators and operators did to organizations and accounts.
CREATE TABLE platform_audit (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_account_id UUID REFERENCES accounts (id) ON DELETE SET NULL,
    actor_label VARCHAR(255) NOT NULL,
    action VARCHAR(60) NOT NULL,
    organization_id UUID REFERENCES organizations (id),
    subject VARCHAR(255) NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX platform_audit_at ON platform_audit (at DESC);
