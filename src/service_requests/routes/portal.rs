//! The tenant portal: a tenant's own requests, a new request, and rating a resolved one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::service_requests::forms::{RatingForm, ReportForm};
use crate::service_requests::operations::{self, ReportError};
use crate::service_requests::queries as sr;
use crate::service_requests::views;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::work_orders::operations::Acting;

fn portal_tenant(scope: &OrgScope) -> Result<Uuid, AppError> {
    scope.tenant_id().ok_or_else(|| {
        AppError::Forbidden(
            "The portal is for building tenants. Staff use the service-request queue.".into(),
        )
    })
}

async fn portal_page(
    scope: &OrgScope,
    status: StatusCode,
    form: ReportForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let tenant_id = portal_tenant(scope)?;
    let (tenant, site_name, site_zone, lifts, requests) = scope
        .run(Permission::TenantPortal, move |conn, _| {
            let tenant = sr::tenant(conn, tenant_id)?;
            let (site_name, site_zone) = sr::site_place(conn, tenant.site_id)?;
            let lifts = sr::current_lifts(conn, tenant.site_id)?;
            let requests = sr::for_tenant(conn, tenant_id, 100)?;
            Ok((tenant, site_name, site_zone, lifts, requests))
        })
        .await?;
    render_status(
        status,
        &views::PortalPage {
            layout: scope.layout("Your requests", "portal"),
            slug: scope.slug().to_string(),
            tenant,
            site_name,
            site_zone,
            lifts,
            requests,
            form,
            errors,
        },
    )
}

pub async fn portal(scope: OrgScope) -> Result<HttpResponse, AppError> {
    portal_page(
        &scope,
        StatusCode::OK,
        ReportForm {
            request_type: "issue_report".into(),
            ..Default::default()
        },
        FieldErrors::default(),
    )
    .await
}
pub async fn portal_request(
    scope: OrgScope,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let tenant_id = portal_tenant(&scope)?;
    let form = form.into_inner();
    let report = match form.validate() {
        Ok(report) => report,
        Err(errors) => {
            return portal_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
    };
    let outcome = scope
        .run(Permission::TenantPortal, move |conn, ctx| {
            operations::submit_portal_request(conn, &Acting::member(ctx), tenant_id, &report)
                .map_err(|e| match e {
                    ReportError::Invalid(errors) => AppError::Rejected(errors),
                    ReportError::Failed(error) => error,
                    // The portal has no limits: its senders are the organization's tenants.
                    limit => AppError::Conflict(limit.to_string()),
                })
        })
        .await;
    match outcome {
        Ok(request) => {
            scope.viewer.flash(
                "success",
                format!("Request {} was sent.", request.reference),
            );
            Ok(see_other(format!("/o/{}/portal", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => {
            portal_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn portal_rate(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<RatingForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let tenant_id = portal_tenant(&scope)?;
    let rating = form.validate().map_err(AppError::BadRequest)?;
    scope
        .run(Permission::TenantPortal, move |conn, ctx| {
            operations::rate(conn, &Acting::member(ctx), tenant_id, id, &rating)
        })
        .await?;
    scope.viewer.flash("success", "Thank you for your rating.");
    Ok(see_other(format!("/o/{}/portal", scope.slug())))
}
