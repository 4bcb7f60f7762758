// @generated automatically by Diesel CLI.

diesel::table! {
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
