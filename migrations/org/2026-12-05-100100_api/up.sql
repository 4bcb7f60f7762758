-- Who acted: a person ('user') or an API key ('api', named in actor_email by its prefix).
ALTER TABLE audit_events ADD COLUMN actor_type VARCHAR(20) NOT NULL DEFAULT 'user';

-- A create retried with the same Idempotency-Key answers the first result. The row is written
-- in the create's own transaction, so a create that rolled back leaves no key behind.
CREATE TABLE api_idempotency_keys (
    api_key_id UUID NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash VARCHAR(64) NOT NULL,
    response_status SMALLINT NOT NULL,
    response_body JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, idempotency_key)
);

-- The API pages its lists by (created_at, id): new rows land after every cursor.
CREATE INDEX IF NOT EXISTS sites_api_order ON sites (created_at, id);
CREATE INDEX IF NOT EXISTS elevators_api_order ON elevators (created_at, id);
CREATE INDEX IF NOT EXISTS contractors_api_order ON contractors (created_at, id);
CREATE INDEX IF NOT EXISTS work_orders_api_order ON work_orders (created_at, id);
