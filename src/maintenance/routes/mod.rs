//! Schedule pages: the list with filters and CSV, new, detail with its visits, edit, pause,
//! resume and delete. Visits, holidays and "generate now" are in [`visits`]; meter readings and
//! the forecast in [`readings`].

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::compliance;
use super::forms::{checklist_text, weekday_choices, ScheduleForm, ScheduleListQuery, SORTS};
use super::model::{Frequency, Schedule};
use super::operations::{self, visits::upcoming};
use super::queries::{self, ScheduleRow};
use super::views::{DetailPage, FormPage, ListPage, ListResults};
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::local_time;
use crate::web::pagination::Pagination;
use crate::web::{csv_response, render, render_status, see_other, AppError, Htmx};

pub mod readings;
pub mod visits;

const PER_PAGE: i64 = 25;

fn today(scope: &OrgScope) -> chrono::NaiveDate {
    local_time::today(&scope.viewer.zone(Some(scope.slug())))
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<ScheduleListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/maintenance", scope.slug());
    let fragment = htmx.is_fragment();
    let (rows, pagination, choices, figures) = {
        let query = query.clone();
        scope
            .read(move |conn, _| {
                let page = query.page.unwrap_or(1).max(1);
                let rows = queries::page(conn, &query, (page - 1) * PER_PAGE, PER_PAGE)?;
                let total = rows.first().map_or(0, |r| r.total);
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                if fragment {
                    return Ok((rows, pagination, Default::default(), Default::default()));
                }
                let sites = crate::sites::queries::options(conn)?
                    .into_iter()
                    .map(|(id, name, _)| (id, name))
                    .collect();
                let contractors = crate::contractors::queries::options(conn)?
                    .into_iter()
                    .map(|(id, name, _)| (id, name))
                    .collect();
                let choices = (sites, queries::lift_options(conn)?, contractors);
                Ok((
                    rows,
                    pagination,
                    choices,
                    compliance::figures(conn, compliance::Of::Organization)?,
                ))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    let today = today(&scope);
    if fragment {
        return render(&ListResults {
            slug,
            query,
            rows,
            pagination,
            today,
        });
    }
    let export_href = format!(
        "/o/{slug}/maintenance/export.csv?{}",
        serde_urlencoded::to_string(&query).unwrap_or_default()
    );
    let (sites, lifts, contractors) = choices;
    render(&ListPage {
        layout: scope.layout("Maintenance schedules", "maintenance"),
        slug,
        query,
        rows,
        pagination,
        today,
        sites,
        lifts,
        contractors,
        frequencies: Frequency::ALL,
        sorts: SORTS,
        export_href,
        compliance: figures,
        can_manage: scope.can(Permission::ManageMaintenance),
    })
}

/// The list as CSV, with the filters and sort of the page (every row, not one page).
pub async fn export(
    scope: OrgScope,
    query: web::Query<ScheduleListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let rows: Vec<ScheduleRow> = scope
        .read(move |conn, _| Ok(queries::page(conn, &query, 0, 100_000)?))
        .await?;
    let body = crate::imports::write(
        &[
            "schedule",
            "lift",
            "site",
            "frequency",
            "type",
            "next_visit",
            "assignee",
            "estimated_hours",
            "overdue_visits",
            "active",
        ],
        rows.iter().map(|r| {
            vec![
                r.name.clone(),
                r.unit_number.clone(),
                r.site_name.clone(),
                r.describe(),
                r.work_type.clone(),
                r.next_visit.map(|d| d.to_string()).unwrap_or_default(),
                r.assignee.clone().unwrap_or_default(),
                r.estimated_hours
                    .as_ref()
                    .map(|h| h.to_string())
                    .unwrap_or_default(),
                r.overdue.to_string(),
                r.is_active.to_string(),
            ]
        }),
    )
    .map_err(AppError::internal)?;
    Ok(csv_response("maintenance-schedules.csv", body))
}

async fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    schedule_id: Option<Uuid>,
    form: ScheduleForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (lifts, contractors, group_size) = scope
        .run(Permission::ManageMaintenance, move |conn, _| {
            let group_size = match schedule_id {
                Some(id) => {
                    let schedule = queries::find(conn, id)?;
                    queries::group_of(conn, &schedule)?.len()
                }
                None => 1,
            };
            let contractors = crate::contractors::queries::options(conn)?
                .into_iter()
                .map(|(id, name, _)| (id, name))
                .collect();
            Ok((queries::lift_options(conn)?, contractors, group_size))
        })
        .await?;
    let title = if schedule_id.is_some() {
        "Edit schedule"
    } else {
        "New maintenance schedule"
    };
    render_status(
        status,
        &FormPage {
            layout: scope.layout(title, "maintenance"),
            slug: scope.slug().to_string(),
            schedule_id,
            group_size,
            form,
            errors,
            lifts,
            contractors,
            frequencies: Frequency::ALL,
            weekdays: weekday_choices(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    elevator: Option<Uuid>,
}

pub async fn new_form(
    scope: OrgScope,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let form = ScheduleForm {
        elevator_id: query.elevator.map(|id| id.to_string()).unwrap_or_default(),
        name: "Monthly service".into(),
        work_type: "preventive".into(),
        priority: "medium".into(),
        frequency: "monthly".into(),
        every: "1".into(),
        lead_days: "7".into(),
        estimated_hours: "1.5".into(),
        start_date: today(&scope).to_string(),
        skip_holidays: "1".into(),
        anchor: "fixed".into(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, None, form, FieldErrors::default()).await
}

async fn save(
    scope: OrgScope,
    id: Option<Uuid>,
    form: ScheduleForm,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageMaintenance)?;
    let submitted = form.clone();
    let saved = scope
        .run(Permission::ManageMaintenance, move |conn, ctx| {
            let values = form.validate().map_err(AppError::Rejected)?;
            Ok(operations::save(conn, &ctx.actor, id, &values)?)
        })
        .await;
    match saved {
        Ok(saved) => {
            let message = match saved.count {
                1 => "The schedule was saved.".to_string(),
                n => format!("{n} schedules were saved, one per lift, kept in step."),
            };
            scope.viewer.flash("success", message);
            if let Some(notice) = saved.notice {
                scope.viewer.flash("warning", notice);
            }
            Ok(see_other(format!(
                "/o/{}/maintenance/{}",
                scope.slug(),
                saved.id
            )))
        }
        Err(AppError::Rejected(errors)) => {
            form_page(
                &scope,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                submitted,
                errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, None, form.into_inner()).await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ScheduleForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, Some(path.into_inner().1), form.into_inner()).await
}

fn form_of(schedule: &Schedule, checklist: &[super::model::ChecklistItem]) -> ScheduleForm {
    let text = |v: Option<String>| v.unwrap_or_default();
    ScheduleForm {
        elevator_id: schedule.elevator_id.to_string(),
        whole_site: String::new(),
        name: schedule.name.clone(),
        description: text(schedule.description.clone()),
        work_type: schedule.work_type.as_str().into(),
        priority: schedule.priority.as_str().into(),
        frequency: schedule.frequency.as_str().into(),
        every: schedule.every.to_string(),
        weekday: text(schedule.weekday.map(|d| d.to_string())),
        day_of_month: text(schedule.day_of_month.map(|d| d.to_string())),
        anchor: schedule.anchor.clone(),
        lead_days: schedule.lead_days.to_string(),
        assigned_contractor_id: text(schedule.assigned_contractor_id.map(|d| d.to_string())),
        estimated_hours: text(schedule.estimated_hours.as_ref().map(|h| h.to_string())),
        start_date: schedule.start_date.to_string(),
        end_date: text(schedule.end_date.map(|d| d.to_string())),
        skip_holidays: if schedule.skip_holidays {
            "1".into()
        } else {
            String::new()
        },
        checklist: checklist_text(checklist.iter().map(|i| (i.title.as_str(), i.requires))),
    }
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = scope
        .run(Permission::ManageMaintenance, move |conn, _| {
            let schedule = queries::find(conn, id)?;
            Ok(form_of(&schedule, &queries::checklist(conn, id)?))
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        form,
        FieldErrors::default(),
    )
    .await
}

/// The schedule's page; `errors` when a visit change was refused.
pub(super) async fn detail_page(
    scope: &OrgScope,
    id: Uuid,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let today = today(scope);
    let (schedule, names, group_size, checklist, coming, visits, figures, meter_status) = scope
        .read(move |conn, _| {
            let schedule = queries::find(conn, id)?;
            let names = queries::names_of(conn, &schedule)?;
            let ahead = queries::planned_ahead(conn, id)?;
            let holidays = queries::holiday_days(conn)?;
            let horizon = today
                .checked_add_months(chrono::Months::new(12))
                .unwrap_or(today);
            let coming = if schedule.is_active {
                upcoming(&schedule, &ahead, &holidays, horizon, 12)
            } else {
                Vec::new()
            };
            let meter_status = match schedule.frequency.meter() {
                Some(meter) => Some(readings::meter_sentence(conn, &schedule, meter, today)?),
                None => None,
            };
            Ok((
                queries::group_of(conn, &schedule)?.len(),
                queries::checklist(conn, id)?,
                queries::visits_of(conn, id, 50)?,
                compliance::figures(conn, compliance::Of::Schedule(id))?,
            ))
            .map(|(group_size, checklist, visits, figures)| {
                (
                    schedule,
                    names,
                    group_size,
                    checklist,
                    coming,
                    visits,
                    figures,
                    meter_status,
                )
            })
        })
        .await?;
    let (unit_number, site_name, assignee) = names;
    render_status(
        status,
        &DetailPage {
            layout: scope.layout(schedule.name.clone(), "maintenance"),
            slug: scope.slug().to_string(),
            schedule,
            unit_number,
            site_name,
            assignee,
            group_size,
            checklist,
            upcoming: coming,
            visits,
            compliance: figures,
            meter_status,
            today,
            errors,
            can_manage: scope.can(Permission::ManageMaintenance),
        },
    )
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    detail_page(
        &scope,
        path.into_inner().1,
        StatusCode::OK,
        FieldErrors::default(),
    )
    .await
}

async fn act(scope: OrgScope, id: Uuid, action: &'static str) -> Result<HttpResponse, AppError> {
    let today = today(&scope);
    let schedule = scope
        .run(Permission::ManageMaintenance, move |conn, ctx| {
            Ok(match action {
                "pause" => operations::set_active(conn, &ctx.actor, id, false, today)?,
                "resume" => operations::set_active(conn, &ctx.actor, id, true, today)?,
                _ => operations::delete(conn, &ctx.actor, id)?,
            })
        })
        .await?;
    let (message, to) = match action {
        "pause" => (
            format!(
                "{} is paused: nothing more is raised until it is resumed.",
                schedule.name
            ),
            format!("/o/{}/maintenance/{id}", scope.slug()),
        ),
        "resume" => (
            format!("{} is active again.", schedule.name),
            format!("/o/{}/maintenance/{id}", scope.slug()),
        ),
        _ => (
            format!(
                "{} was deleted; the work orders it raised stay.",
                schedule.name
            ),
            format!("/o/{}/maintenance", scope.slug()),
        ),
    };
    scope.viewer.flash("success", message);
    Ok(see_other(to))
}

pub async fn pause(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    act(scope, path.into_inner().1, "pause").await
}

pub async fn resume(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    act(scope, path.into_inner().1, "resume").await
}

pub async fn delete(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    act(scope, path.into_inner().1, "delete").await
}
