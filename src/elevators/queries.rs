//! Queries over an organization's `elevators` and their status history.

use crate::db::static_sql;
use crate::web::listing::Sortable;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Date, Nullable, Text};
use uuid::Uuid;

use super::forms::{ElevatorListQuery, ElevatorValues};
use super::status::{ElevatorStatus, InspectionResult};
use crate::db::schema_org::{elevator_status_history, elevators, sites};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = elevators)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Elevator {
    pub id: Uuid,
    pub site_id: Uuid,
    pub unit_number: String,
    pub serial_number: Option<String>,
    pub registration_number: Option<String>,
    pub asset_tag: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub controller_type: Option<String>,
    pub drive_type: Option<String>,
    pub machine_type: Option<String>,
    pub capacity_kg: Option<i32>,
    pub capacity_persons: Option<i32>,
    pub speed_mps: Option<bigdecimal::BigDecimal>,
    pub floors_served: Option<i32>,
    pub stops: Option<i32>,
    pub travel_height_m: Option<bigdecimal::BigDecimal>,
    pub door_type: Option<String>,
    pub door_width_mm: Option<i32>,
    pub car_width_mm: Option<i32>,
    pub car_depth_mm: Option<i32>,
    pub car_height_mm: Option<i32>,
    pub installation_date: Option<NaiveDate>,
    pub modernization_date: Option<NaiveDate>,
    pub last_major_service: Option<NaiveDate>,
    pub status: ElevatorStatus,
    pub status_changed_at: DateTime<Utc>,
    pub status_reason: Option<String>,
    pub last_inspection_date: Option<NaiveDate>,
    pub last_inspection_result: Option<InspectionResult>,
    pub next_inspection_due: Option<NaiveDate>,
    pub inspection_certificate_number: Option<String>,
    pub health_score: Option<i32>,
    /// PostgreSQL arrays may hold NULLs, so Diesel reads them as options; see [`Elevator::quirks`].
    pub known_quirks: Vec<Option<String>>,
    pub specifications: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub inspection_interval_months: i32,
}

impl Elevator {
    /// When it last changed, its record or its status: what a change made by someone who read
    /// it must still find.
    pub fn version(&self) -> DateTime<Utc> {
        self.updated_at.max(self.status_changed_at)
    }

    pub fn quirks(&self) -> Vec<String> {
        self.known_quirks.iter().flatten().cloned().collect()
    }

    pub fn specification_pairs(&self) -> Vec<(String, String)> {
        self.specifications
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A lift with the site it stands in, for lists.
#[derive(Debug, Clone, Queryable)]
pub struct ElevatorRow {
    pub id: Uuid,
    pub unit_number: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub drive_type: Option<String>,
    pub status: ElevatorStatus,
    pub next_inspection_due: Option<NaiveDate>,
    pub site_id: Uuid,
    pub site_name: String,
    pub site_code: Option<String>,
    pub site_timezone: String,
}

impl ElevatorRow {
    /// How its next inspection reads, judged by the day it is at its site.
    pub fn inspection(&self) -> super::status::InspectionState {
        let today =
            crate::web::local_time::today(&crate::web::local_time::zone(&self.site_timezone));
        super::status::inspection_state(self.next_inspection_due, today)
    }
}

type RowColumns = (
    elevators::id,
    elevators::unit_number,
    elevators::manufacturer,
    elevators::model,
    elevators::drive_type,
    elevators::status,
    elevators::next_inspection_due,
    sites::id,
    sites::name,
    sites::code,
    sites::timezone,
);

const ROW_COLUMNS: RowColumns = (
    elevators::id,
    elevators::unit_number,
    elevators::manufacturer,
    elevators::model,
    elevators::drive_type,
    elevators::status,
    elevators::next_inspection_due,
    sites::id,
    sites::name,
    sites::code,
    sites::timezone,
);

/// The search box text for lifts; the same expression as their trigram index.
const SEARCH_TEXT: &str = "(coalesce(elevators.unit_number, '') || ' ' || \
     coalesce(elevators.manufacturer, '') || ' ' || coalesce(elevators.model, '') || ' ' || \
     coalesce(elevators.serial_number, ''))";

type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<elevators::table, sites::table>,
    diesel::pg::Pg,
>;

/// The day it is at the lift's site: "overdue" and "due within" are judged there.
pub(crate) const SITE_TODAY: &str = "(now() AT TIME ZONE sites.timezone)::date";

fn filtered<'a>(query: &'a ElevatorListQuery) -> Boxed<'a> {
    let mut q = elevators::table
        .inner_join(sites::table)
        .filter(elevators::deleted_at.is_null())
        .filter(sites::deleted_at.is_null())
        .into_boxed();
    let search = query.q.trim();
    if !search.is_empty() {
        let pattern = crate::db::contains_pattern(search);
        q = q.filter(
            static_sql::<Text>(SEARCH_TEXT)
                .ilike(pattern.clone())
                .or(sites::name.ilike(pattern)),
        );
    }
    if let Some(status) = ElevatorStatus::parse(&query.status) {
        q = q.filter(elevators::status.eq(status));
    }
    if !query.manufacturer.trim().is_empty() {
        q = q.filter(
            static_sql::<Text>("lower(elevators.manufacturer)")
                .eq(query.manufacturer.trim().to_lowercase()),
        );
    }
    if !query.drive_type.is_empty() {
        q = q.filter(elevators::drive_type.eq(&query.drive_type));
    }
    if let Some(site_id) = query.site_id() {
        q = q.filter(elevators::site_id.eq(site_id));
    }
    let active = elevators::status.ne(ElevatorStatus::Decommissioned);
    match query.inspection.as_str() {
        "overdue" => {
            q = q
                .filter(elevators::next_inspection_due.lt(static_sql::<Nullable<Date>>(SITE_TODAY)))
                .filter(active)
        }
        window @ ("30" | "60" | "90") => {
            let last_day = match window {
                "30" => "(now() AT TIME ZONE sites.timezone)::date + 30",
                "60" => "(now() AT TIME ZONE sites.timezone)::date + 60",
                _ => "(now() AT TIME ZONE sites.timezone)::date + 90",
            };
            q = q
                .filter(elevators::next_inspection_due.ge(static_sql::<Nullable<Date>>(SITE_TODAY)))
                .filter(elevators::next_inspection_due.le(static_sql::<Nullable<Date>>(last_day)))
                .filter(active);
        }
        _ => {}
    }
    q
}

fn sorted<'a>(q: Boxed<'a>, query: &ElevatorListQuery) -> Boxed<'a> {
    let unit = static_sql::<Text>("lower(elevators.unit_number)");
    let site = static_sql::<Text>("lower(sites.name)");
    match (query.sort_column(), query.descending()) {
        ("unit", false) => q.order((unit.asc(), elevators::id)),
        ("unit", true) => q.order((unit.desc(), elevators::id)),
        ("manufacturer", false) => {
            q.order((elevators::manufacturer.asc().nulls_last(), elevators::id))
        }
        ("manufacturer", true) => {
            q.order((elevators::manufacturer.desc().nulls_last(), elevators::id))
        }
        ("status", false) => q.order((elevators::status.desc(), elevators::id)),
        ("status", true) => q.order((elevators::status.asc(), elevators::id)),
        ("next_inspection", false) => q.order((
            elevators::next_inspection_due.asc().nulls_last(),
            elevators::id,
        )),
        ("next_inspection", true) => q.order((
            elevators::next_inspection_due.desc().nulls_last(),
            elevators::id,
        )),
        (_, true) => q.order((site.desc(), unit.asc(), elevators::id)),
        (_, false) => q.order((site.asc(), unit.asc(), elevators::id)),
    }
}

pub fn count(conn: &mut PgConnection, query: &ElevatorListQuery) -> QueryResult<i64> {
    filtered(query).count().get_result(conn)
}

pub fn page(
    conn: &mut PgConnection,
    query: &ElevatorListQuery,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ElevatorRow>> {
    sorted(filtered(query), query)
        .offset(offset)
        .limit(limit)
        .select(ROW_COLUMNS)
        .load(conn)
}

/// Matching lifts in creation order after `after`: the JSON API's pages.
pub fn in_creation_order(
    conn: &mut PgConnection,
    query: &ElevatorListQuery,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<Elevator>> {
    crate::created_after!(filtered(query), elevators, after)
        .order((elevators::created_at, elevators::id))
        .limit(limit)
        .select(Elevator::as_select())
        .load(conn)
}

/// Every matching lift in list order with its site, for CSV export.
pub fn all_matching(
    conn: &mut PgConnection,
    query: &ElevatorListQuery,
) -> QueryResult<Vec<(Elevator, String, Option<String>)>> {
    sorted(filtered(query), query)
        .limit(crate::imports::MAX_ROWS as i64)
        .select((Elevator::as_select(), sites::name, sites::code))
        .load(conn)
}

pub fn for_site(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<Vec<Elevator>> {
    elevators::table
        .filter(elevators::site_id.eq(site_id))
        .filter(elevators::deleted_at.is_null())
        .order((static_sql::<Text>("lower(unit_number)"), elevators::id))
        .select(Elevator::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Elevator> {
    elevators::table
        .find(id)
        .filter(elevators::deleted_at.is_null())
        .select(Elevator::as_select())
        .first(conn)
}

/// [`find`] with the lift's row lock, for a change that must see the version it replaces.
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Elevator> {
    elevators::table
        .find(id)
        .filter(elevators::deleted_at.is_null())
        .select(Elevator::as_select())
        .for_update()
        .first(conn)
}

/// The lift's site and unit number, deleted or not (what a status change announces).
pub fn site_and_unit(conn: &mut PgConnection, id: Uuid) -> QueryResult<(Uuid, String)> {
    elevators::table
        .find(id)
        .select((elevators::site_id, elevators::unit_number))
        .first(conn)
}

/// Manufacturers this organization already uses, for suggestions and filters.
pub fn manufacturers(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    elevators::table
        .filter(elevators::deleted_at.is_null())
        .filter(elevators::manufacturer.is_not_null())
        .select(elevators::manufacturer.assume_not_null())
        .distinct()
        .order(elevators::manufacturer.assume_not_null())
        .load(conn)
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the unit number is already used by another lift at this site")]
    DuplicateUnit,
    #[error(transparent)]
    Database(#[from] DieselError),
}

fn map_unique(e: DieselError) -> WriteError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            WriteError::DuplicateUnit
        }
        other => WriteError::Database(other),
    }
}

pub fn insert(conn: &mut PgConnection, values: &ElevatorValues) -> Result<Elevator, WriteError> {
    let elevator = diesel::insert_into(elevators::table)
        .values(values)
        .returning(Elevator::as_returning())
        .get_result(conn)
        .map_err(map_unique)?;
    crate::dashboard::health::recompute_lift(conn, elevator.id)?;
    Ok(elevator)
}

pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    values: &ElevatorValues,
) -> Result<Elevator, WriteError> {
    let elevator = diesel::update(
        elevators::table
            .find(id)
            .filter(elevators::deleted_at.is_null()),
    )
    .set((values, elevators::updated_at.eq(Utc::now())))
    .returning(Elevator::as_returning())
    .get_result(conn)
    .map_err(map_unique)?;
    crate::dashboard::health::recompute_lift(conn, id)?;
    Ok(elevator)
}

/// Who changed a status, as the history shows it.
pub struct ChangedBy<'a> {
    pub account_id: Option<Uuid>,
    pub name: &'a str,
}

/// Sets a lift's status and records the change in its history, in the caller's transaction.
/// Every status change in the product goes through here (by hand, work orders, entrapments).
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: ElevatorStatus,
    reason: Option<&str>,
    by: &ChangedBy,
) -> QueryResult<ElevatorStatus> {
    let previous: ElevatorStatus = elevators::table
        .find(id)
        .select(elevators::status)
        .for_update()
        .first(conn)?;
    diesel::update(elevators::table.find(id))
        .set((
            elevators::status.eq(status),
            elevators::status_reason.eq(reason),
            elevators::status_changed_at.eq(Utc::now()),
            elevators::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    diesel::insert_into(elevator_status_history::table)
        .values((
            elevator_status_history::elevator_id.eq(id),
            elevator_status_history::from_status.eq(Some(previous)),
            elevator_status_history::to_status.eq(status),
            elevator_status_history::reason.eq(reason),
            elevator_status_history::changed_by.eq(by.account_id),
            elevator_status_history::changed_by_name.eq(by.name),
        ))
        .execute(conn)?;
    crate::dashboard::health::recompute_lift(conn, id)?;
    Ok(previous)
}

#[derive(Debug, Clone, Queryable)]
pub struct StatusChange {
    pub from_status: Option<ElevatorStatus>,
    pub to_status: ElevatorStatus,
    pub reason: Option<String>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub fn history(
    conn: &mut PgConnection,
    elevator_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<StatusChange>> {
    elevator_status_history::table
        .filter(elevator_status_history::elevator_id.eq(elevator_id))
        .order(elevator_status_history::changed_at.desc())
        .limit(limit)
        .select((
            elevator_status_history::from_status,
            elevator_status_history::to_status,
            elevator_status_history::reason,
            elevator_status_history::changed_by_name,
            elevator_status_history::changed_at,
        ))
        .load(conn)
}

/// Existing lifts matched by (site id, lower-cased unit number), for CSV imports.
pub fn find_units(
    conn: &mut PgConnection,
    site_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, Uuid, String)>> {
    elevators::table
        .filter(elevators::site_id.eq_any(site_ids))
        .filter(elevators::deleted_at.is_null())
        .select((elevators::id, elevators::site_id, elevators::unit_number))
        .load(conn)
}

/// Lifts matching a search, for pickers: (id, unit, site name).
pub fn search_options(
    conn: &mut PgConnection,
    search: &str,
    limit: i64,
) -> QueryResult<Vec<(Uuid, String, String)>> {
    let pattern = crate::db::contains_pattern(search.trim());
    elevators::table
        .inner_join(sites::table)
        .filter(elevators::deleted_at.is_null())
        .filter(sites::deleted_at.is_null())
        .filter(
            static_sql::<Text>(SEARCH_TEXT)
                .ilike(pattern.clone())
                .or(sites::name.ilike(pattern)),
        )
        .order((
            static_sql::<Text>("lower(sites.name)"),
            static_sql::<Text>("lower(elevators.unit_number)"),
        ))
        .limit(limit)
        .select((elevators::id, elevators::unit_number, sites::name))
        .load(conn)
}
