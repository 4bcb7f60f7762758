-- Email leaves through an outbox: a message is written in the same transaction as the change
-- that causes it, and a background job delivers it (a rollback sends nothing; a crash after
-- the commit sends it later). Statuses as seed 003's OutboxMessages: pending → dispatched →
-- completed, or failed (tried again) → dead.
CREATE TABLE outbox_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    kind VARCHAR(50) NOT NULL,
    status VARCHAR(12) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'dispatched', 'completed', 'failed', 'dead')),
    to_address VARCHAR(255) NOT NULL,
    to_name VARCHAR(255),
    subject VARCHAR(255) NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- Extra headers, such as List-Unsubscribe.
    headers JSONB NOT NULL DEFAULT '{}',
    account_id UUID REFERENCES accounts (id) ON DELETE SET NULL,
    organization_id UUID REFERENCES organizations (id) ON DELETE SET NULL,
    -- What caused it (a work order, an invitation…), to find a message from its cause.
    correlation_id VARCHAR(100),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    dispatched_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ
);
CREATE INDEX idx_outbox_messages_recent ON outbox_messages (created_at DESC);
CREATE INDEX idx_outbox_messages_status ON outbox_messages (status, created_at DESC)
    WHERE status <> 'completed';

-- Single-use links sent by email: password resets and email confirmations. Only a hash of the
-- token is kept.
CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose VARCHAR(20) NOT NULL CHECK (purpose IN ('password_reset', 'confirm_email')),
    token_hash BYTEA NOT NULL UNIQUE,
    -- The address a confirmation is for (an email change confirms the new one).
    email VARCHAR(255) NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_account_tokens_account ON account_tokens (account_id, purpose);

ALTER TABLE accounts ADD COLUMN email_verified_at TIMESTAMPTZ;
-- Accounts that existed before confirmations are taken as confirmed.
UPDATE accounts SET email_verified_at = created_at;
