ALTER TABLE invitations DROP COLUMN tenant_id;
ALTER TABLE memberships DROP CONSTRAINT memberships_tenant_check;
ALTER TABLE memberships DROP COLUMN tenant_id;
