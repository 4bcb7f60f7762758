//! Site pages: list, new, detail, edit, archive and restore, access codes, CSV export.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::forms::{SiteForm, SiteListQuery, SITE_TYPES};
use super::queries::{self, Site, WriteError};
use super::views::{
    AccessCodesFragment, ArchivePage, SiteDetailPage, SiteFormPage, SiteListPage, SiteListResults,
};
use super::{access_codes, csv};
use crate::audit::{self, queries as audit_queries, AuditEvent};
use crate::auth::roles::Permission;
use crate::elevators::queries as elevators;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{csv_response, render, render_status, see_other, AppError, Htmx};
use crate::AppState;

const PER_PAGE: i64 = 25;

fn export_href(slug: &str, query: &SiteListQuery) -> String {
    let params = serde_urlencoded::to_string(query).unwrap_or_default();
    let params: Vec<&str> = params.split('&').filter(|p| !p.ends_with('=')).collect();
    format!("/o/{slug}/sites/export.csv?{}", params.join("&"))
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<SiteListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/sites", scope.slug());
    let (rows, pagination, states, cities) = {
        let query = query.clone();
        scope
            .read(move |conn, ctx| {
                let total = queries::count(conn, &query)?;
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                let rows = queries::page(conn, &query, pagination.offset(), PER_PAGE)?;
                let (states, cities) = ctx.choices.get("site states and cities", || {
                    queries::states_and_cities(conn)
                })?;
                Ok((rows, pagination, states, cities))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    let export_href = export_href(&slug, &query);
    let can_manage = scope.can(Permission::ManageSites);
    if htmx.is_fragment() {
        return render(&SiteListResults {
            slug,
            query,
            rows,
            pagination,
            can_manage,
            export_href,
        });
    }
    render(&SiteListPage {
        layout: scope.layout("Sites", "sites"),
        slug,
        query,
        rows,
        pagination,
        states,
        cities,
        site_types: SITE_TYPES,
        can_manage,
        export_href,
    })
}

pub async fn export(
    scope: OrgScope,
    query: web::Query<SiteListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = crate::web::local_time::today(&scope.viewer.zone(Some(scope.slug())));
    let sites = scope
        .read(move |conn, _| Ok(queries::all_matching(conn, &query)?))
        .await?;
    let body = csv::export(&sites).map_err(AppError::internal)?;
    Ok(csv_response(&format!("sites-{}.csv", today), body))
}

pub async fn new_form(scope: OrgScope) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageSites)?;
    let form = SiteForm {
        site_type: "commercial".into(),
        country: "Australia".into(),
        timezone: "Australia/Sydney".into(),
        access_codes_shown: "1".into(),
        ..Default::default()
    };
    render(&SiteFormPage::new(
        scope.layout("New site", "sites"),
        scope.slug(),
        None,
        form,
        FieldErrors::default(),
        true,
    ))
}

/// The form again with its errors (422), everything typed kept.
fn refused(
    scope: &OrgScope,
    site_id: Option<Uuid>,
    form: SiteForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let title = if site_id.is_some() {
        "Edit site"
    } else {
        "New site"
    };
    let can_codes = scope.can(Permission::ViewAccessCodes);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SiteFormPage::new(
            scope.layout(title, "sites"),
            scope.slug(),
            site_id,
            form,
            errors,
            can_codes,
        ),
    )
}

fn duplicate_code() -> AppError {
    let mut errors = FieldErrors::default();
    errors.add("code", "Another site already uses this code.");
    AppError::Rejected(errors)
}

pub async fn create(
    state: web::Data<AppState>,
    scope: OrgScope,
    form: web::Form<SiteForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageSites)?;
    let form = form.into_inner();
    let values = match form.validate() {
        Ok(values) => values,
        Err(errors) => return refused(&scope, None, form, errors),
    };
    let sealed = match form.access_codes.trim() {
        "" => None,
        codes => Some(
            access_codes::encrypt(&state.config.secret_key, codes)
                .ok_or_else(|| AppError::unexpected("encryption failed"))?,
        ),
    };
    let created = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let site = queries::insert(conn, &values, sealed).map_err(|e| match e {
                WriteError::DuplicateCode => duplicate_code(),
                WriteError::Database(e) => e.into(),
            })?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("site_created", "site", site.id)
                    .data(json!({ "name": site.name }))
                    .change(None, serde_json::to_value(&values).ok()),
            )?;
            Ok(site)
        })
        .await;
    match created {
        Ok(site) => {
            scope.viewer.flash(
                "success",
                format!("{} was added. Now add its lifts.", site.name),
            );
            Ok(see_other(format!("/o/{}/sites/{}", scope.slug(), site.id)))
        }
        Err(AppError::Rejected(errors)) => refused(&scope, None, form, errors),
        Err(e) => Err(e),
    }
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let (site, lifts, activity, work_orders, health, maintenance) = scope
        .read(move |conn, _| {
            let site = queries::find(conn, id)?;
            let lifts = elevators::for_site(conn, id)?;
            let mut entities: Vec<String> = lifts.iter().map(|l| l.id.to_string()).collect();
            entities.push(id.to_string());
            let activity = audit_queries::recent_for(conn, &["site", "elevator"], &entities, 15)?;
            let work_orders = crate::work_orders::queries::for_asset(conn, Some(id), None, 15)?;
            let health = crate::dashboard::views::HealthPanel::for_site(conn, &slug, id)?;
            let maintenance = crate::maintenance::compliance::figures(
                conn,
                crate::maintenance::compliance::Of::Site(id),
            )?;
            Ok((site, lifts, activity, work_orders, health, maintenance))
        })
        .await?;
    let today = crate::web::local_time::today(&crate::web::local_time::zone(&site.timezone));
    render(&SiteDetailPage {
        layout: scope.layout(site.name.clone(), "sites"),
        slug: scope.slug().to_string(),
        site,
        work_orders,
        now: Utc::now(),
        can_create_work_orders: scope.can(Permission::ManageWorkOrders),
        lifts,
        activity,
        health,
        maintenance,
        can_manage: scope.can(Permission::ManageSites),
        can_view_codes: scope.can(Permission::ViewAccessCodes),
        today,
    })
}

fn form_of(site: &Site, codes: Option<String>) -> SiteForm {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let show = |v: &Option<bigdecimal::BigDecimal>| {
        v.as_ref()
            .map(|d| d.normalized().to_string())
            .unwrap_or_default()
    };
    let number = |v: &Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    SiteForm {
        name: site.name.clone(),
        code: text(&site.code),
        site_type: site.site_type.clone(),
        address_line1: text(&site.address_line1),
        address_line2: text(&site.address_line2),
        city: text(&site.city),
        state: text(&site.state),
        postal_code: text(&site.postal_code),
        country: site.country.clone(),
        latitude: show(&site.latitude),
        longitude: show(&site.longitude),
        floors_count: number(&site.floors_count),
        year_built: number(&site.year_built),
        total_area_sqm: show(&site.total_area_sqm),
        occupancy_count: number(&site.occupancy_count),
        primary_contact_name: text(&site.primary_contact_name),
        primary_contact_phone: text(&site.primary_contact_phone),
        primary_contact_email: text(&site.primary_contact_email),
        emergency_contact_name: text(&site.emergency_contact_name),
        emergency_contact_phone: text(&site.emergency_contact_phone),
        access_instructions: text(&site.access_instructions),
        access_codes_shown: if codes.is_some() {
            "1".into()
        } else {
            String::new()
        },
        access_codes: codes.unwrap_or_default(),
        after_hours_access: text(&site.after_hours_access),
        timezone: site.timezone.clone(),
        key_holder_info: text(&site.key_holder_info),
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let site = scope
        .run(Permission::ManageSites, move |conn, _| {
            Ok(queries::find(conn, id)?)
        })
        .await?;
    let can_codes = scope.can(Permission::ViewAccessCodes);
    let codes = if can_codes {
        Some(
            site.access_codes_encrypted
                .as_deref()
                .and_then(|sealed| access_codes::decrypt(&state.config.secret_key, sealed))
                .unwrap_or_default(),
        )
    } else {
        None
    };
    let form = form_of(&site, codes);
    render(&SiteFormPage::new(
        scope.layout("Edit site", "sites"),
        scope.slug(),
        Some(id),
        form,
        FieldErrors::default(),
        can_codes,
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<SiteForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    scope.require(Permission::ManageSites)?;
    let form = form.into_inner();
    let values = match form.validate() {
        Ok(values) => values,
        Err(errors) => return refused(&scope, Some(id), form, errors),
    };
    // Codes are replaced only by someone who was shown them on the form.
    let new_codes = (scope.can(Permission::ViewAccessCodes) && !form.access_codes_shown.is_empty())
        .then(|| form.access_codes.trim().to_string());
    let secret = state.config.secret_key.clone();
    let updated = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let before = queries::find(conn, id)?;
            if before.deleted_at.is_some() {
                return Err(AppError::Conflict(
                    "This site is archived; restore it before editing.".into(),
                ));
            }
            let site = queries::update(conn, id, &values).map_err(|e| match e {
                WriteError::DuplicateCode => duplicate_code(),
                WriteError::Database(e) => e.into(),
            })?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("site_updated", "site", id)
                    .data(json!({ "name": site.name }))
                    .change(
                        serde_json::to_value(form_of(&before, None)).ok(),
                        serde_json::to_value(&values).ok(),
                    ),
            )?;
            if let Some(codes) = new_codes {
                let old = before
                    .access_codes_encrypted
                    .as_deref()
                    .and_then(|s| access_codes::decrypt(&secret, s))
                    .unwrap_or_default();
                if old != codes {
                    let sealed = if codes.is_empty() {
                        None
                    } else {
                        access_codes::encrypt(&secret, &codes)
                    };
                    queries::set_access_codes(conn, id, sealed)?;
                    audit::record(
                        conn,
                        &ctx.actor,
                        AuditEvent::new("site_access_codes_changed", "site", id),
                    )?;
                }
            }
            Ok(site)
        })
        .await;
    match updated {
        Ok(site) => {
            scope
                .viewer
                .flash("success", format!("{} was saved.", site.name));
            Ok(see_other(format!("/o/{}/sites/{id}", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => refused(&scope, Some(id), form, errors),
        Err(e) => Err(e),
    }
}

/// Shown on request only, and every viewing is recorded.
pub async fn show_access_codes(
    state: web::Data<AppState>,
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let secret = state.config.secret_key.clone();
    let codes = scope
        .run(Permission::ViewAccessCodes, move |conn, ctx| {
            let site = queries::find(conn, id)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("site_access_codes_viewed", "site", id),
            )?;
            Ok(site
                .access_codes_encrypted
                .as_deref()
                .and_then(|sealed| access_codes::decrypt(&secret, sealed)))
        })
        .await?;
    render(&AccessCodesFragment { codes })
}

pub async fn archive_page(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let site = scope
        .run(Permission::ManageSites, move |conn, _| {
            Ok(queries::find(conn, id)?)
        })
        .await?;
    render(&ArchivePage {
        layout: scope.layout(format!("Archive {}", site.name), "sites"),
        slug: scope.slug().to_string(),
        site,
    })
}

async fn set_archived(scope: OrgScope, id: Uuid, archived: bool) -> Result<HttpResponse, AppError> {
    let name = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let site = queries::find(conn, id)?;
            queries::set_archived(conn, id, archived)?;
            let event = if archived {
                "site_archived"
            } else {
                "site_restored"
            };
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(event, "site", id).data(json!({ "name": site.name })),
            )?;
            Ok(site.name)
        })
        .await?;
    let message = if archived {
        format!("{name} was archived. It is hidden from lists until restored.")
    } else {
        format!("{name} was restored.")
    };
    scope.viewer.flash("success", message);
    Ok(see_other(format!("/o/{}/sites/{id}", scope.slug())))
}

pub async fn archive(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    set_archived(scope, id, true).await
}

pub async fn restore(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    set_archived(scope, id, false).await
}
