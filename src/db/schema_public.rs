// @generated automatically by Diesel CLI.

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    api_key_usage (api_key_id, hour_start) {
        api_key_id -> Uuid,
        hour_start -> Timestamptz,
        requests -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    api_keys (id) {
        id -> Uuid,
        organization_id -> Uuid,
        created_by -> Nullable<Uuid>,
        #[max_length = 16]
        key_prefix -> Varchar,
        #[max_length = 64]
        key_hash -> Varchar,
        #[max_length = 120]
        name -> Varchar,
        description -> Nullable<Text>,
        scopes -> Array<Text>,
        rate_limit_per_hour -> Int4,
        is_active -> Bool,
        last_used_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        revoked_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    account_tokens (id) {
        id -> Int8,
        account_id -> Uuid,
        #[max_length = 20]
        purpose -> Varchar,
        token_hash -> Bytea,
        #[max_length = 255]
        email -> Varchar,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

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
        email_verified_at -> Nullable<Timestamptz>,
        digest_sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    background_jobs (id) {
        id -> Int8,
        #[max_length = 50]
        kind -> Varchar,
        organization_id -> Nullable<Uuid>,
        payload -> Jsonb,
        #[max_length = 100]
        unique_key -> Nullable<Varchar>,
        run_at -> Timestamptz,
        locked_at -> Nullable<Timestamptz>,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        done_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        #[max_length = 10]
        state -> Varchar,
        max_attempts -> Int4,
        #[max_length = 100]
        locked_by -> Nullable<Varchar>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_files (id) {
        id -> Uuid,
        message_id -> Uuid,
        conversation_id -> Uuid,
        #[max_length = 255]
        file_name -> Varchar,
        #[max_length = 50]
        content_type -> Varchar,
        byte_size -> Int4,
        #[max_length = 200]
        storage_key -> Varchar,
        #[max_length = 200]
        thumbnail_key -> Nullable<Varchar>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_messages (id) {
        id -> Uuid,
        conversation_id -> Uuid,
        author_account_id -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversation_participants (conversation_id, account_id) {
        conversation_id -> Uuid,
        account_id -> Uuid,
        party -> Bool,
        joined_at -> Timestamptz,
        last_read_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Uuid,
        #[max_length = 20]
        context_type -> Varchar,
        organization_id -> Nullable<Uuid>,
        context_id -> Nullable<Uuid>,
        #[max_length = 73]
        direct_key -> Nullable<Varchar>,
        #[max_length = 200]
        subject -> Varchar,
        #[max_length = 300]
        member_link -> Varchar,
        #[max_length = 300]
        party_link -> Varchar,
        created_by -> Uuid,
        created_at -> Timestamptz,
        last_message_at -> Nullable<Timestamptz>,
        message_count -> Int4,
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

    forum_categories (id) {
        id -> Uuid,
        parent_id -> Nullable<Uuid>,
        #[max_length = 100]
        name -> Varchar,
        #[max_length = 100]
        slug -> Varchar,
        description -> Text,
        #[max_length = 50]
        icon -> Varchar,
        #[max_length = 20]
        colour -> Varchar,
        scope -> ForumScope,
        #[max_length = 100]
        scope_value -> Nullable<Varchar>,
        organization_id -> Nullable<Uuid>,
        visibility -> ForumVisibility,
        is_active -> Bool,
        requires_moderation -> Bool,
        allow_anonymous -> Bool,
        display_order -> Int4,
        thread_count -> Int4,
        post_count -> Int4,
        last_post_at -> Nullable<Timestamptz>,
        last_thread_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_category_moderators (category_id, account_id) {
        category_id -> Uuid,
        account_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_flags (id) {
        id -> Uuid,
        post_id -> Uuid,
        account_id -> Uuid,
        #[max_length = 500]
        reason -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_posts (id) {
        id -> Uuid,
        thread_id -> Uuid,
        author_id -> Uuid,
        is_anonymous -> Bool,
        is_opening -> Bool,
        body -> Text,
        reply_to_post_id -> Nullable<Uuid>,
        is_approved -> Bool,
        is_hidden -> Bool,
        flag_count -> Int4,
        upvote_count -> Int4,
        moderated_at -> Nullable<Timestamptz>,
        moderated_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_subscriptions (id) {
        id -> Uuid,
        account_id -> Uuid,
        category_id -> Nullable<Uuid>,
        thread_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_thread_reads (account_id, thread_id) {
        account_id -> Uuid,
        thread_id -> Uuid,
        read_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_threads (id) {
        id -> Uuid,
        category_id -> Uuid,
        author_id -> Uuid,
        is_anonymous -> Bool,
        #[max_length = 200]
        title -> Varchar,
        #[max_length = 100]
        equipment_manufacturer -> Nullable<Varchar>,
        #[max_length = 100]
        equipment_model -> Nullable<Varchar>,
        #[max_length = 50]
        fault_code -> Nullable<Varchar>,
        tags -> Array<Nullable<Text>>,
        is_pinned -> Bool,
        is_featured -> Bool,
        is_locked -> Bool,
        is_approved -> Bool,
        accepted_post_id -> Nullable<Uuid>,
        upvote_count -> Int4,
        reply_count -> Int4,
        last_post_at -> Timestamptz,
        search_body -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        search_document -> Nullable<Tsvector>,
        rank_document -> Nullable<Tsvector>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    forum_votes (post_id, account_id) {
        post_id -> Uuid,
        account_id -> Uuid,
        created_at -> Timestamptz,
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
        tenant_id -> Nullable<Uuid>,
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
        search_document -> Nullable<Tsvector>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    known_devices (id) {
        id -> Int8,
        account_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
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

    marketplace_inquiries (id) {
        id -> Uuid,
        listing_id -> Uuid,
        seller_org_id -> Uuid,
        buyer_account_id -> Uuid,
        created_at -> Timestamptz,
        last_message_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    marketplace_inquiry_messages (id) {
        id -> Uuid,
        inquiry_id -> Uuid,
        author_account_id -> Uuid,
        from_seller -> Bool,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    marketplace_listing_images (id) {
        id -> Uuid,
        listing_id -> Uuid,
        position -> Int4,
        #[max_length = 200]
        storage_key -> Varchar,
        #[max_length = 200]
        thumbnail_key -> Varchar,
        #[max_length = 50]
        content_type -> Varchar,
        byte_size -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    marketplace_listings (id) {
        id -> Uuid,
        seller_org_id -> Uuid,
        seller_account_id -> Uuid,
        #[max_length = 100]
        part_number -> Varchar,
        #[max_length = 100]
        part_number_normalized -> Varchar,
        #[max_length = 255]
        part_name -> Varchar,
        #[max_length = 100]
        manufacturer -> Nullable<Varchar>,
        model_compatibility -> Array<Nullable<Text>>,
        description -> Text,
        condition -> PartCondition,
        condition_notes -> Nullable<Text>,
        quantity_available -> Int4,
        unit_price -> Numeric,
        #[max_length = 3]
        currency -> Varchar,
        #[max_length = 100]
        location_city -> Nullable<Varchar>,
        #[max_length = 100]
        location_state -> Nullable<Varchar>,
        #[max_length = 100]
        location_country -> Varchar,
        shipping_available -> Bool,
        shipping_cost -> Nullable<Numeric>,
        local_pickup -> Bool,
        status -> ListingStatus,
        view_count -> Int4,
        inquiry_count -> Int4,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_document -> Nullable<Tsvector>,
        inventory_item_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    marketplace_transactions (id) {
        id -> Uuid,
        listing_id -> Uuid,
        seller_org_id -> Uuid,
        buyer_org_id -> Uuid,
        buyer_account_id -> Uuid,
        quantity -> Int4,
        unit_price -> Numeric,
        subtotal -> Numeric,
        shipping_cost -> Numeric,
        platform_fee -> Numeric,
        total_amount -> Numeric,
        #[max_length = 3]
        currency -> Varchar,
        #[max_length = 50]
        shipping_method -> Varchar,
        #[max_length = 100]
        tracking_number -> Nullable<Varchar>,
        shipped_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        status -> MarketplaceTransactionStatus,
        #[max_length = 50]
        payment_method -> Nullable<Varchar>,
        #[max_length = 100]
        payment_reference -> Nullable<Varchar>,
        paid_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        disputed_at -> Nullable<Timestamptz>,
        dispute_reason -> Nullable<Text>,
        refunded_at -> Nullable<Timestamptz>,
        buyer_rating -> Nullable<Int4>,
        buyer_review -> Nullable<Text>,
        seller_rating -> Nullable<Int4>,
        seller_review -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
        tenant_id -> Nullable<Uuid>,
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
        #[max_length = 10]
        delivery -> Nullable<Varchar>,
        emailed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    notification_preferences (account_id, kind) {
        account_id -> Uuid,
        #[max_length = 40]
        kind -> Varchar,
        #[max_length = 10]
        delivery -> Varchar,
        updated_at -> Timestamptz,
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
        deletion_requested_at -> Nullable<Timestamptz>,
        purge_after -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    platform_audit (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_account_id -> Nullable<Uuid>,
        #[max_length = 255]
        actor_label -> Varchar,
        #[max_length = 60]
        action -> Varchar,
        organization_id -> Nullable<Uuid>,
        #[max_length = 255]
        subject -> Varchar,
        detail -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::db::sql_types::*;

    outbox_messages (id) {
        id -> Uuid,
        #[max_length = 50]
        kind -> Varchar,
        #[max_length = 12]
        status -> Varchar,
        #[max_length = 255]
        to_address -> Varchar,
        #[max_length = 255]
        to_name -> Nullable<Varchar>,
        #[max_length = 255]
        subject -> Varchar,
        body_text -> Text,
        body_html -> Text,
        headers -> Jsonb,
        account_id -> Nullable<Uuid>,
        organization_id -> Nullable<Uuid>,
        #[max_length = 100]
        correlation_id -> Nullable<Varchar>,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        dispatched_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
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

diesel::joinable!(account_tokens -> accounts (account_id));
diesel::joinable!(api_keys -> organizations (organization_id));
diesel::joinable!(api_key_usage -> api_keys (api_key_id));
diesel::joinable!(background_jobs -> organizations (organization_id));
diesel::joinable!(notification_preferences -> accounts (account_id));
diesel::joinable!(conversation_files -> conversation_messages (message_id));
diesel::joinable!(conversation_files -> conversations (conversation_id));
diesel::joinable!(conversation_messages -> accounts (author_account_id));
diesel::joinable!(conversation_messages -> conversations (conversation_id));
diesel::joinable!(conversation_participants -> accounts (account_id));
diesel::joinable!(conversation_participants -> conversations (conversation_id));
diesel::joinable!(conversations -> organizations (organization_id));
diesel::joinable!(employment_history -> accounts (account_id));
diesel::joinable!(employment_history -> organizations (organization_id));
diesel::joinable!(forum_categories -> organizations (organization_id));
diesel::joinable!(forum_category_moderators -> accounts (account_id));
diesel::joinable!(forum_category_moderators -> forum_categories (category_id));
diesel::joinable!(forum_flags -> accounts (account_id));
diesel::joinable!(forum_flags -> forum_posts (post_id));
diesel::joinable!(forum_subscriptions -> accounts (account_id));
diesel::joinable!(forum_subscriptions -> forum_categories (category_id));
diesel::joinable!(forum_subscriptions -> forum_threads (thread_id));
diesel::joinable!(forum_thread_reads -> accounts (account_id));
diesel::joinable!(forum_thread_reads -> forum_threads (thread_id));
diesel::joinable!(forum_threads -> accounts (author_id));
diesel::joinable!(forum_votes -> accounts (account_id));
diesel::joinable!(forum_votes -> forum_posts (post_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(job_application_events -> accounts (changed_by));
diesel::joinable!(job_application_events -> job_applications (application_id));
diesel::joinable!(job_applications -> job_listings (job_listing_id));
diesel::joinable!(job_listings -> accounts (posted_by));
diesel::joinable!(job_listings -> organizations (organization_id));
diesel::joinable!(known_devices -> accounts (account_id));
diesel::joinable!(marketplace_inquiries -> accounts (buyer_account_id));
diesel::joinable!(marketplace_inquiries -> marketplace_listings (listing_id));
diesel::joinable!(marketplace_inquiries -> organizations (seller_org_id));
diesel::joinable!(marketplace_inquiry_messages -> accounts (author_account_id));
diesel::joinable!(marketplace_inquiry_messages -> marketplace_inquiries (inquiry_id));
diesel::joinable!(marketplace_listing_images -> marketplace_listings (listing_id));
diesel::joinable!(marketplace_listings -> accounts (seller_account_id));
diesel::joinable!(marketplace_listings -> organizations (seller_org_id));
diesel::joinable!(marketplace_transactions -> accounts (buyer_account_id));
diesel::joinable!(marketplace_transactions -> marketplace_listings (listing_id));
diesel::joinable!(memberships -> accounts (account_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(notifications -> accounts (account_id));
diesel::joinable!(notifications -> organizations (organization_id));
diesel::joinable!(outbox_messages -> accounts (account_id));
diesel::joinable!(outbox_messages -> organizations (organization_id));
diesel::joinable!(platform_audit -> organizations (organization_id));
diesel::joinable!(security_events -> accounts (account_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(technician_profiles -> accounts (account_id));
diesel::joinable!(user_certifications -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    accounts,
    api_key_usage,
    api_keys,
    background_jobs,
    conversation_files,
    conversation_messages,
    conversation_participants,
    conversations,
    employment_history,
    forum_categories,
    forum_category_moderators,
    forum_flags,
    forum_posts,
    forum_subscriptions,
    forum_thread_reads,
    forum_threads,
    forum_votes,
    invitations,
    job_application_events,
    job_applications,
    job_listings,
    known_devices,
    login_attempts,
    marketplace_inquiries,
    marketplace_inquiry_messages,
    marketplace_listing_images,
    marketplace_listings,
    marketplace_transactions,
    memberships,
    notification_preferences,
    notifications,
    organizations,
    outbox_messages,
    platform_audit,
    security_events,
    sessions,
    technician_profiles,
    user_certifications,
);
