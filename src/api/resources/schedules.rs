//! `/api/v1/schedules`: preventive-maintenance schedules and their coming visits, for the
//! systems that plan around them.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::ApiClient;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::{self, Page, Paging};
use crate::api::scopes::Scope;
use crate::maintenance::model::{Frequency, Schedule};
use crate::maintenance::queries as maintenance;
use crate::work_orders::status::{Priority, WorkOrderType};

/// How many visits a schedule's page lists.
const VISITS: i64 = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleOut {
    pub id: Uuid,
    pub elevator_id: Uuid,
    pub site_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub frequency: Frequency,
    /// Every how many of `frequency` (weeks, months, trips, hours, …).
    pub every: i32,
    /// In words, as the schedule page says it.
    pub summary: String,
    pub assigned_contractor_id: Option<Uuid>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub next_due_on: Option<NaiveDate>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Schedule> for ScheduleOut {
    fn from(s: Schedule) -> Self {
        ScheduleOut {
            summary: s.describe(),
            id: s.id,
            elevator_id: s.elevator_id,
            site_id: s.site_id,
            name: s.name,
            description: s.description,
            work_type: s.work_type,
            priority: s.priority,
            frequency: s.frequency,
            every: s.every,
            assigned_contractor_id: s.assigned_contractor_id,
            start_date: s.start_date,
            end_date: s.end_date,
            next_due_on: s.next_due_on,
            is_active: s.is_active,
            created_at: s.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitOut {
    pub id: Uuid,
    pub planned_on: NaiveDate,
    pub due_on: NaiveDate,
    /// planned, raised, skipped or done.
    pub status: String,
    pub late: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleDetail {
    pub schedule: ScheduleOut,
    /// The most recent and coming visits, latest first.
    pub visits: Vec<VisitOut>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScheduleFilters {
    #[serde(default)]
    pub elevator: Option<Uuid>,
    #[serde(default)]
    pub site: Option<Uuid>,
    #[serde(default)]
    pub state: String,
}

/// Schedules in creation order, of a lift or a site when given.
#[utoipa::path(get, path = "/api/v1/schedules", tag = "Maintenance",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (50)"),
        ("elevator" = Option<Uuid>, Query), ("site" = Option<Uuid>, Query),
        ("state" = Option<String>, Query, description = "active (default), paused or all"),
    ),
    responses((status = 200, body = Page<ScheduleOut>), (status = "4XX", body = Problem)),
    security(("api_key" = ["schedules:read"])))]
pub async fn list(
    client: ApiClient,
    paging: web::Query<Paging>,
    filters: web::Query<ScheduleFilters>,
) -> Result<HttpResponse, ApiError> {
    respond::list(
        &client,
        Scope::SchedulesRead,
        paging.into_inner(),
        move |conn, ask| {
            maintenance::in_creation_order(
                conn,
                filters.elevator,
                filters.site,
                &filters.state,
                ask.after,
                ask.limit,
            )
        },
        |s| (s.created_at, s.id),
        ScheduleOut::from,
    )
    .await
}

/// One schedule with its recent and coming visits.
#[utoipa::path(get, path = "/api/v1/schedules/{id}", tag = "Maintenance",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ScheduleDetail), (status = "4XX", body = Problem)),
    security(("api_key" = ["schedules:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let detail = client
        .run(Scope::SchedulesRead, move |conn, _| {
            let schedule = maintenance::find(conn, id)?;
            let visits = maintenance::visits_of(conn, schedule.id, VISITS)?
                .into_iter()
                .map(|v| VisitOut {
                    id: v.id,
                    planned_on: v.planned_on,
                    due_on: v.due_on,
                    status: v.status,
                    late: v.late,
                })
                .collect();
            Ok(ScheduleDetail {
                schedule: schedule.into(),
                visits,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}
