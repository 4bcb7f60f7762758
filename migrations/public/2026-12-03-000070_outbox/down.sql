ALTER TABLE accounts DROP COLUMN email_verified_at;
DROP TABLE account_tokens;
DROP TABLE outbox_messages;
