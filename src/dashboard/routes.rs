//! Dashboard pages: the organization's home and the health-score help page.

use actix_web::HttpResponse;
use chrono::Utc;

use super::queries;
use super::views::{self, DashboardPage, HealthHelpPage};
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::{render, AppError};

pub async fn home(scope: OrgScope) -> Result<HttpResponse, AppError> {
    // Building occupants have only their portal.
    if scope.role() == crate::auth::roles::Role::Tenant {
        return Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/o/{}/portal", scope.slug())))
            .finish());
    }
    let now = Utc::now();
    let (name, dashboard) = scope
        .read(move |conn, ctx| Ok((ctx.org.name.clone(), queries::load(conn, ctx.org.id, now)?)))
        .await?;
    let charts = vec![
        views::weekly_chart(&dashboard.figures.weekly),
        views::repair_time_chart(&dashboard.figures.repair_time),
        views::manufacturer_chart(&dashboard.figures.manufacturers),
        views::status_chart(&dashboard),
        crate::maintenance::views::completion_chart(&dashboard.figures.maintenance_months),
    ];
    render(&DashboardPage {
        layout: scope.layout(name.clone(), "org_home"),
        slug: scope.slug().to_string(),
        name,
        dashboard,
        charts,
        now,
    })
}

pub async fn health_help(scope: OrgScope) -> Result<HttpResponse, AppError> {
    scope.require(Permission::View)?;
    render(&HealthHelpPage {
        layout: scope.layout("How the health score works", "org_home"),
        slug: scope.slug().to_string(),
    })
}
