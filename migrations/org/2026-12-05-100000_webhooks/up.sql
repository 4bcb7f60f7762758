-- Webhooks: URLs an organization's administrators subscribe to events, and one delivery row
-- per event and subscription, which the `deliver_webhook` background kind sends and records.
CREATE TABLE webhook_subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    url TEXT NOT NULL,
    description TEXT,
    -- Event names (`work_order.created`…); the list lives in `webhooks::events`.
    events TEXT[] NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    -- The signing secret, sealed with ChaCha20-Poly1305 under a key derived from the
    -- server's secret key (nonce ‖ ciphertext), as site access codes are.
    secret_encrypted BYTEA NOT NULL,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_webhook_subscriptions_events ON webhook_subscriptions USING gin (events);

CREATE TABLE webhook_deliveries (
    -- Also the `id` of the payload and the `SiteSync-Delivery` header.
    id UUID PRIMARY KEY,
    subscription_id UUID NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    payload JSONB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error TEXT,
    -- The background job currently in charge of this delivery (its payload's `run`): a
    -- redelivery hands it to a new job, and a job that is no longer in charge does nothing.
    run_id UUID NOT NULL,
    next_attempt_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_webhook_deliveries_subscription
    ON webhook_deliveries (subscription_id, created_at DESC, id);
