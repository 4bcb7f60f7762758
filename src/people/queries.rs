//! `public.technician_profiles`, `public.user_certifications` and `public.employment_history`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::{
    accounts, employment_history, technician_profiles, user_certifications,
};
use crate::jobs::model::TextList;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = technician_profiles, check_for_backend(diesel::pg::Pg))]
pub struct Profile {
    pub id: Uuid,
    pub account_id: Uuid,
    pub headline: String,
    pub summary: String,
    pub years_experience: Option<i32>,
    pub career_start_date: Option<NaiveDate>,
    pub primary_trade: Option<String>,
    #[diesel(deserialize_as = TextList)]
    pub specializations: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub manufacturer_expertise: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub equipment_types: Vec<String>,
    pub availability_status: String,
    #[diesel(deserialize_as = TextList)]
    pub preferred_job_types: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub preferred_locations: Vec<String>,
    pub willing_to_relocate: bool,
    pub profile_visibility: String,
    pub updated_at: DateTime<Utc>,
}

pub const AVAILABILITY: &[(&str, &str)] = &[
    ("actively_looking", "Actively looking"),
    ("open_to_opportunities", "Open to opportunities"),
    ("employed", "Employed, not looking"),
    ("not_available", "Not available"),
];

pub const VISIBILITY: &[(&str, &str)] = &[
    ("public", "Public: anyone can see it"),
    (
        "employers_only",
        "Employers only: signed-in members of an organization",
    ),
    ("private", "Private: only you (and employers you apply to)"),
];

impl Profile {
    pub fn availability_label(&self) -> String {
        crate::jobs::model::label_of(AVAILABILITY, &self.availability_status)
    }

    pub fn summary_html(&self) -> String {
        crate::web::markdown::render(&self.summary)
    }

    /// What the match score counts as skills: specializations and equipment types.
    pub fn skills(&self) -> Vec<String> {
        self.specializations
            .iter()
            .chain(&self.equipment_types)
            .cloned()
            .collect()
    }
}

/// What the profile form writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = technician_profiles, treat_none_as_null = true)]
pub struct ProfileInput {
    pub headline: String,
    pub summary: String,
    pub years_experience: Option<i32>,
    pub career_start_date: Option<NaiveDate>,
    pub primary_trade: Option<String>,
    pub specializations: Vec<String>,
    pub manufacturer_expertise: Vec<String>,
    pub equipment_types: Vec<String>,
    pub availability_status: String,
    pub preferred_job_types: Vec<String>,
    pub preferred_locations: Vec<String>,
    pub willing_to_relocate: bool,
    pub profile_visibility: String,
}

pub fn profile_of(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<Option<Profile>> {
    technician_profiles::table
        .filter(technician_profiles::account_id.eq(account_id))
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// A profile with its owner's name.
pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<(Profile, String)> {
    technician_profiles::table
        .inner_join(accounts::table)
        .filter(technician_profiles::id.eq(id))
        .select((Profile::as_select(), accounts::display_name))
        .first(conn)
}

/// Profiles of these accounts, keyed by account.
pub fn profiles_of(
    conn: &mut PgConnection,
    account_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, Profile>> {
    let rows: Vec<Profile> = technician_profiles::table
        .filter(technician_profiles::account_id.eq_any(account_ids))
        .select(Profile::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.account_id, p)).collect())
}

pub fn save_profile(
    conn: &mut PgConnection,
    account_id: Uuid,
    input: &ProfileInput,
) -> QueryResult<Uuid> {
    diesel::insert_into(technician_profiles::table)
        .values((input, technician_profiles::account_id.eq(account_id)))
        .on_conflict(technician_profiles::account_id)
        .do_update()
        .set((input, technician_profiles::updated_at.eq(now)))
        .returning(technician_profiles::id)
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_certifications, check_for_backend(diesel::pg::Pg))]
pub struct Certification {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub issuing_authority: Option<String>,
    pub certificate_number: Option<String>,
    pub issued_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    pub is_verified: bool,
}

impl Certification {
    pub fn is_expired(&self) -> bool {
        self.expiry_date
            .is_some_and(|d| d < Utc::now().date_naive())
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = user_certifications)]
pub struct CertificationInput {
    pub name: String,
    pub issuing_authority: Option<String>,
    pub certificate_number: Option<String>,
    pub issued_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
}

pub fn certifications(
    conn: &mut PgConnection,
    account_ids: &[Uuid],
) -> QueryResult<Vec<Certification>> {
    user_certifications::table
        .filter(user_certifications::account_id.eq_any(account_ids))
        .order((
            user_certifications::account_id,
            user_certifications::issued_date.desc(),
        ))
        .select(Certification::as_select())
        .load(conn)
}

pub fn add_certification(
    conn: &mut PgConnection,
    account_id: Uuid,
    input: &CertificationInput,
) -> QueryResult<usize> {
    diesel::insert_into(user_certifications::table)
        .values((input, user_certifications::account_id.eq(account_id)))
        .execute(conn)
}

pub fn delete_certification(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        user_certifications::table
            .filter(user_certifications::id.eq(id))
            .filter(user_certifications::account_id.eq(account_id)),
    )
    .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = employment_history, check_for_backend(diesel::pg::Pg))]
pub struct Employment {
    pub id: Uuid,
    pub company_name: String,
    pub title: String,
    pub description: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub is_current: bool,
    pub location: Option<String>,
    pub employment_type: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = employment_history)]
pub struct EmploymentInput {
    pub company_name: String,
    pub title: String,
    pub description: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub is_current: bool,
    pub location: Option<String>,
    pub employment_type: Option<String>,
}

pub fn employment(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<Vec<Employment>> {
    employment_history::table
        .filter(employment_history::account_id.eq(account_id))
        .order((
            employment_history::is_current.desc(),
            employment_history::start_date.desc(),
        ))
        .select(Employment::as_select())
        .load(conn)
}

pub fn add_employment(
    conn: &mut PgConnection,
    account_id: Uuid,
    input: &EmploymentInput,
) -> QueryResult<usize> {
    diesel::insert_into(employment_history::table)
        .values((input, employment_history::account_id.eq(account_id)))
        .execute(conn)
}

pub fn delete_employment(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        employment_history::table
            .filter(employment_history::id.eq(id))
            .filter(employment_history::account_id.eq(account_id)),
    )
    .execute(conn)
}

/// Everything the match score needs about one account (`None` without a profile).
pub struct Standing {
    pub profile: Profile,
    /// Names of certificates still valid today.
    pub valid_certifications: Vec<String>,
}

pub fn standing(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<Option<Standing>> {
    let Some(profile) = profile_of(conn, account_id)? else {
        return Ok(None);
    };
    let valid_certifications = certifications(conn, &[account_id])?
        .into_iter()
        .filter(|c| !c.is_expired())
        .map(|c| c.name)
        .collect();
    Ok(Some(Standing {
        profile,
        valid_certifications,
    }))
}
