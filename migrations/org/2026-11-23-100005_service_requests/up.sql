-- Building occupants (seed 001 §8.1), their service requests (§8.2) and the public report
-- links: an unguessable token per site and per lift, replaced to retire a link.
CREATE TABLE tenants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id UUID NOT NULL REFERENCES sites (id),
    name VARCHAR(255) NOT NULL,
    unit_number VARCHAR(50),
    floor VARCHAR(50),
    primary_contact_name VARCHAR(255),
    primary_contact_email VARCHAR(255),
    primary_contact_phone VARCHAR(50),
    portal_account_id UUID,
    is_active BOOLEAN NOT NULL DEFAULT true,
    move_in_date DATE,
    move_out_date DATE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_tenants_site ON tenants (site_id, lower(name));
CREATE INDEX idx_tenants_name ON tenants (lower(name), id);

ALTER TABLE sites ADD COLUMN report_token VARCHAR(64) NOT NULL DEFAULT encode(gen_random_bytes(24), 'hex');
CREATE UNIQUE INDEX sites_report_token_key ON sites (report_token);
ALTER TABLE elevators ADD COLUMN report_token VARCHAR(64) NOT NULL DEFAULT encode(gen_random_bytes(24), 'hex');
CREATE UNIQUE INDEX elevators_report_token_key ON elevators (report_token);

CREATE TABLE service_request_counters (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE service_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    reference VARCHAR(20) NOT NULL UNIQUE,
    -- The private status link's token: whoever holds it sees this one request.
    status_token VARCHAR(64) NOT NULL UNIQUE,
    site_id UUID NOT NULL REFERENCES sites (id),
    elevator_id UUID REFERENCES elevators (id),
    tenant_id UUID REFERENCES tenants (id),
    request_type VARCHAR(20) NOT NULL CHECK (request_type IN ('issue_report', 'inquiry', 'move_request', 'access_request')),
    subject VARCHAR(255) NOT NULL,
    description TEXT,
    contact_name VARCHAR(255),
    contact_email VARCHAR(255),
    contact_phone VARCHAR(50),
    entrapment BOOLEAN NOT NULL DEFAULT false,
    priority VARCHAR(20) NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'in_progress', 'resolved', 'rejected', 'closed')),
    rejection_reason TEXT,
    assigned_work_order_id UUID REFERENCES work_orders (id),
    resolution_notes TEXT,
    resolved_at TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    satisfaction_rating INTEGER CHECK (satisfaction_rating BETWEEN 1 AND 5),
    feedback_text TEXT,
    submitted_ip VARCHAR(64),
    submitted_by_account UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_service_requests_queue ON service_requests (status, created_at DESC);
CREATE INDEX idx_service_requests_site ON service_requests (site_id, created_at DESC);
CREATE INDEX idx_service_requests_tenant ON service_requests (tenant_id, created_at DESC);
CREATE INDEX idx_service_requests_work_order ON service_requests (assigned_work_order_id);
CREATE INDEX idx_service_requests_ip ON service_requests (submitted_ip, created_at);
CREATE INDEX idx_service_requests_type ON service_requests (request_type);
CREATE INDEX idx_service_requests_priority ON service_requests (priority);
CREATE INDEX idx_service_requests_rated ON service_requests (satisfaction_rating) WHERE satisfaction_rating IS NOT NULL;

-- What the requester sees on the status page: each change, in order.
CREATE TABLE service_request_events (
    id BIGSERIAL PRIMARY KEY,
    service_request_id UUID NOT NULL REFERENCES service_requests (id),
    status VARCHAR(20) NOT NULL,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_service_request_events ON service_request_events (service_request_id, created_at);
