//! Queries over an organization's contractors, including their computed performance.

use crate::db::static_sql;
use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text};
use uuid::Uuid;

use super::forms::{ContractorListQuery, ContractorValues};
use crate::db::schema_org::contractors;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contractors)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Contractor {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub contractor_type: String,
    pub company_name: Option<String>,
    pub company_abn: Option<String>,
    pub company_license: Option<String>,
    pub contact_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub license_number: Option<String>,
    pub license_expiry: Option<NaiveDate>,
    pub insurance_policy: Option<String>,
    pub insurance_expiry: Option<NaiveDate>,
    pub specializations: Vec<Option<String>>,
    pub trade_types: Vec<Option<String>>,
    pub manufacturer_certifications: Vec<Option<String>>,
    pub hourly_rate: Option<BigDecimal>,
    pub callout_fee: Option<BigDecimal>,
    pub emergency_rate_multiplier: BigDecimal,
    pub is_active: bool,
    pub is_preferred: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a licence or insurance date reads: expired, expiring within 30 days, or fine.
pub fn expiry_badge(date: &Option<NaiveDate>, today: &NaiveDate) -> &'static str {
    match date {
        Some(d) if d < today => "badge-bad",
        Some(d) if *d <= *today + Duration::days(30) => "badge-warn",
        Some(_) => "badge-ok",
        None => "badge-grey",
    }
}

impl Contractor {
    pub fn name(&self) -> String {
        match &self.company_name {
            Some(company) => format!("{} ({company})", self.contact_name),
            None => self.contact_name.clone(),
        }
    }

    pub fn list_of(values: &[Option<String>]) -> String {
        values
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

type Boxed<'a> = contractors::BoxedQuery<'a, diesel::pg::Pg>;

fn filtered<'a>(query: &'a ContractorListQuery, today: NaiveDate) -> Boxed<'a> {
    let mut q = contractors::table.into_boxed();
    match query.active.as_str() {
        "inactive" => q = q.filter(contractors::is_active.eq(false)),
        "all" => {}
        _ => q = q.filter(contractors::is_active.eq(true)),
    }
    let search = query.q.trim();
    if !search.is_empty() {
        let pattern = crate::db::contains_pattern(search);
        q = q.filter(
            contractors::contact_name
                .ilike(pattern.clone())
                .or(contractors::company_name.ilike(pattern.clone()))
                .or(contractors::email.ilike(pattern)),
        );
    }
    if !query.contractor_type.is_empty() {
        q = q.filter(contractors::contractor_type.eq(&query.contractor_type));
    }
    if !query.specialization.trim().is_empty() {
        q = q.filter(
            sql::<diesel::sql_types::Bool>("specializations @> ARRAY[")
                .bind::<Text, _>(query.specialization.trim().to_string())
                .sql("]::text[]"),
        );
    }
    if query.preferred == "1" {
        q = q.filter(contractors::is_preferred.eq(true));
    }
    if query.expiring == "1" {
        let soon = today + Duration::days(30);
        q = q.filter(
            contractors::license_expiry
                .le(soon)
                .or(contractors::insurance_expiry.le(soon)),
        );
    }
    q
}

pub fn count(
    conn: &mut PgConnection,
    query: &ContractorListQuery,
    today: NaiveDate,
) -> QueryResult<i64> {
    filtered(query, today).count().get_result(conn)
}

/// Matching contractors in creation order after `after`: the JSON API's pages.
pub fn in_creation_order(
    conn: &mut PgConnection,
    query: &ContractorListQuery,
    today: NaiveDate,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Contractor>> {
    crate::created_after!(filtered(query, today), contractors, after)
        .order((contractors::created_at, contractors::id))
        .limit(limit)
        .select(Contractor::as_select())
        .load(conn)
}

pub fn page(
    conn: &mut PgConnection,
    query: &ContractorListQuery,
    today: NaiveDate,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Contractor>> {
    filtered(query, today)
        .order((
            contractors::is_preferred.desc(),
            static_sql::<Text>("lower(contact_name)"),
            contractors::id,
        ))
        .offset(offset)
        .limit(limit)
        .select(Contractor::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Contractor> {
    contractors::table
        .find(id)
        .select(Contractor::as_select())
        .first(conn)
}

/// Active contractors for pickers: (id, name, hourly rate).
pub fn options(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, String, Option<String>)>> {
    contractors::table
        .filter(contractors::is_active.eq(true))
        .order((
            contractors::is_preferred.desc(),
            static_sql::<Text>("lower(contact_name)"),
        ))
        .select((
            contractors::id,
            contractors::contact_name,
            contractors::company_name,
        ))
        .load(conn)
}

/// The contractor record linked to an account, if any (a technician's own).
pub fn for_account(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<Option<Uuid>> {
    contractors::table
        .filter(contractors::account_id.eq(account_id))
        .select(contractors::id)
        .first(conn)
        .optional()
}

pub fn specializations(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    diesel::sql_query(
        "SELECT DISTINCT unnest(specializations) AS value FROM contractors ORDER BY 1",
    )
    .load::<crate::db::TextRow>(conn)
    .map(|rows| rows.into_iter().map(|r| r.value).collect())
}

pub fn insert(conn: &mut PgConnection, values: &ContractorValues) -> QueryResult<Contractor> {
    diesel::insert_into(contractors::table)
        .values(values)
        .returning(Contractor::as_returning())
        .get_result(conn)
}

pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    values: &ContractorValues,
) -> QueryResult<Contractor> {
    diesel::update(contractors::table.find(id))
        .set((values, contractors::updated_at.eq(Utc::now())))
        .returning(Contractor::as_returning())
        .get_result(conn)
}

pub fn set_active(conn: &mut PgConnection, id: Uuid, active: bool) -> QueryResult<usize> {
    diesel::update(contractors::table.find(id))
        .set((
            contractors::is_active.eq(active),
            contractors::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
}

/// A contractor's record, computed from their work orders in one query.
#[derive(Debug, Clone, QueryableByName, Default)]
pub struct Performance {
    #[diesel(sql_type = BigInt)]
    pub completed: i64,
    /// Completed work orders with no callback child within 30 days of completion.
    #[diesel(sql_type = BigInt)]
    pub fixed_first_time: i64,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub average_response_minutes: Option<BigDecimal>,
    #[diesel(sql_type = BigInt)]
    pub open: i64,
}

impl Performance {
    pub fn first_time_fix_percent(&self) -> Option<i64> {
        (self.completed > 0)
            .then(|| (self.fixed_first_time * 100 + self.completed / 2) / self.completed)
    }

    pub fn average_response(&self) -> Option<String> {
        let minutes: i64 = self
            .average_response_minutes
            .as_ref()?
            .with_scale(0)
            .to_string()
            .parse()
            .ok()?;
        Some(if minutes >= 120 {
            format!("{} h {} min", minutes / 60, minutes % 60)
        } else {
            format!("{minutes} min")
        })
    }
}

pub fn performance(conn: &mut PgConnection, contractor_id: Uuid) -> QueryResult<Performance> {
    diesel::sql_query(
        "SELECT \
           count(*) FILTER (WHERE w.status IN ('completed', 'invoiced')) AS completed, \
           count(*) FILTER (WHERE w.status IN ('completed', 'invoiced') AND NOT EXISTS ( \
               SELECT 1 FROM work_orders c WHERE c.parent_work_order_id = w.id AND c.type = 'callback' \
               AND c.reported_at <= w.completed_at + interval '30 days')) AS fixed_first_time, \
           round(avg(extract(epoch FROM w.actual_start - w.reported_at) / 60) \
               FILTER (WHERE w.actual_start IS NOT NULL), 0) AS average_response_minutes, \
           count(*) FILTER (WHERE w.status IN ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold')) AS open \
         FROM work_orders w WHERE w.assigned_contractor_id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(contractor_id)
    .get_result(conn)
}
