//! The triage queue and a tenant's list of requests.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::{label, status_badge, STATUSES};
use crate::db::schema_org::{elevators, service_requests, sites};

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
    /// The site's time zone, in which the request's times read.
    pub site_timezone: String,
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
            sites::timezone,
            elevators::unit_number.nullable(),
            service_requests::contact_name,
        ))
        .load(conn)
}
