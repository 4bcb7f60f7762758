//! Organization pages that belong to no single feature.

use actix_web::HttpResponse;
use askama::Template;

use super::context::OrgScope;
use crate::auth::roles::Permission;
use crate::sites;
use crate::web::{render, AppError, Layout};

#[derive(Template)]
#[template(path = "orgs/home.html")]
struct OrgHomePage {
    layout: Layout,
    name: String,
    site_count: i64,
}

pub async fn home(scope: OrgScope) -> Result<HttpResponse, AppError> {
    // Building occupants have only their portal.
    if scope.role() == crate::auth::roles::Role::Tenant {
        return Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/o/{}/portal", scope.slug())))
            .finish());
    }
    let (name, site_count) = scope
        .run(Permission::View, |conn, ctx| {
            Ok((ctx.org.name.clone(), sites::queries::count_active(conn)?))
        })
        .await?;
    render(&OrgHomePage {
        layout: scope.layout(name.clone(), "org_home"),
        name,
        site_count,
    })
}
