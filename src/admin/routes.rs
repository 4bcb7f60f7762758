//! `/admin/organizations`: every organization, with suspend, reinstate, and deletion with
//! its grace period.

use crate::web::local_time::filters;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

use crate::admin::audit::PlatformActor;
use crate::auth::identity::Viewer;
use crate::db::schema_public::{memberships, organizations};
use crate::orgs::deletion;
use crate::web::forms::optional;
use crate::web::{render, AppError, Layout};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, Queryable)]
struct OrgRow {
    id: Uuid,
    name: String,
    slug: String,
    organization_type: String,
    created_at: DateTime<Utc>,
    suspended_at: Option<DateTime<Utc>>,
    purge_after: Option<DateTime<Utc>>,
    members: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    q: String,
    rows: Vec<OrgRow>,
    total: i64,
    page: i64,
    pages: i64,
}

pub async fn organizations(
    viewer: Viewer,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let q = optional(&query.q).unwrap_or_default();
    let page = query.page.unwrap_or(1).max(1);
    let search = q.clone();
    let (rows, total) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let filter = || {
                let mut query = organizations::table
                    .filter(organizations::deleted_at.is_null())
                    .into_boxed();
                if !search.is_empty() {
                    let pattern = crate::db::contains_pattern(&search);
                    query = query.filter(
                        organizations::name
                            .ilike(pattern.clone())
                            .or(organizations::slug.ilike(pattern)),
                    );
                }
                query
            };
            let total: i64 = filter().count().get_result(conn)?;
            let member_count = memberships::table
                .filter(memberships::organization_id.eq(organizations::id))
                .count()
                .single_value()
                .assume_not_null();
            let rows = filter()
                .order(organizations::name)
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
                .select((
                    organizations::id,
                    organizations::name,
                    organizations::slug,
                    organizations::organization_type,
                    organizations::created_at,
                    organizations::suspended_at,
                    organizations::purge_after,
                    member_count,
                ))
                .load::<OrgRow>(conn)?;
            Ok((rows, total))
        })
        .await?;
    render(&OrganizationsPage {
        layout: viewer.layout("Organizations").section("admin"),
        q,
        rows,
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

async fn set_suspended(
    viewer: Viewer,
    state: web::Data<AppState>,
    id: Uuid,
    suspend: bool,
) -> Result<HttpResponse, AppError> {
    viewer.require_platform_admin()?;
    let name = state
        .db
        .run(move |conn| -> Result<String, AppError> {
            let when = suspend.then(Utc::now);
            Ok(diesel::update(organizations::table.find(id))
                .set((
                    organizations::suspended_at.eq(when),
                    organizations::updated_at.eq(Utc::now()),
                ))
                .returning(organizations::name)
                .get_result(conn)?)
        })
        .await?;
    viewer.flash(
        "success",
        if suspend {
            format!("{name} is suspended: its members now see a suspension notice.")
        } else {
            format!("{name} is active again.")
        },
    );
    Ok(back_to_list())
}

pub async fn suspend(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    set_suspended(viewer, state, path.into_inner(), true).await
}

pub async fn unsuspend(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    set_suspended(viewer, state, path.into_inner(), false).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    /// The organization's web address, typed again: deleting is not a misclick.
    confirm: String,
}

fn slug_of(conn: &mut PgConnection, id: Uuid) -> Result<String, AppError> {
    organizations::table
        .find(id)
        .filter(organizations::deleted_at.is_null())
        .select(organizations::slug)
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub async fn delete(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let admin = viewer.require_platform_admin()?;
    let actor = PlatformActor::account(admin.id, &admin.email);
    let zone = crate::web::local_time::zone(&admin.timezone);
    let id = path.into_inner();
    let confirm = form.into_inner().confirm.trim().to_string();
    let (slug, purge_after) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let slug = slug_of(conn, id)?;
            if confirm != slug {
                return Err(AppError::BadRequest(format!(
                    "Type the web address “{slug}” to confirm the deletion; nothing was deleted."
                )));
            }
            let purge_after = deletion::schedule(conn, &slug, &actor)?;
            Ok((slug, purge_after))
        })
        .await?;
    viewer.flash(
        "success",
        format!(
            "{slug} is suspended and will be deleted for good on {} unless restored before.",
            crate::web::local_time::date(&purge_after, &zone)
        ),
    );
    Ok(back_to_list())
}

pub async fn restore(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let admin = viewer.require_platform_admin()?;
    let actor = PlatformActor::account(admin.id, &admin.email);
    let id = path.into_inner();
    let slug = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let slug = slug_of(conn, id)?;
            deletion::restore(conn, &slug, &actor)?;
            Ok(slug)
        })
        .await?;
    viewer.flash(
        "success",
        format!("{slug} is no longer scheduled for deletion and is active again."),
    );
    Ok(back_to_list())
}

fn back_to_list() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/admin/organizations"))
        .finish()
}
