DROP TABLE platform_audit;
ALTER TABLE organizations DROP COLUMN deletion_requested_at, DROP COLUMN purge_after;
