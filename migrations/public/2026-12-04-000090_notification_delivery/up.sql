-- How each account wants each kind of notification: in the app only, by email at once, or
-- in a daily digest. No row means the kind's default.
CREATE TABLE notification_preferences (
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind VARCHAR(40) NOT NULL,
    delivery VARCHAR(10) NOT NULL CHECK (delivery IN ('in_app', 'email', 'digest')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, kind)
);

-- A notification is written by the organization's role, which may not read preferences; a
-- background job routes it afterwards. NULL: not routed yet.
ALTER TABLE notifications
    ADD COLUMN delivery VARCHAR(10) CHECK (delivery IN ('in_app', 'email', 'digest')),
    ADD COLUMN emailed_at TIMESTAMPTZ;
UPDATE notifications SET delivery = 'in_app';
CREATE INDEX idx_notifications_digest_due ON notifications (account_id)
    WHERE delivery = 'digest' AND emailed_at IS NULL;

ALTER TABLE accounts ADD COLUMN digest_sent_at TIMESTAMPTZ;
