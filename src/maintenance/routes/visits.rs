//! Moving, skipping and restoring a coming visit; "generate due visits now"; the holiday list.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, Utc};

use super::{detail_page, today};
use crate::auth::roles::Permission;
use crate::elevators::forms::date;
use crate::maintenance::forms::{HolidayForm, MoveForm};
use crate::maintenance::operations::{self, visits::VisitChange};
use crate::maintenance::queries;
use crate::maintenance::views::HolidaysPage;
use crate::orgs::OrgScope;
use crate::web::forms::{blank, check_line, FieldErrors};
use crate::web::{render_status, see_other, AppError};

pub async fn change(
    scope: OrgScope,
    path: web::Path<(String, uuid::Uuid, NaiveDate)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, planned_on) = path.into_inner();
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let change = match form.action.as_str() {
        "skip" => VisitChange::Skip,
        "restore" => VisitChange::Restore,
        "move" => match date(&mut errors, "due_on", &form.due_on) {
            Some(day) => VisitChange::MoveTo(day),
            None => {
                if !errors.has("due_on") {
                    errors.add("due_on", "Choose the day to move the visit to.");
                }
                return detail_page(&scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
            }
        },
        _ => return Err(AppError::BadRequest("Unknown change to a visit.".into())),
    };
    let note = blank(&form.note);
    let today = today(&scope);
    let outcome = scope
        .run(Permission::ManageMaintenance, move |conn, ctx| {
            Ok(operations::visits::change_visit(
                conn,
                &ctx.actor,
                id,
                planned_on,
                change,
                note.as_deref(),
                today,
            )?)
        })
        .await;
    match outcome {
        Ok(()) => {
            let message = match change {
                VisitChange::Skip => format!("The visit of {planned_on} is skipped."),
                VisitChange::MoveTo(day) => {
                    format!("The visit of {planned_on} is moved to {day}; the next ones keep their dates.")
                }
                VisitChange::Restore => format!("The visit of {planned_on} is back on its date."),
            };
            scope.viewer.flash("success", message);
            Ok(see_other(format!("/o/{}/maintenance/{id}", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => {
            detail_page(&scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(e) => Err(e),
    }
}

/// Runs the generator now, in this organization, instead of waiting for the hourly pass.
pub async fn generate_now(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let generated = scope
        .run(Permission::ManageMaintenance, |conn, ctx| {
            Ok(operations::generate(
                conn,
                &ctx.org,
                &crate::maintenance::jobs::generator(),
                Utc::now(),
            )?)
        })
        .await?;
    let message = match (generated.raised, generated.late) {
        (0, _) => {
            "Nothing was due: every visit within its lead time is already raised.".to_string()
        }
        (1, 0) => "1 visit was raised as a work order.".to_string(),
        (n, 0) => format!("{n} visits were raised as work orders."),
        (n, late) => {
            format!("{n} visits were raised as work orders, {late} of them past their due date.")
        }
    };
    scope.viewer.flash("success", message);
    if generated.refused > 0 {
        scope.viewer.flash(
            "warning",
            format!(
                "{} visit(s) could not be raised: their lift's site is archived or the work \
                 order was refused. They stay planned.",
                generated.refused
            ),
        );
    }
    Ok(see_other(format!("/o/{}/maintenance", scope.slug())))
}

async fn holidays_page(
    scope: &OrgScope,
    status: StatusCode,
    form: HolidayForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let holidays = scope.read(|conn, _| Ok(queries::holidays(conn)?)).await?;
    render_status(
        status,
        &HolidaysPage {
            layout: scope.layout("Holidays", "maintenance"),
            slug: scope.slug().to_string(),
            holidays,
            form,
            errors,
            can_manage: scope.can(Permission::ManageMaintenance),
        },
    )
}

pub async fn holidays(scope: OrgScope) -> Result<HttpResponse, AppError> {
    holidays_page(
        &scope,
        StatusCode::OK,
        HolidayForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn add_holiday(
    scope: OrgScope,
    form: web::Form<HolidayForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageMaintenance)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let day = date(&mut errors, "day", &form.day);
    if day.is_none() && !errors.has("day") {
        errors.add("day", "Enter the day of the holiday.");
    }
    check_line(&mut errors, "name", &form.name, 100, true);
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        return holidays_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await;
    };
    let name = form.name.trim().to_string();
    scope
        .run(Permission::ManageMaintenance, move |conn, ctx| {
            Ok(operations::add_holiday(conn, &ctx.actor, day, &name)?)
        })
        .await?;
    scope.viewer.flash(
        "success",
        format!("{} is a holiday.", day.format("%-d %b %Y")),
    );
    Ok(see_other(format!(
        "/o/{}/maintenance/holidays",
        scope.slug()
    )))
}

pub async fn remove_holiday(
    scope: OrgScope,
    path: web::Path<(String, NaiveDate)>,
) -> Result<HttpResponse, AppError> {
    let day = path.into_inner().1;
    scope
        .run(Permission::ManageMaintenance, move |conn, ctx| {
            Ok(operations::remove_holiday(conn, &ctx.actor, day)?)
        })
        .await?;
    scope.viewer.flash(
        "success",
        format!("{} is no longer a holiday.", day.format("%-d %b %Y")),
    );
    Ok(see_other(format!(
        "/o/{}/maintenance/holidays",
        scope.slug()
    )))
}
