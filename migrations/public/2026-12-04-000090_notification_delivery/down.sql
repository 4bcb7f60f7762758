ALTER TABLE accounts DROP COLUMN digest_sent_at;
DROP INDEX idx_notifications_digest_due;
ALTER TABLE notifications DROP COLUMN emailed_at, DROP COLUMN delivery;
DROP TABLE notification_preferences;
