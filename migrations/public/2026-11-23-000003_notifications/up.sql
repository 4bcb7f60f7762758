-- In-app notifications, one row per recipient. Written by any feature (forum replies, service
-- requests, marketplace inquiries, job applications); `link` is a local path to open.
CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    kind VARCHAR(40) NOT NULL,
    title VARCHAR(255) NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link VARCHAR(500) NOT NULL CHECK (link LIKE '/%'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at TIMESTAMPTZ
);
CREATE INDEX idx_notifications_unread ON notifications (account_id, created_at DESC) WHERE read_at IS NULL;
CREATE INDEX idx_notifications_account ON notifications (account_id, created_at DESC);

-- Organization roles may notify their own members only.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY notifications_own_members ON notifications FOR INSERT TO sitesync_org_member
    WITH CHECK (account_id IN (SELECT m.account_id FROM memberships m
                               JOIN organizations o ON o.id = m.organization_id
                               WHERE o.role_name = current_user));
