-- Lifts (seed 001 §1.7), their status history, and each site's lift summary.
ALTER TABLE sites
    ADD COLUMN lift_count INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN lifts_not_operational INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN next_inspection_due DATE;
CREATE INDEX idx_sites_lifts ON sites (lift_count);
CREATE INDEX idx_sites_not_operational ON sites (lifts_not_operational) WHERE lifts_not_operational > 0;
CREATE INDEX idx_sites_next_inspection ON sites (next_inspection_due);
CREATE INDEX idx_sites_code ON sites (lower(code), id);
CREATE INDEX idx_sites_archived ON sites (deleted_at);

CREATE TABLE elevators (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    site_id UUID NOT NULL REFERENCES sites (id),
    unit_number VARCHAR(50) NOT NULL,
    serial_number VARCHAR(100),
    registration_number VARCHAR(100),
    asset_tag VARCHAR(100),
    manufacturer VARCHAR(100),
    model VARCHAR(100),
    controller_type VARCHAR(100),
    drive_type VARCHAR(20) CHECK (drive_type IN ('gearless', 'geared', 'hydraulic', 'mrl')),
    machine_type VARCHAR(100),
    capacity_kg INTEGER CHECK (capacity_kg > 0),
    capacity_persons INTEGER CHECK (capacity_persons > 0),
    speed_mps NUMERIC(4, 2) CHECK (speed_mps > 0),
    floors_served INTEGER CHECK (floors_served > 0),
    stops INTEGER CHECK (stops > 0),
    travel_height_m NUMERIC(6, 2) CHECK (travel_height_m >= 0),
    door_type VARCHAR(50),
    door_width_mm INTEGER CHECK (door_width_mm > 0),
    car_width_mm INTEGER CHECK (car_width_mm > 0),
    car_depth_mm INTEGER CHECK (car_depth_mm > 0),
    car_height_mm INTEGER CHECK (car_height_mm > 0),
    installation_date DATE,
    modernization_date DATE,
    last_major_service DATE,
    status elevator_status NOT NULL DEFAULT 'operational',
    status_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    status_reason TEXT,
    last_inspection_date DATE,
    last_inspection_result VARCHAR(50),
    next_inspection_due DATE,
    inspection_certificate_number VARCHAR(100),
    health_score INTEGER CHECK (health_score BETWEEN 0 AND 100),
    health_score_updated_at TIMESTAMPTZ,
    known_quirks TEXT[] NOT NULL DEFAULT '{}',
    specifications JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX elevators_site_unit_key ON elevators (site_id, lower(unit_number)) WHERE deleted_at IS NULL;
CREATE INDEX idx_elevators_site ON elevators (site_id);
CREATE INDEX idx_elevators_manufacturer ON elevators (lower(manufacturer));
CREATE INDEX idx_elevators_status ON elevators (status);
CREATE INDEX idx_elevators_drive ON elevators (drive_type);
CREATE INDEX idx_elevators_inspection ON elevators (next_inspection_due) WHERE deleted_at IS NULL;
CREATE INDEX idx_elevators_unit ON elevators (lower(unit_number), id);
CREATE INDEX idx_elevators_search ON elevators USING gin (
    (coalesce(unit_number, '') || ' ' || coalesce(manufacturer, '') || ' ' || coalesce(model, '') || ' ' || coalesce(serial_number, '')) gin_trgm_ops
);

CREATE TRIGGER elevators_site_summary AFTER INSERT OR UPDATE OR DELETE ON elevators
    FOR EACH ROW EXECUTE FUNCTION refresh_site_lift_summary();

CREATE TABLE elevator_status_history (
    id BIGSERIAL PRIMARY KEY,
    elevator_id UUID NOT NULL REFERENCES elevators (id),
    from_status elevator_status,
    to_status elevator_status NOT NULL,
    reason TEXT,
    changed_by UUID,
    changed_by_name VARCHAR(255),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_status_history_elevator ON elevator_status_history (elevator_id, changed_at DESC);

-- A CSV file waiting for the user to confirm its import; nothing else is written before that.
CREATE TABLE csv_imports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    kind VARCHAR(20) NOT NULL CHECK (kind IN ('sites', 'elevators')),
    filename VARCHAR(255) NOT NULL,
    content TEXT NOT NULL,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_at TIMESTAMPTZ
);
