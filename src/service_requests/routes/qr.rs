//! Printable QR codes of the public report links, and new links to retire old ones.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::service_requests::operations;
use crate::service_requests::queries::{self as sr, ReportLink};
use crate::service_requests::views::{qr_svg, QrPage};
use crate::web::{render, see_other, AppError};
use crate::work_orders::operations::Acting;
use crate::AppState;

async fn qr_page(
    scope: OrgScope,
    state: web::Data<AppState>,
    link: ReportLink,
) -> Result<HttpResponse, AppError> {
    let label = scope
        .read(move |conn, _| Ok(sr::report_link(conn, link)?))
        .await?;
    let (title, heading) = match &label.unit {
        Some(unit) => (
            format!("{} — {unit}", label.site_name),
            format!("Report a problem with {unit}"),
        ),
        None => (
            label.site_name.clone(),
            format!("Report a problem with a lift at {}", label.site_name),
        ),
    };
    let url = format!(
        "{}/report/{}/{}",
        state.config.link_base(),
        scope.slug(),
        label.token
    );
    let (site, lift) = match link {
        ReportLink::Site(site) => (Some(site), None),
        ReportLink::Lift(lift) => (None, Some(lift)),
    };
    render(&QrPage {
        layout: scope.layout(format!("QR code — {title}"), "sites"),
        slug: scope.slug().to_string(),
        title,
        heading,
        svg: qr_svg(&url)?,
        url,
        site,
        lift,
        can_regenerate: scope.can(Permission::ManageSites),
    })
}

pub async fn site_qr(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    qr_page(scope, state, ReportLink::Site(path.into_inner().1)).await
}

pub async fn lift_qr(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    qr_page(scope, state, ReportLink::Lift(path.into_inner().1)).await
}

async fn regenerate(scope: OrgScope, link: ReportLink) -> Result<HttpResponse, AppError> {
    scope
        .run(Permission::ManageSites, move |conn, ctx| {
            operations::regenerate_report_link(conn, &Acting::member(ctx), link)
        })
        .await?;
    scope.viewer.flash("success", "A new report link was made. The old link and its printed codes no longer work: print the new code.");
    let location = match link {
        ReportLink::Lift(lift) => format!("/o/{}/elevators/{lift}/qr", scope.slug()),
        ReportLink::Site(site) => format!("/o/{}/sites/{site}/qr", scope.slug()),
    };
    Ok(see_other(location))
}

pub async fn regenerate_site(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    regenerate(scope, ReportLink::Site(path.into_inner().1)).await
}

pub async fn regenerate_lift(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    regenerate(scope, ReportLink::Lift(path.into_inner().1)).await
}
