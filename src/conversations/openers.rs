//! The "Conversation" buttons of a work order, a fault report (the managers' page and the
//! tenant's portal) and a job application (the employer's page and the applicant's). Each finds
//! the context through its own pages' rules, then opens its thread and goes there.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::context::Context;
use super::operations::{self, thread_path, Sides};
use super::queries::NewThread;
use crate::auth::identity::Viewer;
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::jobs::model::Audience;
use crate::jobs::operations as jobs;
use crate::jobs::queries::applications as job_applications;
use crate::orgs::OrgScope;
use crate::service_requests::queries as requests;
use crate::web::{see_other, AppError};
use crate::work_orders::queries as orders;
use crate::AppState;

/// What a context's page learned about it.
struct Found {
    context: Context,
    organization_id: Uuid,
    context_id: Uuid,
    subject: String,
    member_link: String,
    party_link: String,
    sides: Sides,
}

async fn open(state: &AppState, opener: Uuid, found: Found) -> Result<HttpResponse, AppError> {
    let id = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let new = NewThread {
                context: found.context,
                organization_id: found.organization_id,
                context_id: found.context_id,
                subject: &found.subject,
                member_link: &found.member_link,
                party_link: &found.party_link,
                created_by: opener,
            };
            Ok(operations::open_thread(conn, opener, &new, found.sides)?)
        })
        .await?;
    Ok(see_other(thread_path(id)))
}

fn opener(scope: &OrgScope) -> Result<Uuid, AppError> {
    Ok(scope.viewer.require_account()?.id)
}

pub async fn work_order(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let found = scope
        .read(move |conn, ctx| {
            let order = orders::find(conn, id)?;
            let assignee = match order.assigned_contractor_id {
                Some(contractor) => contractors::find(conn, contractor)?.account_id,
                None => None,
            };
            let link = format!("/o/{slug}/work-orders/{id}");
            Ok(Found {
                context: Context::WorkOrder,
                organization_id: ctx.org.id,
                context_id: id,
                subject: format!("{} {}", order.work_order_number, order.title),
                party_link: link.clone(),
                member_link: link,
                sides: Sides::WorkOrder { assignee },
            })
        })
        .await?;
    open(&state, opener(&scope)?, found).await
}

fn fault_report(
    request: &requests::ServiceRequest,
    organization_id: Uuid,
    slug: &str,
    by_tenant: bool,
) -> Found {
    Found {
        context: Context::ServiceRequest,
        organization_id,
        context_id: request.id,
        subject: format!("{} {}", request.reference, request.subject),
        member_link: format!("/o/{slug}/service-requests/{}", request.id),
        party_link: format!("/o/{slug}/portal"),
        sides: Sides::FaultReport {
            tenant: request.tenant_id,
            by_tenant,
        },
    }
}

/// A fault report's thread, from the managers' page (any report) or the tenant's portal (only
/// the tenant's own: another's is not found).
async fn fault_report_thread(
    scope: OrgScope,
    state: web::Data<AppState>,
    id: Uuid,
) -> Result<HttpResponse, AppError> {
    let tenant = scope.tenant_id();
    let permission = if tenant.is_some() {
        Permission::TenantPortal
    } else {
        Permission::ManageServiceRequests
    };
    let slug = scope.slug().to_string();
    let found = scope
        .run(permission, move |conn, ctx| {
            let request = requests::find(conn, id)?;
            if tenant.is_some() && request.tenant_id != tenant {
                return Err(AppError::NotFound);
            }
            Ok(fault_report(&request, ctx.org.id, &slug, tenant.is_some()))
        })
        .await?;
    open(&state, opener(&scope)?, found).await
}

pub async fn service_request(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    fault_report_thread(scope, state, path.into_inner().1).await
}

pub async fn portal_request(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    if scope.tenant_id().is_none() {
        return Err(AppError::NotFound);
    }
    fault_report_thread(scope, state, path.into_inner().1).await
}

/// From the employer's page of an application.
pub async fn employer_application(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let audience = Audience::of(Some(account));
    let (slug, id) = path.into_inner();
    let found = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (job, applicant, name) =
                jobs::pipeline::application_for_employer(conn, &audience, &slug, id)?;
            Ok(Found {
                context: Context::JobApplication,
                organization_id: job.organization_id,
                context_id: id,
                subject: format!("{name} for {}", job.title),
                member_link: format!("/jobs/{slug}/applications/{id}"),
                party_link: format!("/applications/{id}"),
                sides: Sides::JobApplication {
                    applicant,
                    by_applicant: false,
                },
            })
        })
        .await?;
    open(&state, account.id, found).await
}

/// From the applicant's own page of their application.
pub async fn own_application(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let (applicant, name) = (account.id, account.display_name.clone());
    let id = path.into_inner();
    let found = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let (_, job) = job_applications::own_application(conn, applicant, id)?;
            Ok(Found {
                context: Context::JobApplication,
                organization_id: job.organization_id,
                context_id: id,
                subject: format!("{name} for {}", job.title),
                member_link: format!("/jobs/{}/applications/{id}", job.slug),
                party_link: format!("/applications/{id}"),
                sides: Sides::JobApplication {
                    applicant,
                    by_applicant: true,
                },
            })
        })
        .await?;
    open(&state, applicant, found).await
}
