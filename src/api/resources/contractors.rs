//! `/api/v1/contractors`: the people and companies work orders are assigned to.

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
use crate::contractors::forms::ContractorListQuery;
use crate::contractors::queries::{self as contractors, Contractor};

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractorOut {
    pub id: Uuid,
    pub contractor_type: String,
    pub company_name: Option<String>,
    pub contact_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub license_number: Option<String>,
    pub license_expiry: Option<NaiveDate>,
    pub insurance_expiry: Option<NaiveDate>,
    pub specializations: Vec<String>,
    /// Per hour, in the organization's currency, as a decimal string.
    pub hourly_rate: Option<String>,
    pub is_active: bool,
    pub is_preferred: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Contractor> for ContractorOut {
    fn from(c: Contractor) -> Self {
        ContractorOut {
            id: c.id,
            contractor_type: c.contractor_type,
            company_name: c.company_name,
            contact_name: c.contact_name,
            email: c.email,
            phone: c.phone,
            city: c.city,
            state: c.state,
            license_number: c.license_number,
            license_expiry: c.license_expiry,
            insurance_expiry: c.insurance_expiry,
            specializations: c.specializations.into_iter().flatten().collect(),
            hourly_rate: c.hourly_rate.map(|r| r.to_string()),
            is_active: c.is_active,
            is_preferred: c.is_preferred,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// Contractors in creation order, filtered as the contractor list filters them.
#[utoipa::path(get, path = "/api/v1/contractors", tag = "Contractors",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 200 (50)"),
        ("q" = Option<String>, Query), ("contractor_type" = Option<String>, Query),
        ("specialization" = Option<String>, Query),
        ("active" = Option<String>, Query, description = "active (default), inactive or all"),
    ),
    responses((status = 200, body = Page<ContractorOut>), (status = "4XX", body = Problem)),
    security(("api_key" = ["contractors:read"])))]
pub async fn list(
    client: ApiClient,
    paging: web::Query<Paging>,
    filters: web::Query<ContractorListQuery>,
) -> Result<HttpResponse, ApiError> {
    respond::list(
        &client,
        Scope::ContractorsRead,
        paging.into_inner(),
        move |conn, ask| {
            let today = Utc::now().date_naive();
            contractors::in_creation_order(conn, &filters, today, ask.after, ask.limit)
        },
        |c| (c.created_at, c.id),
        ContractorOut::from,
    )
    .await
}

/// One contractor.
#[utoipa::path(get, path = "/api/v1/contractors/{id}", tag = "Contractors",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ContractorOut), (status = "4XX", body = Problem)),
    security(("api_key" = ["contractors:read"])))]
pub async fn show(client: ApiClient, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let contractor = client
        .run(Scope::ContractorsRead, move |conn, _| {
            Ok(contractors::find(conn, id)?)
        })
        .await?;
    Ok(with_etag(
        StatusCode::OK,
        &etag_at(contractor.updated_at),
        &ContractorOut::from(contractor),
    ))
}
