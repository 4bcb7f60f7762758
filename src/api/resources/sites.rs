//! `/api/v1/sites`: the site list a building-management system pulls, with the pages' filters.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::ApiClient;
use crate::api::problem::{ApiError, Problem};
use crate::api::respond::{self, etag_at, with_etag, Page, Paging};
use crate::api::scopes::Scope;
use crate::sites::forms::SiteListQuery;
use crate::sites::queries::{self as sites, Site};

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteOut {
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
    /// The IANA zone the site's times are read in.
    pub timezone: String,
    pub floors_count: Option<i32>,
    pub lift_count: i32,
    pub lifts_not_operational: i32,
    pub health_score: Option<i32>,
    pub next_inspection_due: Option<NaiveDate>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Site> for SiteOut {
    fn from(s: Site) -> Self {
        SiteOut {
            id: s.id,
            name: s.name,
            code: s.code,
            site_type: s.site_type,
            address_line1: s.address_line1,
            address_line2: s.address_line2,
            city: s.city,
            state: s.state,
            postal_code: s.postal_code,
            country: s.country,
            timezone: s.timezone,
            floors_count: s.floors_count,
            lift_count: s.lift_count,
            lifts_not_operational: s.lifts_not_operational,
            health_score: s.health_score,
            next_inspection_due: s.next_inspection_due,
            archived: s.deleted_at.is_some(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Sites in creation order, filtered as the site list filters them.
#[utoipa::path(get, path = "/api/v1/sites", tag = "Sites",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (50)"),
        ("q" = Option<String>, Query, description = "Words in the name, code, address or city"),
        ("site_type" = Option<String>, Query), ("state" = Option<String>, Query), ("city" = Option<String>, Query),
        ("out_of_service" = Option<String>, Query, description = "1: only sites with a lift not operational"),
        ("overdue" = Option<String>, Query, description = "1: only sites with an overdue inspection"),
        ("archived" = Option<String>, Query, description = "1: archived sites instead of current ones"),
    ),
    responses((status = 200, body = Page<SiteOut>), (status = "4XX", body = Problem)),
    security(("api_key" = ["sites:read"])))]
pub async fn list(
    client: ApiClient,
    paging: web::Query<Paging>,
    filters: web::Query<SiteListQuery>,
) -> Result<HttpResponse, ApiError> {
    respond::list(
        &client,
        Scope::SitesRead,
        paging.into_inner(),
        move |conn, ask| sites::in_creation_order(conn, &filters, ask.after, ask.limit),
        |s| (s.created_at, s.id),
        SiteOut::from,
    )
    .await
}

/// One site.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "Sites",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SiteOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["sites:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let site = client
        .run(Scope::SitesRead, move |conn, _| Ok(sites::find(conn, id)?))
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        &etag_at(site.updated_at),
        &SiteOut::from(site),
    ))
}
