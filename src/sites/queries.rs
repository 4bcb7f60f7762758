//! Queries over an organization's `sites`. Callers pass a connection already inside the org.

use crate::db::static_sql;
use crate::web::listing::Sortable;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Text};
use uuid::Uuid;

use super::forms::{SiteListQuery, SiteSort, SiteValues};
use crate::db::schema_org::sites;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sites)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
    pub site_type: String,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub latitude: Option<bigdecimal::BigDecimal>,
    pub longitude: Option<bigdecimal::BigDecimal>,
    pub floors_count: Option<i32>,
    pub year_built: Option<i32>,
    pub total_area_sqm: Option<bigdecimal::BigDecimal>,
    pub occupancy_count: Option<i32>,
    pub primary_contact_name: Option<String>,
    pub primary_contact_phone: Option<String>,
    pub primary_contact_email: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub access_instructions: Option<String>,
    pub access_codes_encrypted: Option<Vec<u8>>,
    pub after_hours_access: Option<String>,
    pub key_holder_info: Option<String>,
    pub health_score: Option<i32>,
    pub timezone: String,
    pub lift_count: i32,
    pub lifts_not_operational: i32,
    pub next_inspection_due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A row of the site list.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sites)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct SiteRow {
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
    pub site_type: String,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub lift_count: i32,
    pub lifts_not_operational: i32,
    pub next_inspection_due: Option<NaiveDate>,
    pub health_score: Option<i32>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub timezone: String,
}

impl SiteRow {
    /// Whether its next inspection is past, judged by the day it is at the site.
    pub fn inspection_overdue(&self) -> bool {
        let today = crate::web::local_time::today(&crate::web::local_time::zone(&self.timezone));
        self.next_inspection_due.is_some_and(|due| due < today)
    }
}

/// The text the search box matches; the same expression as the trigram index on `sites`.
const SEARCH_TEXT: &str = "(coalesce(name, '') || ' ' || coalesce(code, '') || ' ' || \
     coalesce(address_line1, '') || ' ' || coalesce(city, ''))";

type BoxedSites<'a> = sites::BoxedQuery<'a, diesel::pg::Pg>;

fn filtered<'a>(query: &'a SiteListQuery) -> BoxedSites<'a> {
    let mut q = sites::table.into_boxed();
    q = if SiteListQuery::flag(&query.archived) {
        q.filter(sites::deleted_at.is_not_null())
    } else {
        q.filter(sites::deleted_at.is_null())
    };
    let search = query.q.trim();
    if !search.is_empty() {
        q = q.filter(static_sql::<Text>(SEARCH_TEXT).ilike(crate::db::contains_pattern(search)));
    }
    if !query.site_type.is_empty() {
        q = q.filter(sites::site_type.eq(&query.site_type));
    }
    if !query.state.is_empty() {
        q = q.filter(sites::state.eq(&query.state));
    }
    if !query.city.is_empty() {
        q = q.filter(sites::city.eq(&query.city));
    }
    if SiteListQuery::flag(&query.out_of_service) {
        q = q.filter(sites::lifts_not_operational.gt(0));
    }
    if SiteListQuery::flag(&query.overdue) {
        q = q.filter(sites::next_inspection_due.lt(static_sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Date>,
        >(
            "(now() AT TIME ZONE sites.timezone)::date"
        )));
    }
    q
}

/// How many sites match the list's filters.
pub fn count(conn: &mut PgConnection, query: &SiteListQuery) -> QueryResult<i64> {
    filtered(query).count().get_result(conn)
}

/// One page of the site list.
pub fn page(
    conn: &mut PgConnection,
    query: &SiteListQuery,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<SiteRow>> {
    sorted(filtered(query), query)
        .offset(offset)
        .limit(limit)
        .select(SiteRow::as_select())
        .load(conn)
}

/// Matching sites in creation order after `after` (creation time, id): the JSON API's pages,
/// which rows added meanwhile cannot shift.
pub fn in_creation_order(
    conn: &mut PgConnection,
    query: &SiteListQuery,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Site>> {
    crate::created_after!(filtered(query), sites, after)
        .order((sites::created_at, sites::id))
        .limit(limit)
        .select(Site::as_select())
        .load(conn)
}

/// Every matching site in list order, for CSV export.
pub fn all_matching(conn: &mut PgConnection, query: &SiteListQuery) -> QueryResult<Vec<Site>> {
    sorted(filtered(query), query)
        .limit(crate::imports::MAX_ROWS as i64)
        .select(Site::as_select())
        .load(conn)
}

fn sorted<'a>(q: BoxedSites<'a>, query: &SiteListQuery) -> BoxedSites<'a> {
    let desc = query.descending();
    let name = || static_sql::<Text>("lower(name)");
    // Ties are broken by name, then id, so paging is stable and the order reads naturally.
    let q = match (query.sort(), desc) {
        (SiteSort::Name, false) => return q.order((name().asc(), sites::id)),
        (SiteSort::Name, true) => return q.order((name().desc(), sites::id)),
        (SiteSort::Code, false) => q.order(static_sql::<Text>("lower(code)").asc().nulls_last()),
        (SiteSort::Code, true) => q.order(static_sql::<Text>("lower(code)").desc().nulls_last()),
        (SiteSort::Type, false) => q.order(sites::site_type.asc()),
        (SiteSort::Type, true) => q.order(sites::site_type.desc()),
        (SiteSort::City, false) => q.order((
            sites::state.asc().nulls_last(),
            sites::city.asc().nulls_last(),
        )),
        (SiteSort::City, true) => q.order((
            sites::state.desc().nulls_last(),
            sites::city.desc().nulls_last(),
        )),
        (SiteSort::Lifts, false) => q.order(sites::lift_count.asc()),
        (SiteSort::Lifts, true) => q.order(sites::lift_count.desc()),
        (SiteSort::NotOperational, false) => q.order(sites::lifts_not_operational.asc()),
        (SiteSort::NotOperational, true) => q.order(sites::lifts_not_operational.desc()),
        (SiteSort::NextInspection, false) => q.order(sites::next_inspection_due.asc().nulls_last()),
        (SiteSort::NextInspection, true) => q.order(sites::next_inspection_due.desc().nulls_last()),
        (SiteSort::Health, false) => q.order(sites::health_score.asc().nulls_last()),
        (SiteSort::Health, true) => q.order(sites::health_score.desc().nulls_last()),
    };
    q.then_order_by(name().asc()).then_order_by(sites::id)
}

pub fn count_active(conn: &mut PgConnection) -> QueryResult<i64> {
    sites::table
        .filter(sites::deleted_at.is_null())
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Site> {
    sites::table.find(id).select(Site::as_select()).first(conn)
}

/// The distinct values of a column among current sites, for filter choices.
pub fn states_and_cities(conn: &mut PgConnection) -> QueryResult<(Vec<String>, Vec<String>)> {
    let states = sites::table
        .filter(sites::deleted_at.is_null())
        .filter(sites::state.is_not_null())
        .select(sites::state.assume_not_null())
        .distinct()
        .order(sites::state.assume_not_null())
        .load(conn)?;
    let cities = sites::table
        .filter(sites::deleted_at.is_null())
        .filter(sites::city.is_not_null())
        .select(sites::city.assume_not_null())
        .distinct()
        .order(sites::city.assume_not_null())
        .load(conn)?;
    Ok((states, cities))
}

/// Current sites for pickers: (id, name, code).
pub fn options(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, String, Option<String>)>> {
    sites::table
        .filter(sites::deleted_at.is_null())
        .order((static_sql::<Text>("lower(name)"), sites::id))
        .select((sites::id, sites::name, sites::code))
        .load(conn)
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the site code is already used by another site")]
    DuplicateCode,
    #[error(transparent)]
    Database(#[from] DieselError),
}

fn map_unique(e: DieselError) -> WriteError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            WriteError::DuplicateCode
        }
        other => WriteError::Database(other),
    }
}

pub fn insert(
    conn: &mut PgConnection,
    values: &SiteValues,
    access_codes: Option<Vec<u8>>,
) -> Result<Site, WriteError> {
    diesel::insert_into(sites::table)
        .values((values, sites::access_codes_encrypted.eq(access_codes)))
        .returning(Site::as_returning())
        .get_result(conn)
        .map_err(map_unique)
}

pub fn update(conn: &mut PgConnection, id: Uuid, values: &SiteValues) -> Result<Site, WriteError> {
    diesel::update(sites::table.find(id))
        .set((values, sites::updated_at.eq(Utc::now())))
        .returning(Site::as_returning())
        .get_result(conn)
        .map_err(map_unique)
}

pub fn set_access_codes(
    conn: &mut PgConnection,
    id: Uuid,
    sealed: Option<Vec<u8>>,
) -> QueryResult<usize> {
    diesel::update(sites::table.find(id))
        .set(sites::access_codes_encrypted.eq(sealed))
        .execute(conn)
}

pub fn set_archived(conn: &mut PgConnection, id: Uuid, archived: bool) -> QueryResult<usize> {
    let when = archived.then(Utc::now);
    diesel::update(sites::table.find(id))
        .set((sites::deleted_at.eq(when), sites::updated_at.eq(Utc::now())))
        .execute(conn)
}

/// A site by code (case-insensitive), for CSV imports that update by code.
pub fn find_by_codes(
    conn: &mut PgConnection,
    codes: &[String],
) -> QueryResult<Vec<(Uuid, String)>> {
    let lowered: Vec<String> = codes.iter().map(|c| c.to_lowercase()).collect();
    sites::table
        .filter(
            diesel::dsl::sql::<Bool>("lower(code) = ANY(")
                .bind::<diesel::sql_types::Array<Text>, _>(lowered)
                .sql(")"),
        )
        .filter(sites::code.is_not_null())
        .select((sites::id, sites::code.assume_not_null()))
        .load(conn)
}
