-- An organization's administrators edit its own registry row (name, contacts, settings) from
-- inside the organization, under its role: row-level security confines them to that row.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY organizations_readable ON organizations FOR SELECT TO sitesync_org_member USING (true);
CREATE POLICY organizations_update_own ON organizations FOR UPDATE TO sitesync_org_member
    USING (role_name = current_user) WITH CHECK (role_name = current_user);
