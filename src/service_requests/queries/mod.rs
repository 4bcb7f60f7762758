//! Service requests (fault reports from occupants), tenants, and the public report links.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::db::schema_org::{service_request_counters, service_request_events, service_requests};
use crate::db::schema_public::organizations;

pub mod queue;
pub mod targets;
pub mod tenants;

pub use queue::{count, page, QueueQuery, QueueRow};
pub use targets::{
    current_lifts, find_target, lift_unit, report_link, site_place, site_target, LinkLabel,
    ReportLink, ReportTarget,
};
pub use tenants::{tenant, tenants, Tenant};

pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
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

/// A tenant's own requests (someone trapped first, then the newest), each with its events,
/// in two queries.
pub fn for_tenant(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    limit: i64,
) -> QueryResult<Vec<(ServiceRequest, Vec<Event>)>> {
    let requests: Vec<ServiceRequest> = service_requests::table
        .filter(service_requests::tenant_id.eq(tenant_id))
        .order((
            service_requests::entrapment.desc(),
            service_requests::created_at.desc(),
            service_requests::id,
        ))
        .limit(limit)
        .select(ServiceRequest::as_select())
        .load(conn)?;
    let ids: Vec<Uuid> = requests.iter().map(|r| r.id).collect();
    let rows: Vec<(Uuid, String, Option<String>, DateTime<Utc>)> = service_request_events::table
        .filter(service_request_events::service_request_id.eq_any(&ids))
        .order(service_request_events::created_at)
        .select((
            service_request_events::service_request_id,
            service_request_events::status,
            service_request_events::note,
            service_request_events::created_at,
        ))
        .load(conn)?;
    let mut events: HashMap<Uuid, Vec<Event>> = HashMap::new();
    for (id, status, note, at) in rows {
        events.entry(id).or_default().push((status, note, at));
    }
    Ok(requests
        .into_iter()
        .map(|request| {
            let own = events.remove(&request.id).unwrap_or_default();
            (request, own)
        })
        .collect())
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<ServiceRequest> {
    service_requests::table
        .find(id)
        .select(ServiceRequest::as_select())
        .first(conn)
}

/// The request, locked until the transaction ends: triage actions on one request queue.
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<ServiceRequest> {
    service_requests::table
        .find(id)
        .select(ServiceRequest::as_select())
        .for_update()
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

/// Reports of someone trapped in lift `elevator_id` sent from `ip` since `since`.
pub fn recent_entrapments(
    conn: &mut PgConnection,
    ip: &str,
    elevator_id: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    service_requests::table
        .filter(service_requests::submitted_ip.eq(ip))
        .filter(service_requests::created_at.gt(since))
        .filter(service_requests::elevator_id.eq(elevator_id))
        .filter(service_requests::entrapment.eq(true))
        .count()
        .get_result(conn)
}

/// The organization's contact phone from its settings, if it has one.
pub fn organization_phone(
    conn: &mut PgConnection,
    organization_id: Uuid,
) -> QueryResult<Option<String>> {
    organizations::table
        .find(organization_id)
        .select(organizations::contact_phone)
        .first(conn)
}

/// The accounts that hear about every new request: members whose role triages requests.
pub fn triagers(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Vec<Uuid>> {
    crate::members::queries::with_permission(
        conn,
        organization_id,
        Permission::ManageServiceRequests,
    )
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
