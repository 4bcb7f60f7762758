-- The organization's tamper-evident trail: each event's hash covers its content and the
-- previous event's hash. The single head row is locked by each writer, so the chain never forks.
CREATE TABLE audit_chain_head (
    id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_hash VARCHAR(64) NOT NULL DEFAULT ''
);
INSERT INTO audit_chain_head DEFAULT VALUES;

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    event_type VARCHAR(60) NOT NULL,
    entity_type VARCHAR(40) NOT NULL,
    entity_id VARCHAR(64),
    actor_account_id UUID,
    actor_email VARCHAR(255),
    event_data JSONB NOT NULL DEFAULT '{}',
    previous_state JSONB,
    new_state JSONB,
    ip VARCHAR(64),
    user_agent VARCHAR(500),
    request_id VARCHAR(40),
    previous_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL
);
CREATE INDEX idx_audit_entity ON audit_events (entity_type, entity_id, seq DESC);
CREATE INDEX idx_audit_actor ON audit_events (actor_account_id, seq DESC);
CREATE INDEX idx_audit_type ON audit_events (event_type, seq DESC);
CREATE INDEX idx_audit_time ON audit_events (occurred_at);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();

-- The organization's role may read and append, never rewrite.
DO $$
DECLARE
    org_role TEXT := (SELECT role_name FROM organizations WHERE schema_name = current_schema());
BEGIN
    IF org_role IS NOT NULL THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I', org_role);
    END IF;
END $$;
