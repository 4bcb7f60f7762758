// @generated automatically by Diesel CLI.

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    accounts (id) {
        id -> Uuid,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 255]
        password_hash -> Varchar,
        #[max_length = 100]
        first_name -> Varchar,
        #[max_length = 100]
        last_name -> Varchar,
        #[max_length = 255]
        display_name -> Varchar,
        #[max_length = 50]
        phone -> Nullable<Varchar>,
        #[max_length = 50]
        timezone -> Varchar,
        is_platform_admin -> Bool,
        is_active -> Bool,
        session_generation -> Int4,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    employment_history (id) {
        id -> Uuid,
        account_id -> Uuid,
        organization_id -> Nullable<Uuid>,
        #[max_length = 255]
        company_name -> Varchar,
        #[max_length = 255]
        title -> Varchar,
        description -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        is_current -> Bool,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        #[max_length = 50]
        employment_type -> Nullable<Varchar>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    invitations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 20]
        role -> Varchar,
        token_hash -> Bytea,
        invited_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        accepted_by -> Nullable<Uuid>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    job_application_events (id) {
        id -> Uuid,
        application_id -> Uuid,
        from_status -> Nullable<ApplicationStatus>,
        to_status -> ApplicationStatus,
        changed_by -> Uuid,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    job_applications (id) {
        id -> Uuid,
        job_listing_id -> Uuid,
        applicant_id -> Uuid,
        cover_letter -> Text,
        use_profile -> Bool,
        #[max_length = 200]
        resume_file_key -> Nullable<Varchar>,
        #[max_length = 255]
        resume_file_name -> Nullable<Varchar>,
        resume_size -> Nullable<Int4>,
        status -> ApplicationStatus,
        status_changed_at -> Timestamptz,
        status_changed_by -> Nullable<Uuid>,
        match_score -> Int4,
        match_details -> Jsonb,
        employer_notes -> Text,
        employer_rating -> Nullable<Int4>,
        interview_scheduled_at -> Nullable<Timestamptz>,
        interview_location -> Nullable<Text>,
        offer_made_at -> Nullable<Timestamptz>,
        offer_details -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    job_listings (id) {
        id -> Uuid,
        organization_id -> Uuid,
        posted_by -> Uuid,
        #[max_length = 255]
        title -> Varchar,
        #[max_length = 255]
        slug -> Varchar,
        description -> Text,
        employment_type -> JobEmploymentType,
        #[max_length = 50]
        trade -> Varchar,
        required_experience_years -> Nullable<Int4>,
        required_certifications -> Array<Nullable<Text>>,
        required_skills -> Array<Nullable<Text>>,
        required_manufacturer_experience -> Array<Nullable<Text>>,
        preferred_certifications -> Array<Nullable<Text>>,
        preferred_skills -> Array<Nullable<Text>>,
        #[max_length = 50]
        location_type -> Varchar,
        #[max_length = 100]
        address_city -> Nullable<Varchar>,
        #[max_length = 100]
        address_state -> Nullable<Varchar>,
        #[max_length = 100]
        address_country -> Varchar,
        salary_min -> Nullable<Numeric>,
        salary_max -> Nullable<Numeric>,
        #[max_length = 20]
        salary_type -> Nullable<Varchar>,
        #[max_length = 3]
        salary_currency -> Varchar,
        show_salary -> Bool,
        benefits -> Array<Nullable<Text>>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        hours_per_week -> Nullable<Int4>,
        status -> JobStatus,
        #[max_length = 50]
        visibility -> Varchar,
        view_count -> Int4,
        application_count -> Int4,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        published_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    login_attempts (id) {
        id -> Int8,
        #[max_length = 255]
        email -> Varchar,
        #[max_length = 64]
        ip -> Varchar,
        succeeded -> Bool,
        attempted_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    memberships (id) {
        id -> Uuid,
        account_id -> Uuid,
        organization_id -> Uuid,
        #[max_length = 20]
        role -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    notifications (id) {
        id -> Uuid,
        account_id -> Uuid,
        organization_id -> Nullable<Uuid>,
        #[max_length = 40]
        kind -> Varchar,
        #[max_length = 255]
        title -> Varchar,
        body -> Text,
        #[max_length = 500]
        link -> Varchar,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    organizations (id) {
        id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 41]
        slug -> Varchar,
        #[max_length = 63]
        schema_name -> Varchar,
        #[max_length = 63]
        role_name -> Varchar,
        #[max_length = 50]
        organization_type -> Varchar,
        #[max_length = 255]
        contact_email -> Nullable<Varchar>,
        #[max_length = 50]
        contact_phone -> Nullable<Varchar>,
        #[max_length = 500]
        website_url -> Nullable<Varchar>,
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
        settings -> Jsonb,
        suspended_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    security_events (id) {
        id -> Int8,
        account_id -> Nullable<Uuid>,
        #[max_length = 255]
        email -> Nullable<Varchar>,
        #[max_length = 40]
        event_type -> Varchar,
        #[max_length = 64]
        ip -> Nullable<Varchar>,
        #[max_length = 500]
        user_agent -> Nullable<Varchar>,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    sessions (key_hash) {
        key_hash -> Bytea,
        state -> Jsonb,
        account_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
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
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    technician_profiles (id) {
        id -> Uuid,
        account_id -> Uuid,
        #[max_length = 255]
        headline -> Varchar,
        summary -> Text,
        years_experience -> Nullable<Int4>,
        career_start_date -> Nullable<Date>,
        #[max_length = 100]
        primary_trade -> Nullable<Varchar>,
        specializations -> Array<Nullable<Text>>,
        manufacturer_expertise -> Array<Nullable<Text>>,
        equipment_types -> Array<Nullable<Text>>,
        #[max_length = 50]
        availability_status -> Varchar,
        preferred_job_types -> Array<Nullable<Text>>,
        preferred_locations -> Array<Nullable<Text>>,
        willing_to_relocate -> Bool,
        #[max_length = 50]
        profile_visibility -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    user_certifications (id) {
        id -> Uuid,
        account_id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 255]
        issuing_authority -> Nullable<Varchar>,
        #[max_length = 100]
        certificate_number -> Nullable<Varchar>,
        issued_date -> Date,
        expiry_date -> Nullable<Date>,
        is_verified -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(employment_history -> accounts (account_id));
diesel::joinable!(employment_history -> organizations (organization_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(job_application_events -> accounts (changed_by));
diesel::joinable!(job_application_events -> job_applications (application_id));
diesel::joinable!(job_applications -> job_listings (job_listing_id));
diesel::joinable!(job_listings -> accounts (posted_by));
diesel::joinable!(job_listings -> organizations (organization_id));
diesel::joinable!(memberships -> accounts (account_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(notifications -> accounts (account_id));
diesel::joinable!(notifications -> organizations (organization_id));
diesel::joinable!(security_events -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(technician_profiles -> accounts (account_id));
diesel::joinable!(user_certifications -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    audit_chain_head,
    audit_events,
    employment_history,
    invitations,
    job_application_events,
    job_applications,
    job_listings,
    login_attempts,
    memberships,
    notifications,
    organizations,
    security_events,
    sessions,
    sites,
    technician_profiles,
    user_certifications,
);
