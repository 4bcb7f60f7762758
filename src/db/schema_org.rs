// @generated automatically by Diesel CLI.

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    attachments (id) {
        id -> Uuid,
        work_order_id -> Nullable<Uuid>,
        service_request_id -> Nullable<Uuid>,
        #[max_length = 255]
        file_name -> Varchar,
        #[max_length = 100]
        content_type -> Varchar,
        byte_size -> Int4,
        #[max_length = 200]
        storage_key -> Varchar,
        #[max_length = 200]
        thumbnail_key -> Nullable<Varchar>,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        uploaded_by -> Nullable<Uuid>,
        #[max_length = 255]
        uploaded_by_name -> Varchar,
        created_at -> Timestamptz,
        task_id -> Nullable<Uuid>,
        inventory_item_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    audit_chain_head (id) {
        id -> Bool,
        last_seq -> Int8,
        #[max_length = 64]
        last_hash -> Varchar,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    audit_events (seq) {
        seq -> Int8,
        occurred_at -> Timestamptz,
        #[max_length = 60]
        event_type -> Varchar,
        #[max_length = 40]
        entity_type -> Varchar,
        #[max_length = 64]
        entity_id -> Nullable<Varchar>,
        actor_account_id -> Nullable<Uuid>,
        #[max_length = 255]
        actor_email -> Nullable<Varchar>,
        event_data -> Jsonb,
        previous_state -> Nullable<Jsonb>,
        new_state -> Nullable<Jsonb>,
        #[max_length = 64]
        ip -> Nullable<Varchar>,
        #[max_length = 500]
        user_agent -> Nullable<Varchar>,
        #[max_length = 40]
        request_id -> Nullable<Varchar>,
        #[max_length = 64]
        previous_hash -> Varchar,
        #[max_length = 64]
        hash -> Varchar,
        #[max_length = 20]
        actor_type -> Varchar,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    api_idempotency_keys (api_key_id, idempotency_key) {
        api_key_id -> Uuid,
        #[max_length = 255]
        idempotency_key -> Varchar,
        #[max_length = 64]
        request_hash -> Varchar,
        response_status -> Int2,
        response_body -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    calendar_feeds (contractor_id) {
        contractor_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    contractors (id) {
        id -> Uuid,
        account_id -> Nullable<Uuid>,
        #[max_length = 20]
        contractor_type -> Varchar,
        #[max_length = 255]
        company_name -> Nullable<Varchar>,
        #[max_length = 20]
        company_abn -> Nullable<Varchar>,
        #[max_length = 100]
        company_license -> Nullable<Varchar>,
        #[max_length = 255]
        contact_name -> Varchar,
        #[max_length = 255]
        email -> Nullable<Varchar>,
        #[max_length = 50]
        phone -> Nullable<Varchar>,
        #[max_length = 255]
        address_line1 -> Nullable<Varchar>,
        #[max_length = 100]
        city -> Nullable<Varchar>,
        #[max_length = 100]
        state -> Nullable<Varchar>,
        #[max_length = 20]
        postal_code -> Nullable<Varchar>,
        #[max_length = 100]
        license_number -> Nullable<Varchar>,
        license_expiry -> Nullable<Date>,
        #[max_length = 100]
        insurance_policy -> Nullable<Varchar>,
        insurance_expiry -> Nullable<Date>,
        specializations -> Array<Nullable<Text>>,
        trade_types -> Array<Nullable<Text>>,
        manufacturer_certifications -> Array<Nullable<Text>>,
        hourly_rate -> Nullable<Numeric>,
        callout_fee -> Nullable<Numeric>,
        emergency_rate_multiplier -> Numeric,
        is_active -> Bool,
        is_preferred -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    csv_imports (id) {
        id -> Uuid,
        #[max_length = 20]
        kind -> Varchar,
        #[max_length = 255]
        filename -> Varchar,
        content -> Text,
        created_by -> Uuid,
        created_at -> Timestamptz,
        applied_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    dashboard_figures (id) {
        id -> Bool,
        figures -> Jsonb,
        counted_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    elevator_status_history (id) {
        id -> Int8,
        elevator_id -> Uuid,
        from_status -> Nullable<ElevatorStatus>,
        to_status -> ElevatorStatus,
        reason -> Nullable<Text>,
        changed_by -> Nullable<Uuid>,
        #[max_length = 255]
        changed_by_name -> Nullable<Varchar>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    elevators (id) {
        id -> Uuid,
        site_id -> Uuid,
        #[max_length = 50]
        unit_number -> Varchar,
        #[max_length = 100]
        serial_number -> Nullable<Varchar>,
        #[max_length = 100]
        registration_number -> Nullable<Varchar>,
        #[max_length = 100]
        asset_tag -> Nullable<Varchar>,
        #[max_length = 100]
        manufacturer -> Nullable<Varchar>,
        #[max_length = 100]
        model -> Nullable<Varchar>,
        #[max_length = 100]
        controller_type -> Nullable<Varchar>,
        #[max_length = 20]
        drive_type -> Nullable<Varchar>,
        #[max_length = 100]
        machine_type -> Nullable<Varchar>,
        capacity_kg -> Nullable<Int4>,
        capacity_persons -> Nullable<Int4>,
        speed_mps -> Nullable<Numeric>,
        floors_served -> Nullable<Int4>,
        stops -> Nullable<Int4>,
        travel_height_m -> Nullable<Numeric>,
        #[max_length = 50]
        door_type -> Nullable<Varchar>,
        door_width_mm -> Nullable<Int4>,
        car_width_mm -> Nullable<Int4>,
        car_depth_mm -> Nullable<Int4>,
        car_height_mm -> Nullable<Int4>,
        installation_date -> Nullable<Date>,
        modernization_date -> Nullable<Date>,
        last_major_service -> Nullable<Date>,
        status -> ElevatorStatus,
        status_changed_at -> Timestamptz,
        status_reason -> Nullable<Text>,
        last_inspection_date -> Nullable<Date>,
        #[max_length = 50]
        last_inspection_result -> Nullable<InspectionResult>,
        next_inspection_due -> Nullable<Date>,
        #[max_length = 100]
        inspection_certificate_number -> Nullable<Varchar>,
        health_score -> Nullable<Int4>,
        health_score_updated_at -> Nullable<Timestamptz>,
        known_quirks -> Array<Nullable<Text>>,
        specifications -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        #[max_length = 64]
        report_token -> Varchar,
        health_score_components -> Jsonb,
        inspection_interval_months -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    health_score_history (id) {
        id -> Uuid,
        site_id -> Uuid,
        score -> Int4,
        equipment_condition_score -> Nullable<Int4>,
        maintenance_compliance_score -> Nullable<Int4>,
        incident_frequency_score -> Nullable<Int4>,
        first_time_fix_score -> Nullable<Int4>,
        predictive_risk_score -> Nullable<Int4>,
        components -> Jsonb,
        recorded_on -> Date,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    labor_timers (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        contractor_id -> Uuid,
        started_at -> Timestamptz,
        started_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    service_request_counters (year) {
        year -> Int4,
        last_number -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    service_request_events (id) {
        id -> Int8,
        service_request_id -> Uuid,
        #[max_length = 20]
        status -> Varchar,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    service_requests (id) {
        id -> Uuid,
        #[max_length = 20]
        reference -> Varchar,
        #[max_length = 64]
        status_token -> Varchar,
        site_id -> Uuid,
        elevator_id -> Nullable<Uuid>,
        tenant_id -> Nullable<Uuid>,
        #[max_length = 20]
        request_type -> Varchar,
        #[max_length = 255]
        subject -> Varchar,
        description -> Nullable<Text>,
        #[max_length = 255]
        contact_name -> Nullable<Varchar>,
        #[max_length = 255]
        contact_email -> Nullable<Varchar>,
        #[max_length = 50]
        contact_phone -> Nullable<Varchar>,
        entrapment -> Bool,
        #[max_length = 20]
        priority -> Varchar,
        #[max_length = 20]
        status -> Varchar,
        rejection_reason -> Nullable<Text>,
        assigned_work_order_id -> Nullable<Uuid>,
        resolution_notes -> Nullable<Text>,
        resolved_at -> Nullable<Timestamptz>,
        acknowledged_at -> Nullable<Timestamptz>,
        satisfaction_rating -> Nullable<Int4>,
        feedback_text -> Nullable<Text>,
        #[max_length = 64]
        submitted_ip -> Nullable<Varchar>,
        submitted_by_account -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    sites (id) {
        id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 50]
        code -> Nullable<Varchar>,
        #[max_length = 50]
        site_type -> Varchar,
        #[max_length = 255]
        address_line1 -> Nullable<Varchar>,
        #[max_length = 255]
        address_line2 -> Nullable<Varchar>,
        #[max_length = 100]
        city -> Nullable<Varchar>,
        #[max_length = 100]
        state -> Nullable<Varchar>,
        #[max_length = 20]
        postal_code -> Nullable<Varchar>,
        #[max_length = 100]
        country -> Varchar,
        latitude -> Nullable<Numeric>,
        longitude -> Nullable<Numeric>,
        floors_count -> Nullable<Int4>,
        year_built -> Nullable<Int4>,
        total_area_sqm -> Nullable<Numeric>,
        occupancy_count -> Nullable<Int4>,
        #[max_length = 255]
        primary_contact_name -> Nullable<Varchar>,
        #[max_length = 50]
        primary_contact_phone -> Nullable<Varchar>,
        #[max_length = 255]
        primary_contact_email -> Nullable<Varchar>,
        #[max_length = 255]
        emergency_contact_name -> Nullable<Varchar>,
        #[max_length = 50]
        emergency_contact_phone -> Nullable<Varchar>,
        access_instructions -> Nullable<Text>,
        access_codes_encrypted -> Nullable<Bytea>,
        after_hours_access -> Nullable<Text>,
        key_holder_info -> Nullable<Text>,
        health_score -> Nullable<Int4>,
        health_score_updated_at -> Nullable<Timestamptz>,
        health_score_components -> Jsonb,
        #[max_length = 50]
        timezone -> Varchar,
        settings -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        lift_count -> Int4,
        lifts_not_operational -> Int4,
        next_inspection_due -> Nullable<Date>,
        #[max_length = 64]
        report_token -> Varchar,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    tenants (id) {
        id -> Uuid,
        site_id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 50]
        unit_number -> Nullable<Varchar>,
        #[max_length = 50]
        floor -> Nullable<Varchar>,
        #[max_length = 255]
        primary_contact_name -> Nullable<Varchar>,
        #[max_length = 255]
        primary_contact_email -> Nullable<Varchar>,
        #[max_length = 50]
        primary_contact_phone -> Nullable<Varchar>,
        portal_account_id -> Nullable<Uuid>,
        is_active -> Bool,
        move_in_date -> Nullable<Date>,
        move_out_date -> Nullable<Date>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_comments (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        author_id -> Uuid,
        #[max_length = 255]
        author_name -> Varchar,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_counters (year) {
        year -> Int4,
        last_number -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_labor (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        contractor_id -> Uuid,
        start_time -> Timestamptz,
        end_time -> Timestamptz,
        duration_minutes -> Int4,
        #[max_length = 20]
        labor_type -> Varchar,
        hourly_rate -> Numeric,
        multiplier -> Numeric,
        total_cost -> Numeric,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        timed -> Bool,
        capped -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_parts (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        #[max_length = 100]
        part_number -> Nullable<Varchar>,
        #[max_length = 255]
        part_name -> Varchar,
        #[max_length = 100]
        manufacturer -> Nullable<Varchar>,
        quantity -> Int4,
        unit_cost -> Numeric,
        total_cost -> Numeric,
        #[max_length = 30]
        source -> Varchar,
        notes -> Nullable<Text>,
        created_at -> Timestamptz,
        inventory_item_id -> Nullable<Uuid>,
        stock_location_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_signoffs (work_order_id) {
        work_order_id -> Uuid,
        #[max_length = 255]
        accepted_by_name -> Varchar,
        #[max_length = 200]
        signature_key -> Nullable<Varchar>,
        signed_at -> Timestamptz,
        recorded_by -> Nullable<Uuid>,
        #[max_length = 255]
        recorded_by_name -> Varchar,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_order_tasks (id) {
        id -> Uuid,
        work_order_id -> Uuid,
        sequence -> Int4,
        #[max_length = 255]
        title -> Varchar,
        description -> Nullable<Text>,
        #[max_length = 20]
        status -> Varchar,
        completed_at -> Nullable<Timestamptz>,
        completed_by -> Nullable<Uuid>,
        #[max_length = 255]
        completed_by_name -> Nullable<Varchar>,
        completion_notes -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        #[max_length = 10]
        requires -> Varchar,
        reading -> Nullable<Int8>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    work_orders (id) {
        id -> Uuid,
        elevator_id -> Nullable<Uuid>,
        site_id -> Uuid,
        #[max_length = 20]
        work_order_number -> Varchar,
        #[sql_name = "type"]
        type_ -> WorkOrderType,
        priority -> WorkOrderPriority,
        status -> WorkOrderStatus,
        version -> Int4,
        #[max_length = 255]
        title -> Varchar,
        description -> Nullable<Text>,
        #[max_length = 50]
        fault_code -> Nullable<Varchar>,
        reported_symptoms -> Nullable<Text>,
        #[max_length = 100]
        affected_floors -> Nullable<Varchar>,
        entrapment -> Bool,
        reported_at -> Timestamptz,
        scheduled_start -> Nullable<Timestamptz>,
        scheduled_end -> Nullable<Timestamptz>,
        actual_start -> Nullable<Timestamptz>,
        actual_end -> Nullable<Timestamptz>,
        due_date -> Nullable<Timestamptz>,
        assigned_contractor_id -> Nullable<Uuid>,
        assigned_at -> Nullable<Timestamptz>,
        assigned_by -> Nullable<Uuid>,
        #[max_length = 255]
        reported_by_name -> Nullable<Varchar>,
        #[max_length = 50]
        reported_by_phone -> Nullable<Varchar>,
        #[max_length = 255]
        reported_by_email -> Nullable<Varchar>,
        resolution_notes -> Nullable<Text>,
        root_cause -> Nullable<Text>,
        #[max_length = 50]
        resolution_type -> Nullable<Varchar>,
        cancellation_reason -> Nullable<Text>,
        parts_cost -> Numeric,
        labor_cost -> Numeric,
        total_cost -> Numeric,
        requires_followup -> Bool,
        followup_notes -> Nullable<Text>,
        parent_work_order_id -> Nullable<Uuid>,
        callback_reported_trouble -> Nullable<Text>,
        callback_reported_at -> Nullable<Timestamptz>,
        callback_corrective_action -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
        due_date_manual -> Bool,
        callout_cost -> Numeric,
        callout_contractor_id -> Nullable<Uuid>,
        lift_status_before -> Nullable<ElevatorStatus>,
        maintenance_schedule_id -> Nullable<Uuid>,
        planned_on -> Nullable<Date>,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        #[max_length = 100]
        name -> Varchar,
    }
}

diesel::table! {
    maintenance_checklist_items (id) {
        id -> Uuid,
        schedule_id -> Uuid,
        position -> Int4,
        #[max_length = 255]
        title -> Varchar,
        #[max_length = 10]
        requires -> Varchar,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    maintenance_occurrences (id) {
        id -> Uuid,
        schedule_id -> Uuid,
        planned_on -> Date,
        due_on -> Date,
        #[max_length = 10]
        status -> Varchar,
        work_order_id -> Nullable<Uuid>,
        raised_at -> Nullable<Timestamptz>,
        late -> Bool,
        #[max_length = 255]
        note -> Nullable<Varchar>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    maintenance_schedules (id) {
        id -> Uuid,
        elevator_id -> Uuid,
        site_id -> Uuid,
        site_group_id -> Nullable<Uuid>,
        #[max_length = 255]
        name -> Varchar,
        description -> Nullable<Text>,
        work_type -> WorkOrderType,
        priority -> WorkOrderPriority,
        #[max_length = 20]
        frequency -> Varchar,
        every -> Int4,
        weekday -> Nullable<Int2>,
        day_of_month -> Nullable<Int2>,
        #[max_length = 10]
        anchor -> Varchar,
        lead_days -> Int4,
        assigned_contractor_id -> Nullable<Uuid>,
        estimated_hours -> Nullable<Numeric>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        is_active -> Bool,
        skip_holidays -> Bool,
        next_due_on -> Nullable<Date>,
        meter_from -> Nullable<Int8>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    meter_readings (id) {
        id -> Uuid,
        elevator_id -> Uuid,
        #[max_length = 10]
        meter -> Varchar,
        value -> Int8,
        read_at -> Timestamptz,
        counter_reset -> Bool,
        work_order_id -> Nullable<Uuid>,
        recorded_by -> Nullable<Uuid>,
        #[max_length = 255]
        recorded_by_name -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    inventory_items (id) {
        id -> Uuid,
        #[max_length = 100]
        part_number -> Varchar,
        #[max_length = 100]
        part_number_normalized -> Varchar,
        #[max_length = 100]
        manufacturer_part_number -> Nullable<Varchar>,
        #[max_length = 100]
        barcode -> Nullable<Varchar>,
        #[max_length = 255]
        name -> Varchar,
        description -> Nullable<Text>,
        #[max_length = 100]
        category -> Nullable<Varchar>,
        #[max_length = 100]
        subcategory -> Nullable<Varchar>,
        #[max_length = 100]
        manufacturer -> Nullable<Varchar>,
        compatible_manufacturers -> Array<Nullable<Text>>,
        compatible_models -> Array<Nullable<Text>>,
        compatible_equipment_types -> Array<Nullable<Text>>,
        unit_cost -> Numeric,
        average_cost -> Numeric,
        sale_price -> Nullable<Numeric>,
        minimum_stock -> Int4,
        reorder_point -> Int4,
        reorder_quantity -> Int4,
        specifications -> Nullable<Text>,
        on_hand -> Int4,
        reserved -> Int4,
        last_issued_at -> Nullable<Timestamptz>,
        archived_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_document -> Nullable<crate::db::sql_types::Tsvector>,
    }
}

diesel::table! {
    stock_locations (id) {
        id -> Uuid,
        #[max_length = 100]
        name -> Varchar,
        #[max_length = 20]
        location_type -> Varchar,
        contractor_id -> Nullable<Uuid>,
        account_id -> Nullable<Uuid>,
        site_id -> Nullable<Uuid>,
        address -> Nullable<Text>,
        notes -> Nullable<Text>,
        archived_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    stock_levels (item_id, location_id) {
        item_id -> Uuid,
        location_id -> Uuid,
        on_hand -> Int4,
        reserved -> Int4,
        minimum_stock -> Nullable<Int4>,
        reorder_point -> Nullable<Int4>,
        last_counted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Uuid,
        item_id -> Uuid,
        location_id -> Uuid,
        #[max_length = 20]
        kind -> Varchar,
        quantity -> Int4,
        reserved_change -> Int4,
        unit_cost -> Numeric,
        reason -> Nullable<Text>,
        work_order_id -> Nullable<Uuid>,
        purchase_order_id -> Nullable<Uuid>,
        counterpart_location_id -> Nullable<Uuid>,
        marketplace_listing_id -> Nullable<Uuid>,
        marketplace_transaction_id -> Nullable<Uuid>,
        on_hand_after -> Int4,
        created_by -> Nullable<Uuid>,
        #[max_length = 255]
        created_by_name -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    stock_reservations (id) {
        id -> Uuid,
        item_id -> Uuid,
        location_id -> Uuid,
        quantity -> Int4,
        work_order_id -> Nullable<Uuid>,
        marketplace_listing_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_order_counters (year) {
        year -> Int4,
        last_number -> Int4,
    }
}

diesel::table! {
    purchase_orders (id) {
        id -> Uuid,
        #[max_length = 20]
        number -> Varchar,
        #[max_length = 255]
        supplier -> Varchar,
        location_id -> Uuid,
        #[max_length = 20]
        status -> Varchar,
        expected_on -> Nullable<Date>,
        notes -> Nullable<Text>,
        ordered_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    purchase_order_lines (id) {
        id -> Uuid,
        purchase_order_id -> Uuid,
        item_id -> Uuid,
        quantity -> Int4,
        received -> Int4,
        unit_cost -> Numeric,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Uuid,
        url -> Text,
        description -> Nullable<Text>,
        events -> Array<Text>,
        active -> Bool,
        secret_encrypted -> Bytea,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        subscription_id -> Uuid,
        event_type -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        last_status_code -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        run_id -> Uuid,
        next_attempt_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(calendar_feeds -> contractors (contractor_id));
diesel::joinable!(attachments -> service_requests (service_request_id));
diesel::joinable!(attachments -> work_orders (work_order_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(elevator_status_history -> elevators (elevator_id));
diesel::joinable!(elevators -> sites (site_id));
diesel::joinable!(health_score_history -> sites (site_id));
diesel::joinable!(labor_timers -> contractors (contractor_id));
diesel::joinable!(labor_timers -> work_orders (work_order_id));
diesel::joinable!(service_request_events -> service_requests (service_request_id));
diesel::joinable!(service_requests -> elevators (elevator_id));
diesel::joinable!(service_requests -> sites (site_id));
diesel::joinable!(service_requests -> tenants (tenant_id));
diesel::joinable!(service_requests -> work_orders (assigned_work_order_id));
diesel::joinable!(tenants -> sites (site_id));
diesel::joinable!(work_order_comments -> work_orders (work_order_id));
diesel::joinable!(work_order_labor -> contractors (contractor_id));
diesel::joinable!(work_order_labor -> work_orders (work_order_id));
diesel::joinable!(work_order_parts -> work_orders (work_order_id));
diesel::joinable!(work_order_signoffs -> work_orders (work_order_id));
diesel::joinable!(work_order_tasks -> work_orders (work_order_id));
diesel::joinable!(maintenance_checklist_items -> maintenance_schedules (schedule_id));
diesel::joinable!(maintenance_occurrences -> maintenance_schedules (schedule_id));
diesel::joinable!(maintenance_schedules -> elevators (elevator_id));
diesel::joinable!(meter_readings -> elevators (elevator_id));
diesel::joinable!(work_orders -> contractors (assigned_contractor_id));
diesel::joinable!(work_orders -> elevators (elevator_id));
diesel::joinable!(work_orders -> sites (site_id));

diesel::joinable!(stock_levels -> inventory_items (item_id));
diesel::joinable!(stock_levels -> stock_locations (location_id));
diesel::joinable!(stock_movements -> inventory_items (item_id));
diesel::joinable!(stock_reservations -> inventory_items (item_id));
diesel::joinable!(purchase_order_lines -> inventory_items (item_id));
diesel::joinable!(purchase_order_lines -> purchase_orders (purchase_order_id));
diesel::joinable!(purchase_orders -> stock_locations (location_id));

diesel::allow_tables_to_appear_in_same_query!(
    attachments,
    audit_chain_head,
    api_idempotency_keys,
    audit_events,
    calendar_feeds,
    contractors,
    csv_imports,
    dashboard_figures,
    elevator_status_history,
    elevators,
    health_score_history,
    holidays,
    inventory_items,
    labor_timers,
    maintenance_checklist_items,
    maintenance_occurrences,
    maintenance_schedules,
    meter_readings,
    purchase_order_counters,
    purchase_order_lines,
    purchase_orders,
    service_request_counters,
    service_request_events,
    service_requests,
    sites,
    stock_levels,
    stock_locations,
    stock_movements,
    stock_reservations,
    tenants,
    webhook_deliveries,
    webhook_subscriptions,
    work_order_comments,
    work_order_counters,
    work_order_labor,
    work_order_parts,
    work_order_signoffs,
    work_order_tasks,
    work_orders,
);
