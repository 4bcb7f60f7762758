-- Contractors and work orders with their tasks, parts, labour and comments (seeds 000 and 001).

CREATE TABLE contractors (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- A platform account, so a technician member sees "my work orders".
    account_id UUID,
    contractor_type VARCHAR(20) NOT NULL CHECK (contractor_type IN ('employee', 'subcontractor', 'vendor', 'company')),
    company_name VARCHAR(255),
    company_abn VARCHAR(20),
    company_license VARCHAR(100),
    contact_name VARCHAR(255) NOT NULL,
    email VARCHAR(255),
    phone VARCHAR(50),
    address_line1 VARCHAR(255),
    city VARCHAR(100),
    state VARCHAR(100),
    postal_code VARCHAR(20),
    license_number VARCHAR(100),
    license_expiry DATE,
    insurance_policy VARCHAR(100),
    insurance_expiry DATE,
    specializations TEXT[] NOT NULL DEFAULT '{}',
    trade_types TEXT[] NOT NULL DEFAULT '{}',
    manufacturer_certifications TEXT[] NOT NULL DEFAULT '{}',
    hourly_rate NUMERIC(10, 2) CHECK (hourly_rate >= 0),
    callout_fee NUMERIC(10, 2) CHECK (callout_fee >= 0),
    emergency_rate_multiplier NUMERIC(3, 2) NOT NULL DEFAULT 1.5 CHECK (emergency_rate_multiplier >= 1),
    is_active BOOLEAN NOT NULL DEFAULT true,
    is_preferred BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contractors_account_key ON contractors (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX idx_contractors_name ON contractors (lower(contact_name), id);
CREATE INDEX idx_contractors_type ON contractors (contractor_type);
CREATE INDEX idx_contractors_active ON contractors (is_active, is_preferred);
CREATE INDEX idx_contractors_specializations ON contractors USING gin (specializations);
CREATE INDEX idx_contractors_expiry ON contractors (license_expiry, insurance_expiry);

-- The last work-order number used each year; locked by each creation, so numbers are
-- gap-free and unique under concurrency.
CREATE TABLE work_order_counters (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE work_orders (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    elevator_id UUID REFERENCES elevators (id),
    site_id UUID NOT NULL REFERENCES sites (id),
    work_order_number VARCHAR(20) NOT NULL UNIQUE,
    type work_order_type NOT NULL,
    priority work_order_priority NOT NULL DEFAULT 'medium',
    status work_order_status NOT NULL DEFAULT 'pending',
    -- Every change carries the version its author saw; a stale one is refused (409).
    version INTEGER NOT NULL DEFAULT 1,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    fault_code VARCHAR(50),
    reported_symptoms TEXT,
    affected_floors VARCHAR(100),
    entrapment BOOLEAN NOT NULL DEFAULT false,
    reported_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    scheduled_start TIMESTAMPTZ,
    scheduled_end TIMESTAMPTZ,
    actual_start TIMESTAMPTZ,
    actual_end TIMESTAMPTZ,
    due_date TIMESTAMPTZ,
    assigned_contractor_id UUID REFERENCES contractors (id),
    assigned_at TIMESTAMPTZ,
    assigned_by UUID,
    reported_by_name VARCHAR(255),
    reported_by_phone VARCHAR(50),
    reported_by_email VARCHAR(255),
    resolution_notes TEXT,
    root_cause TEXT,
    resolution_type VARCHAR(50),
    cancellation_reason TEXT,
    parts_cost NUMERIC(12, 2) NOT NULL DEFAULT 0,
    labor_cost NUMERIC(12, 2) NOT NULL DEFAULT 0,
    total_cost NUMERIC(12, 2) NOT NULL DEFAULT 0,
    requires_followup BOOLEAN NOT NULL DEFAULT false,
    followup_notes TEXT,
    parent_work_order_id UUID REFERENCES work_orders (id),
    -- The callback log lift codes require.
    callback_reported_trouble TEXT,
    callback_reported_at TIMESTAMPTZ,
    callback_corrective_action TEXT,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ
);
CREATE INDEX idx_work_orders_board ON work_orders (status, entrapment DESC, priority, due_date);
CREATE INDEX idx_work_orders_elevator ON work_orders (elevator_id, reported_at DESC);
CREATE INDEX idx_work_orders_site ON work_orders (site_id, reported_at DESC);
CREATE INDEX idx_work_orders_contractor ON work_orders (assigned_contractor_id, status);
CREATE INDEX idx_work_orders_type ON work_orders (type);
CREATE INDEX idx_work_orders_priority ON work_orders (priority);
CREATE INDEX idx_work_orders_due ON work_orders (due_date) WHERE status IN ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold');
CREATE INDEX idx_work_orders_completed ON work_orders (completed_at DESC);
CREATE INDEX idx_work_orders_reported ON work_orders (reported_at DESC, id);
CREATE INDEX idx_work_orders_parent ON work_orders (parent_work_order_id) WHERE parent_work_order_id IS NOT NULL;
CREATE INDEX idx_work_orders_search ON work_orders USING gin ((work_order_number || ' ' || title || ' ' || coalesce(fault_code, '')) gin_trgm_ops);

CREATE TABLE work_order_tasks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    sequence INTEGER NOT NULL,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'skipped')),
    completed_at TIMESTAMPTZ,
    completed_by UUID,
    completed_by_name VARCHAR(255),
    completion_notes TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_work_order_tasks ON work_order_tasks (work_order_id, sequence);

CREATE TABLE work_order_parts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    part_number VARCHAR(100),
    part_name VARCHAR(255) NOT NULL,
    manufacturer VARCHAR(100),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_cost NUMERIC(10, 2) NOT NULL CHECK (unit_cost >= 0),
    total_cost NUMERIC(12, 2) NOT NULL,
    source VARCHAR(30) NOT NULL DEFAULT 'purchased' CHECK (source IN ('inventory', 'purchased', 'customer_supplied')),
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_work_order_parts ON work_order_parts (work_order_id);

CREATE TABLE work_order_labor (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    contractor_id UUID NOT NULL REFERENCES contractors (id),
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ NOT NULL CHECK (end_time > start_time),
    duration_minutes INTEGER NOT NULL,
    labor_type VARCHAR(20) NOT NULL CHECK (labor_type IN ('regular', 'overtime', 'emergency', 'travel')),
    hourly_rate NUMERIC(10, 2) NOT NULL,
    multiplier NUMERIC(3, 2) NOT NULL,
    total_cost NUMERIC(12, 2) NOT NULL,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_work_order_labor ON work_order_labor (work_order_id);
CREATE INDEX idx_work_order_labor_contractor ON work_order_labor (contractor_id);

CREATE TABLE work_order_comments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    work_order_id UUID NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    author_id UUID NOT NULL,
    author_name VARCHAR(255) NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_work_order_comments ON work_order_comments (work_order_id, created_at);
