DROP POLICY organizations_update_own ON organizations;
DROP POLICY organizations_readable ON organizations;
ALTER TABLE organizations DISABLE ROW LEVEL SECURITY;
