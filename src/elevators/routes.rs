//! Lift pages: list across sites, new, detail, edit, inline status change, archive, CSV export.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::csv;
use super::forms::{
    ElevatorForm, ElevatorListQuery, ElevatorValues, StatusForm, DEFAULT_INSPECTION_INTERVAL,
};
use super::operations;
use super::queries::{self, Elevator, WriteError};
use super::status::{ElevatorStatus, DRIVE_TYPES};
use super::views::{
    ArchivePage, ElevatorDetailPage, ElevatorFormPage, ElevatorListPage, ElevatorListResults,
    OptionsFragment, SpecRow, StatusPanel,
};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::orgs::context::OrgCtx;
use crate::orgs::OrgScope;
use crate::sites::filter::SiteFilter;
use crate::sites::queries as sites;
use crate::web::forms::FieldErrors;
use crate::web::local_time;
use crate::web::pagination::Pagination;
use crate::web::{csv_response, render, render_status, see_other, AppError, Htmx};

const PER_PAGE: i64 = 25;

fn export_href(slug: &str, query: &ElevatorListQuery) -> String {
    let params = serde_urlencoded::to_string(query).unwrap_or_default();
    let params: Vec<&str> = params.split('&').filter(|p| !p.ends_with('=')).collect();
    format!("/o/{slug}/elevators/export.csv?{}", params.join("&"))
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<ElevatorListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/elevators", scope.slug());
    let fragment = htmx.is_fragment();
    let (rows, pagination, site_filter, manufacturers) = {
        let query = query.clone();
        scope
            .read(move |conn, ctx| {
                let total = queries::count(conn, &query)?;
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                let rows = queries::page(conn, &query, pagination.offset(), PER_PAGE)?;
                // The filter choices are only needed for the full page.
                let (site_filter, manufacturers) = if fragment {
                    Default::default()
                } else {
                    (
                        SiteFilter::load(conn, &ctx.choices, &query.site)?,
                        ctx.choices
                            .get("lift makes", || queries::manufacturers(conn))?,
                    )
                };
                Ok((rows, pagination, site_filter, manufacturers))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    let export_href = export_href(&slug, &query);
    let can_manage = scope.can(Permission::ManageSites);
    if fragment {
        return render(&ElevatorListResults {
            slug,
            query,
            rows,
            pagination,
            export_href,
            can_manage,
        });
    }
    render(&ElevatorListPage {
        layout: scope.layout("Lifts", "elevators"),
        slug,
        query,
        rows,
        pagination,
        site_filter,
        manufacturers,
        statuses: ElevatorStatus::ALL,
        drive_types: DRIVE_TYPES,
        export_href,
        can_manage,
    })
}

pub async fn export(
    scope: OrgScope,
    query: web::Query<ElevatorListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = local_time::today(&scope.viewer.zone(Some(scope.slug())));
    let rows = scope
        .read(move |conn, _| Ok(queries::all_matching(conn, &query)?))
        .await?;
    let body = csv::export(&rows).map_err(AppError::internal)?;
    Ok(csv_response(&format!("lifts-{today}.csv"), body))
}

#[derive(Deserialize)]
pub struct OptionsQuery {
    /// The picker's search box may be named for the form it sits in.
    #[serde(default, alias = "elevator_search")]
    q: String,
}

/// Lifts matching a search, as `<option>`s for pickers (htmx).
pub async fn options(
    scope: OrgScope,
    query: web::Query<OptionsQuery>,
) -> Result<HttpResponse, AppError> {
    let search = query.into_inner().q;
    let term = search.clone();
    let options = scope
        .read(move |conn, _| Ok(queries::search_options(conn, &term, 30)?))
        .await?;
    render(&OptionsFragment { options, search })
}

pub async fn spec_row() -> Result<HttpResponse, AppError> {
    render(&SpecRow {
        key: String::new(),
        value: String::new(),
    })
}

async fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    elevator_id: Option<Uuid>,
    form: ElevatorForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (site_options, manufacturers) = scope
        .run(Permission::ManageSites, |conn, _| {
            Ok((sites::options(conn)?, queries::manufacturers(conn)?))
        })
        .await?;
    let title = if elevator_id.is_some() {
        "Edit lift"
    } else {
        "New lift"
    };
    render_status(
        status,
        &ElevatorFormPage::new(
            scope.layout(title, "elevators"),
            scope.slug(),
            elevator_id,
            form,
            errors,
            site_options,
            manufacturers,
        ),
    )
}

pub async fn new_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let site_id = path.into_inner().1;
    let site = scope
        .run(Permission::ManageSites, move |conn, _| {
            Ok(sites::find(conn, site_id)?)
        })
        .await?;
    if site.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    let form = ElevatorForm {
        site_id: site_id.to_string(),
        inspection_interval_months: DEFAULT_INSPECTION_INTERVAL.to_string(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, None, form, FieldErrors::default()).await
}

fn unit_taken() -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(
        "unit_number",
        "Another lift at this site already has this unit number.",
    );
    AppError::Rejected(errors)
}

/// The chosen site must be a current site of this organization.
fn check_site(conn: &mut PgConnection, site_id: Uuid) -> Result<(), AppError> {
    match sites::find(conn, site_id) {
        Ok(site) if site.deleted_at.is_none() => Ok(()),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            let mut errors = FieldErrors::default();
            errors.add("site_id", "Choose one of your current sites.");
            Err(AppError::Rejected(errors))
        }
        Err(e) => Err(e.into()),
    }
}

fn save(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    id: Option<Uuid>,
    values: &ElevatorValues,
) -> Result<Elevator, AppError> {
    check_site(conn, values.site_id)?;
    let map = |e: WriteError| match e {
        WriteError::DuplicateUnit => unit_taken(),
        WriteError::Database(e) => e.into(),
    };
    let (elevator, event, before) = match id {
        Some(id) => {
            let before = queries::find(conn, id)?;
            let elevator = queries::update(conn, id, values).map_err(map)?;
            (
                elevator,
                "elevator_updated",
                Some(json!({
                    "site_id": before.site_id, "unit_number": before.unit_number,
                    "manufacturer": before.manufacturer, "model": before.model,
                    "next_inspection_due": before.next_inspection_due,
                    "last_inspection_date": before.last_inspection_date,
                })),
            )
        }
        None => (
            queries::insert(conn, values).map_err(map)?,
            "elevator_created",
            None,
        ),
    };
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new(event, "elevator", elevator.id)
            .data(json!({ "unit_number": elevator.unit_number, "site_id": elevator.site_id }))
            .change(before, serde_json::to_value(values).ok()),
    )?;
    Ok(elevator)
}

async fn submit(
    scope: OrgScope,
    id: Option<Uuid>,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageSites)?;
    let form = ElevatorForm::from_pairs(&pairs);
    let values = match form.validate() {
        Ok(values) => values,
        Err(errors) => {
            return form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, id, form, errors).await
        }
    };
    let saved = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            save(conn, ctx, id, &values)
        })
        .await;
    match saved {
        Ok(elevator) => {
            let verb = if id.is_some() { "saved" } else { "added" };
            scope.viewer.flash(
                "success",
                format!("Lift {} was {verb}.", elevator.unit_number),
            );
            Ok(see_other(format!(
                "/o/{}/elevators/{}",
                scope.slug(),
                elevator.id
            )))
        }
        Err(AppError::Rejected(errors)) => {
            form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, id, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    submit(scope, None, form.into_inner()).await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    submit(scope, Some(id), form.into_inner()).await
}

fn text(value: &Option<impl ToString>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn form_of(e: &Elevator) -> ElevatorForm {
    ElevatorForm {
        site_id: e.site_id.to_string(),
        unit_number: e.unit_number.clone(),
        serial_number: text(&e.serial_number),
        registration_number: text(&e.registration_number),
        asset_tag: text(&e.asset_tag),
        manufacturer: text(&e.manufacturer),
        model: text(&e.model),
        controller_type: text(&e.controller_type),
        drive_type: text(&e.drive_type),
        machine_type: text(&e.machine_type),
        capacity_kg: text(&e.capacity_kg),
        capacity_persons: text(&e.capacity_persons),
        speed_mps: text(&e.speed_mps),
        floors_served: text(&e.floors_served),
        stops: text(&e.stops),
        travel_height_m: text(&e.travel_height_m),
        door_type: text(&e.door_type),
        door_width_mm: text(&e.door_width_mm),
        car_width_mm: text(&e.car_width_mm),
        car_depth_mm: text(&e.car_depth_mm),
        car_height_mm: text(&e.car_height_mm),
        installation_date: text(&e.installation_date),
        modernization_date: text(&e.modernization_date),
        last_major_service: text(&e.last_major_service),
        last_inspection_date: text(&e.last_inspection_date),
        last_inspection_result: e
            .last_inspection_result
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        next_inspection_due: text(&e.next_inspection_due),
        inspection_interval_months: e.inspection_interval_months.to_string(),
        inspection_certificate_number: text(&e.inspection_certificate_number),
        known_quirks: e.quirks().join("\n"),
        specifications: e.specification_pairs(),
    }
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let elevator = scope
        .run(Permission::ManageSites, move |conn, _| {
            Ok(queries::find(conn, id)?)
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        form_of(&elevator),
        FieldErrors::default(),
    )
    .await
}

const HISTORY: i64 = 50;

fn panel(
    scope: &OrgScope,
    elevator: &Elevator,
    history: Vec<super::queries::StatusChange>,
    form: Option<(StatusForm, FieldErrors)>,
    zone: chrono_tz::Tz,
) -> StatusPanel {
    let (form, errors) = form.unwrap_or_default();
    StatusPanel {
        slug: scope.slug().to_string(),
        elevator_id: elevator.id,
        status: elevator.status,
        reason: elevator.status_reason.clone(),
        changed_at: elevator.status_changed_at,
        history,
        can_change: scope.can(Permission::ManageSites),
        statuses: ElevatorStatus::ALL,
        form_status: if form.status.is_empty() {
            elevator.status.as_str().to_string()
        } else {
            form.status
        },
        form_reason: form.reason,
        errors,
        csrf: scope.viewer.csrf_token(),
        zone,
    }
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let can_plan = scope.can(Permission::ManageMaintenance);
    let (elevator, site, history, work_orders, health, maintenance) = scope
        .read(move |conn, _| {
            let elevator = queries::find(conn, id)?;
            let health = crate::dashboard::views::HealthPanel::for_lift(conn, &slug, id)?;
            let site = sites::find(conn, elevator.site_id)?;
            let work_orders = crate::work_orders::queries::for_asset(conn, None, Some(id), 15)?;
            let maintenance =
                crate::maintenance::views::LiftPanel::load(conn, &slug, id, can_plan)?;
            Ok((
                elevator,
                site,
                queries::history(conn, id, HISTORY)?,
                work_orders,
                health,
                maintenance,
            ))
        })
        .await?;
    let zone = local_time::zone(&site.timezone);
    let panel = panel(&scope, &elevator, history, None, zone);
    render(&ElevatorDetailPage {
        layout: scope.layout(
            format!("Lift {} — {}", elevator.unit_number, site.name),
            "elevators",
        ),
        slug: scope.slug().to_string(),
        panel,
        elevator,
        site,
        work_orders,
        health,
        maintenance,
        now: Utc::now(),
        can_create_work_orders: scope.can(Permission::ManageWorkOrders),
        can_manage: scope.can(Permission::ManageSites),
        today: local_time::today(&zone),
    })
}

/// Changes the status inline: htmx gets the refreshed status panel; without JavaScript the
/// browser goes back to the lift page.
pub async fn change_status(
    scope: OrgScope,
    htmx: Htmx,
    path: web::Path<(String, Uuid)>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let checked = form.validate();
    let to_apply = checked.clone().ok();
    let outcome = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let elevator = queries::find(conn, id)?;
            if let Some((status, reason)) = &to_apply {
                operations::change_status(
                    conn,
                    &ctx.org,
                    &ctx.actor,
                    id,
                    *status,
                    reason.as_deref(),
                    json!({ "unit_number": elevator.unit_number }),
                )?;
            }
            let elevator = queries::find(conn, id)?;
            let zone = crate::work_orders::operations::site_zone(conn, elevator.site_id)?;
            Ok((elevator, queries::history(conn, id, HISTORY)?, zone))
        })
        .await?;
    let (elevator, history, zone) = outcome;
    match checked {
        Ok(_) if !htmx.is_fragment() => {
            scope.viewer.flash(
                "success",
                format!(
                    "Lift {} is now {}.",
                    elevator.unit_number,
                    elevator.status.label().to_lowercase()
                ),
            );
            Ok(see_other(format!("/o/{}/elevators/{id}", scope.slug())))
        }
        Ok(_) => render(&panel(&scope, &elevator, history, None, zone)),
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &panel(&scope, &elevator, history, Some((form, errors)), zone),
        ),
    }
}

pub async fn archive_page(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let (elevator, site) = scope
        .run(Permission::ManageSites, move |conn, _| {
            let elevator = queries::find(conn, id)?;
            let site = sites::find(conn, elevator.site_id)?;
            Ok((elevator, site))
        })
        .await?;
    render(&ArchivePage {
        layout: scope.layout(format!("Remove lift {}", elevator.unit_number), "elevators"),
        slug: scope.slug().to_string(),
        site_name: site.name,
        elevator,
    })
}

pub async fn archive(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    use crate::db::schema_org::elevators as table;
    let id = path.into_inner().1;
    let (unit, site_id) = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let elevator = queries::find(conn, id)?;
            diesel::update(table::table.find(id))
                .set((
                    table::deleted_at.eq(Utc::now()),
                    table::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("elevator_removed", "elevator", id)
                    .data(json!({ "unit_number": elevator.unit_number })),
            )?;
            Ok((elevator.unit_number, elevator.site_id))
        })
        .await?;
    scope
        .viewer
        .flash("success", format!("Lift {unit} was removed from the site."));
    Ok(see_other(format!("/o/{}/sites/{site_id}", scope.slug())))
}
