-- Unguessable report-link tokens are made in the database (gen_random_bytes).
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

-- Building occupants sign in to a small portal as members with the `tenant` role, tied to
-- their row in the organization's `tenants` table (an id only: no key crosses into org schemas).
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('owner', 'admin', 'manager', 'technician', 'readonly', 'tenant'));
ALTER TABLE memberships ADD COLUMN tenant_id UUID;
ALTER TABLE memberships ADD CONSTRAINT memberships_tenant_check CHECK ((role = 'tenant') = (tenant_id IS NOT NULL));

ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check
    CHECK (role IN ('owner', 'admin', 'manager', 'technician', 'readonly', 'tenant'));
ALTER TABLE invitations ADD COLUMN tenant_id UUID;
