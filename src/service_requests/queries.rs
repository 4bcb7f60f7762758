//! Service requests (fault reports from occupants), tenants, and the public report links.

use crate::db::static_sql;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use rand::RngCore;
use uuid::Uuid;

use crate::db::schema_org::{
    elevators, service_request_counters, service_request_events, service_requests, sites, tenants,
};

pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What a public report link points at.
#[derive(Debug, Clone)]
pub struct ReportTarget {
    pub site_id: Uuid,
    pub site_name: String,
    pub address: String,
    pub emergency_phone: Option<String>,
    pub emergency_name: Option<String>,
    /// Set for a per-lift link.
    pub elevator_id: Option<Uuid>,
    pub lifts: Vec<(Uuid, String)>,
}

/// The site or lift behind a report token; retired or unknown tokens find nothing.
pub fn find_target(conn: &mut PgConnection, token: &str) -> QueryResult<Option<ReportTarget>> {
    let by_lift: Option<(Uuid, Uuid)> = elevators::table
        .filter(elevators::report_token.eq(token))
        .filter(elevators::deleted_at.is_null())
        .select((elevators::id, elevators::site_id))
        .first(conn)
        .optional()?;
    let (site_id, elevator_id) = match by_lift {
        Some((lift, site)) => (site, Some(lift)),
        None => match sites::table
            .filter(sites::report_token.eq(token))
            .filter(sites::deleted_at.is_null())
            .select(sites::id)
            .first::<Uuid>(conn)
            .optional()?
        {
            Some(site) => (site, None),
            None => return Ok(None),
        },
    };
    let site = crate::sites::queries::find(conn, site_id)?;
    if site.deleted_at.is_some() {
        return Ok(None);
    }
    let lifts = elevators::table
        .filter(elevators::site_id.eq(site_id))
        .filter(elevators::deleted_at.is_null())
        .order(static_sql::<Text>("lower(unit_number)"))
        .select((elevators::id, elevators::unit_number))
        .load(conn)?;
    let address = [
        site.address_line1.clone(),
        site.city.clone(),
        site.state.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    Ok(Some(ReportTarget {
        site_id,
        site_name: site.name,
        address,
        emergency_phone: site.emergency_contact_phone,
        emergency_name: site.emergency_contact_name,
        elevator_id,
        lifts,
    }))
}

pub fn next_reference(conn: &mut PgConnection, year: i32) -> QueryResult<String> {
    let number: i32 = diesel::insert_into(service_request_counters::table)
        .values((
            service_request_counters::year.eq(year),
            service_request_counters::last_number.eq(1),
        ))
        .on_conflict(service_request_counters::year)
        .do_update()
        .set(service_request_counters::last_number.eq(service_request_counters::last_number + 1))
        .returning(service_request_counters::last_number)
        .get_result(conn)?;
    Ok(format!("SR-{year}-{number:06}"))
}

#[derive(Insertable)]
#[diesel(table_name = service_requests)]
pub struct RequestInsert {
    pub reference: String,
    pub status_token: String,
    pub site_id: Uuid,
    pub elevator_id: Option<Uuid>,
    pub tenant_id: Option<Uuid>,
    pub request_type: String,
    pub subject: String,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub entrapment: bool,
    pub priority: String,
    pub submitted_ip: Option<String>,
    pub submitted_by_account: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_requests)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ServiceRequest {
    pub id: Uuid,
    pub reference: String,
    pub status_token: String,
    pub site_id: Uuid,
    pub elevator_id: Option<Uuid>,
    pub tenant_id: Option<Uuid>,
    pub request_type: String,
    pub subject: String,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub entrapment: bool,
    pub priority: String,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub assigned_work_order_id: Option<Uuid>,
    pub resolution_notes: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub satisfaction_rating: Option<i32>,
    pub feedback_text: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub const REQUEST_TYPES: &[(&str, &str)] = &[
    ("issue_report", "Report a problem"),
    ("inquiry", "Ask a question"),
    ("move_request", "Book the lift for a move"),
    ("access_request", "Request access"),
];

pub const PRIORITIES: &[(&str, &str)] = &[
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("urgent", "Urgent"),
];

pub const STATUSES: &[(&str, &str)] = &[
    ("open", "Received"),
    ("acknowledged", "Acknowledged"),
    ("in_progress", "Being worked on"),
    ("resolved", "Resolved"),
    ("rejected", "Declined"),
    ("closed", "Closed"),
];

pub fn label<'a>(choices: &'a [(&'a str, &'a str)], key: &'a str) -> &'a str {
    choices
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or(key)
}

pub fn status_badge(status: &str) -> &'static str {
    match status {
        "open" => "badge-warn",
        "acknowledged" | "in_progress" => "badge-info",
        "resolved" | "closed" => "badge-ok",
        _ => "badge-grey",
    }
}

impl ServiceRequest {
    pub fn status_label(&self) -> &str {
        label(STATUSES, &self.status)
    }

    pub fn type_label(&self) -> &str {
        label(REQUEST_TYPES, &self.request_type)
    }

    pub fn badge(&self) -> &'static str {
        status_badge(&self.status)
    }

    pub fn can_be_rated(&self) -> bool {
        matches!(self.status.as_str(), "resolved" | "closed") && self.satisfaction_rating.is_none()
    }
}

pub fn insert(conn: &mut PgConnection, values: &RequestInsert) -> QueryResult<ServiceRequest> {
    let request: ServiceRequest = diesel::insert_into(service_requests::table)
        .values(values)
        .returning(ServiceRequest::as_returning())
        .get_result(conn)?;
    add_event(conn, request.id, "open", None)?;
    Ok(request)
}

pub fn add_event(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    note: Option<&str>,
) -> QueryResult<usize> {
    diesel::insert_into(service_request_events::table)
        .values((
            service_request_events::service_request_id.eq(id),
            service_request_events::status.eq(status),
            service_request_events::note.eq(note),
        ))
        .execute(conn)
}

/// A change on the status page: (status, note, when).
pub type Event = (String, Option<String>, DateTime<Utc>);

pub fn events(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Event>> {
    service_request_events::table
        .filter(service_request_events::service_request_id.eq(id))
        .order(service_request_events::created_at)
        .select((
            service_request_events::status,
            service_request_events::note,
            service_request_events::created_at,
        ))
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<ServiceRequest> {
    service_requests::table
        .find(id)
        .select(ServiceRequest::as_select())
        .first(conn)
}

pub fn find_by_status_token(
    conn: &mut PgConnection,
    token: &str,
) -> QueryResult<Option<ServiceRequest>> {
    service_requests::table
        .filter(service_requests::status_token.eq(token))
        .select(ServiceRequest::as_select())
        .first(conn)
        .optional()
}

/// Moves a request to `status` and records it for the requester.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    note: Option<&str>,
) -> QueryResult<usize> {
    let now = Utc::now();
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::status.eq(status),
            service_requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    if status == "acknowledged" {
        diesel::update(
            service_requests::table
                .find(id)
                .filter(service_requests::acknowledged_at.is_null()),
        )
        .set(service_requests::acknowledged_at.eq(now))
        .execute(conn)?;
    }
    if status == "resolved" {
        diesel::update(service_requests::table.find(id))
            .set((
                service_requests::resolved_at.eq(now),
                service_requests::resolution_notes.eq(note),
            ))
            .execute(conn)?;
    }
    add_event(conn, id, status, note)
}

/// How many requests came from this IP, and to this site, since `since`.
pub fn recent_counts(
    conn: &mut PgConnection,
    ip: &str,
    site_id: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<(i64, i64)> {
    let by_ip = service_requests::table
        .filter(service_requests::submitted_ip.eq(ip))
        .filter(service_requests::created_at.gt(since))
        .count()
        .get_result(conn)?;
    let by_site = service_requests::table
        .filter(service_requests::site_id.eq(site_id))
        .filter(service_requests::created_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_ip, by_site))
}

/// A row of the triage queue.
#[derive(Debug, Clone, Queryable)]
pub struct QueueRow {
    pub id: Uuid,
    pub reference: String,
    pub subject: String,
    pub request_type: String,
    pub priority: String,
    pub status: String,
    pub entrapment: bool,
    pub created_at: DateTime<Utc>,
    pub satisfaction_rating: Option<i32>,
    pub site_name: String,
    pub unit_number: Option<String>,
    pub contact_name: Option<String>,
}

impl QueueRow {
    pub fn status_label(&self) -> &str {
        label(STATUSES, &self.status)
    }

    pub fn badge(&self) -> &'static str {
        status_badge(&self.status)
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct QueueQuery {
    pub status: String,
    pub site: String,
    pub request_type: String,
    pub priority: String,
    /// "yes" or "no"
    pub rated: String,
    #[serde(skip_serializing)]
    pub page: Option<i64>,
}

type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::LeftJoin<
        diesel::dsl::InnerJoin<service_requests::table, sites::table>,
        elevators::table,
    >,
    diesel::pg::Pg,
>;

fn filtered<'a>(query: &'a QueueQuery, tenant: Option<Uuid>) -> Boxed<'a> {
    let mut q = service_requests::table
        .inner_join(sites::table)
        .left_join(elevators::table)
        .into_boxed();
    if let Some(tenant) = tenant {
        q = q.filter(service_requests::tenant_id.eq(tenant));
    }
    match query.status.as_str() {
        "" => {}
        "active" => {
            q = q.filter(service_requests::status.eq_any(["open", "acknowledged", "in_progress"]))
        }
        status => q = q.filter(service_requests::status.eq(status)),
    }
    if let Ok(site) = Uuid::parse_str(&query.site) {
        q = q.filter(service_requests::site_id.eq(site));
    }
    if !query.request_type.is_empty() {
        q = q.filter(service_requests::request_type.eq(&query.request_type));
    }
    if !query.priority.is_empty() {
        q = q.filter(service_requests::priority.eq(&query.priority));
    }
    match query.rated.as_str() {
        "yes" => q = q.filter(service_requests::satisfaction_rating.is_not_null()),
        "no" => q = q.filter(service_requests::satisfaction_rating.is_null()),
        _ => {}
    }
    q
}

pub fn count(
    conn: &mut PgConnection,
    query: &QueueQuery,
    tenant: Option<Uuid>,
) -> QueryResult<i64> {
    filtered(query, tenant).count().get_result(conn)
}

pub fn page(
    conn: &mut PgConnection,
    query: &QueueQuery,
    tenant: Option<Uuid>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    filtered(query, tenant)
        .order((
            service_requests::entrapment.desc(),
            service_requests::created_at.desc(),
            service_requests::id,
        ))
        .offset(offset)
        .limit(limit)
        .select((
            service_requests::id,
            service_requests::reference,
            service_requests::subject,
            service_requests::request_type,
            service_requests::priority,
            service_requests::status,
            service_requests::entrapment,
            service_requests::created_at,
            service_requests::satisfaction_rating,
            sites::name,
            elevators::unit_number.nullable(),
            service_requests::contact_name,
        ))
        .load(conn)
}

/// Requests that follow a work order.
pub fn for_work_order(
    conn: &mut PgConnection,
    work_order_id: Uuid,
) -> QueryResult<Vec<(Uuid, String)>> {
    service_requests::table
        .filter(service_requests::assigned_work_order_id.eq(work_order_id))
        .select((service_requests::id, service_requests::status))
        .load(conn)
}

pub fn link_work_order(
    conn: &mut PgConnection,
    id: Uuid,
    work_order_id: Uuid,
) -> QueryResult<usize> {
    diesel::update(service_requests::table.find(id))
        .set(service_requests::assigned_work_order_id.eq(work_order_id))
        .execute(conn)
}

// ---- Tenants ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenants)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Tenant {
    pub id: Uuid,
    pub site_id: Uuid,
    pub name: String,
    pub unit_number: Option<String>,
    pub floor: Option<String>,
    pub primary_contact_name: Option<String>,
    pub primary_contact_email: Option<String>,
    pub primary_contact_phone: Option<String>,
    pub portal_account_id: Option<Uuid>,
    pub is_active: bool,
    pub move_in_date: Option<NaiveDate>,
    pub move_out_date: Option<NaiveDate>,
}

pub fn tenants(
    conn: &mut PgConnection,
    site: Option<Uuid>,
    search: &str,
    include_inactive: bool,
) -> QueryResult<Vec<(Tenant, String)>> {
    let mut q = tenants::table.inner_join(sites::table).into_boxed();
    if let Some(site) = site {
        q = q.filter(tenants::site_id.eq(site));
    }
    if !include_inactive {
        q = q.filter(tenants::is_active.eq(true));
    }
    if !search.trim().is_empty() {
        let pattern = crate::db::contains_pattern(search.trim());
        q = q.filter(
            tenants::name
                .ilike(pattern.clone())
                .or(tenants::primary_contact_name.ilike(pattern.clone()))
                .or(tenants::primary_contact_email.ilike(pattern)),
        );
    }
    q.order((sites::name, static_sql::<Text>("lower(tenants.name)")))
        .limit(500)
        .select((Tenant::as_select(), sites::name))
        .load(conn)
}

pub fn tenant(conn: &mut PgConnection, id: Uuid) -> QueryResult<Tenant> {
    tenants::table
        .find(id)
        .select(Tenant::as_select())
        .first(conn)
}

/// Recent requests of a site, for its page.
pub fn recent_for_site(
    conn: &mut PgConnection,
    site: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    service_requests::table
        .filter(service_requests::site_id.eq(site))
        .filter(service_requests::created_at.gt(since))
        .count()
        .get_result(conn)
}

pub fn ten_minutes_ago() -> DateTime<Utc> {
    Utc::now() - Duration::minutes(10)
}
