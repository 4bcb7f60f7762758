-- Preventive maintenance (seed 002 `maintenance_schedules`, the "Maintenance Schedules" branch
-- of seed 000): schedules that raise work orders by themselves, their checklists, the visits
-- they plan, meter readings and the organization's holidays.

CREATE TABLE maintenance_schedules (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    elevator_id UUID NOT NULL REFERENCES elevators (id),
    site_id UUID NOT NULL REFERENCES sites (id),
    -- Schedules made at once for every lift of a site share this and are edited together.
    site_group_id UUID,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    work_type work_order_type NOT NULL DEFAULT 'preventive'
        CHECK (work_type IN ('preventive', 'inspection')),
    priority work_order_priority NOT NULL DEFAULT 'medium',
    -- The seed's types, "every N weeks/months" and the two meters.
    frequency VARCHAR(20) NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'quarterly',
        'yearly', 'custom_days', 'weeks', 'months', 'trips', 'hours')),
    -- The N of "every N days/weeks/months", or the trips or running hours between visits.
    every INTEGER NOT NULL DEFAULT 1 CHECK (every > 0),
    weekday SMALLINT CHECK (weekday BETWEEN 0 AND 6),
    day_of_month SMALLINT CHECK (day_of_month BETWEEN 1 AND 31),
    -- Fixed: each visit counts from the first date; floating: from when the last was done.
    anchor VARCHAR(10) NOT NULL DEFAULT 'fixed' CHECK (anchor IN ('fixed', 'floating')),
    lead_days INTEGER NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 90),
    assigned_contractor_id UUID REFERENCES contractors (id),
    estimated_hours NUMERIC(6, 2) CHECK (estimated_hours >= 0),
    start_date DATE NOT NULL,
    end_date DATE,
    is_active BOOLEAN NOT NULL DEFAULT true,
    -- A visit falling on one of the organization's holidays moves to the next working day.
    skip_holidays BOOLEAN NOT NULL DEFAULT true,
    -- The generator's bookmark: the next planned visit it has not yet looked at.
    next_due_on DATE,
    -- Meter schedules: the reading the next interval counts from.
    meter_from BIGINT,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_maintenance_schedules_elevator ON maintenance_schedules (elevator_id)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_maintenance_schedules_due ON maintenance_schedules (next_due_on)
    WHERE is_active AND deleted_at IS NULL;
CREATE INDEX idx_maintenance_schedules_group ON maintenance_schedules (site_group_id)
    WHERE site_group_id IS NOT NULL;

CREATE TABLE maintenance_checklist_items (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    schedule_id UUID NOT NULL REFERENCES maintenance_schedules (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title VARCHAR(255) NOT NULL,
    -- What doing the task must leave behind: a meter reading or a photo.
    requires VARCHAR(10) NOT NULL DEFAULT 'nothing'
        CHECK (requires IN ('nothing', 'trips', 'hours', 'photo')),
    UNIQUE (schedule_id, position)
);

-- Each visit a schedule plans, raised as a work order exactly once: the unique key on
-- (schedule, planned date) holds however many workers run the generator at once.
CREATE TABLE maintenance_occurrences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    schedule_id UUID NOT NULL REFERENCES maintenance_schedules (id) ON DELETE CASCADE,
    planned_on DATE NOT NULL,
    -- Where "move to …" put it (the cycle still counts from planned_on).
    due_on DATE NOT NULL,
    status VARCHAR(10) NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'skipped', 'raised')),
    work_order_id UUID REFERENCES work_orders (id),
    raised_at TIMESTAMPTZ,
    -- Raised after its due date (the generator caught up after downtime).
    late BOOLEAN NOT NULL DEFAULT false,
    note VARCHAR(255),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (schedule_id, planned_on)
);
CREATE INDEX idx_maintenance_occurrences_due ON maintenance_occurrences (due_on) WHERE status <> 'skipped';
CREATE INDEX idx_maintenance_occurrences_planned ON maintenance_occurrences (status, due_on) WHERE status = 'planned';
CREATE INDEX idx_maintenance_occurrences_work_order ON maintenance_occurrences (work_order_id);

CREATE TABLE meter_readings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    elevator_id UUID NOT NULL REFERENCES elevators (id),
    meter VARCHAR(10) NOT NULL CHECK (meter IN ('trips', 'hours')),
    value BIGINT NOT NULL CHECK (value >= 0),
    read_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The counter was replaced or reset: this reading may be lower than the last.
    counter_reset BOOLEAN NOT NULL DEFAULT false,
    work_order_id UUID REFERENCES work_orders (id),
    recorded_by UUID,
    recorded_by_name VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_meter_readings_elevator ON meter_readings (elevator_id, meter, read_at DESC);

CREATE TABLE holidays (
    day DATE PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);

ALTER TABLE work_orders
    ADD COLUMN maintenance_schedule_id UUID REFERENCES maintenance_schedules (id),
    ADD COLUMN planned_on DATE;
CREATE INDEX idx_work_orders_maintenance ON work_orders (maintenance_schedule_id)
    WHERE maintenance_schedule_id IS NOT NULL;

ALTER TABLE work_order_tasks
    ADD COLUMN requires VARCHAR(10) NOT NULL DEFAULT 'nothing'
        CHECK (requires IN ('nothing', 'trips', 'hours', 'photo')),
    ADD COLUMN reading BIGINT CHECK (reading >= 0);

-- A photo a task asks for is uploaded against the task.
ALTER TABLE attachments ADD COLUMN task_id UUID REFERENCES work_order_tasks (id) ON DELETE SET NULL;
