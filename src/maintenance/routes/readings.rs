//! A lift's meter readings, the lift page's maintenance panel, and the forecast of the coming
//! months' visits.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel::PgConnection;
use serde::Deserialize;
use uuid::Uuid;

use super::today;
use crate::auth::roles::Permission;
use crate::elevators::forms::date;
use crate::maintenance::forms::ReadingForm;
use crate::maintenance::model::{thousands, Meter, Schedule};
use crate::maintenance::operations::generate::forecast_day;
use crate::maintenance::operations::readings::reading_time;
use crate::maintenance::operations::{record_reading, NewReading};
use crate::maintenance::views::{workload_chart, ForecastPage, ReadingsPage};
use crate::maintenance::{forecast, queries};
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::{local_time, render, render_status, see_other, AppError};

/// "Next visit forecast for 14 Mar 2027 (at 4,200 trips a day)", or why there is none.
pub fn meter_sentence(
    conn: &mut PgConnection,
    schedule: &Schedule,
    meter: Meter,
    today: NaiveDate,
) -> diesel::QueryResult<String> {
    let last = queries::last_reading(conn, schedule.elevator_id, meter)?;
    let Some((last, _)) = last else {
        return Ok(format!(
            "No {} reading yet: nothing will be raised until one is entered.",
            meter.label().to_lowercase()
        ));
    };
    let Some(from) = schedule.meter_from else {
        return Ok("The count starts at the next pass of the planner.".into());
    };
    let target = from + i64::from(schedule.every);
    let rate = queries::daily_rate(conn, schedule.elevator_id, meter)?;
    Ok(match forecast_day(today, last, target, rate) {
        Some(day) if day <= today => format!(
            "Due now: the meter reads {}, past {}.",
            thousands(last),
            thousands(target)
        ),
        Some(day) => format!(
            "Next visit forecast for {} at {} (the meter reads {}, running about {} {} a day).",
            day.format("%-d %b %Y"),
            thousands(target),
            thousands(last),
            thousands(rate.unwrap_or(0.0).round() as i64),
            meter.unit()
        ),
        None => format!(
            "Next visit at {} (the meter reads {}); two readings a day or more apart give a date.",
            thousands(target),
            thousands(last)
        ),
    })
}

async fn readings_page(
    scope: &OrgScope,
    elevator_id: Uuid,
    status: StatusCode,
    form: ReadingForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (unit_number, timezone, readings, meters) = scope
        .read(move |conn, _| {
            let lift = crate::elevators::queries::find(conn, elevator_id)?;
            let mut meters = Vec::new();
            for meter in Meter::ALL.iter().copied() {
                let last = queries::last_reading(conn, elevator_id, meter)?.map(|(v, _)| v);
                let rate = queries::daily_rate(conn, elevator_id, meter)?;
                let sentence = rate.map(|r| format!("About {} a day", thousands(r.round() as i64)));
                meters.push((meter, last, sentence));
            }
            let timezone = crate::sites::queries::find(conn, lift.site_id)?.timezone;
            Ok((
                lift.unit_number,
                timezone,
                queries::readings_of(conn, elevator_id, 100)?,
                meters,
            ))
        })
        .await?;
    render_status(
        status,
        &ReadingsPage {
            layout: scope.layout(format!("Meter readings of {unit_number}"), "elevators"),
            slug: scope.slug().to_string(),
            elevator_id,
            unit_number,
            readings,
            meters,
            form,
            errors,
            zone: local_time::zone(&timezone),
            can_record: scope.can(Permission::WorkOnAssigned),
        },
    )
}

pub async fn readings(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let form = ReadingForm {
        meter: "trips".into(),
        ..Default::default()
    };
    readings_page(
        &scope,
        path.into_inner().1,
        StatusCode::OK,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Records a reading. Technicians enter them too (they read the counters on site).
pub async fn record(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ReadingForm>,
) -> Result<HttpResponse, AppError> {
    let elevator_id = path.into_inner().1;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let meter = Meter::parse(&form.meter);
    if meter.is_none() {
        errors.add("meter", "Choose the trip counter or running hours.");
    }
    let value = match form.value.trim().replace(',', "").parse::<i64>() {
        Ok(v) if v >= 0 => Some(v),
        _ => {
            errors.add("value", "Enter the reading as a whole number, 0 or more.");
            None
        }
    };
    let read_on = date(&mut errors, "read_on", &form.read_on);
    let (Some(meter), Some(value), true) = (meter, value, errors.is_empty()) else {
        return readings_page(
            &scope,
            elevator_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
        )
        .await;
    };
    let counter_reset = form.counter_reset == "1";
    let saved = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            let reading = NewReading {
                elevator_id,
                meter,
                value,
                read_at: reading_time(conn, elevator_id, read_on)?,
                counter_reset,
                work_order_id: None,
            };
            Ok(record_reading(conn, &ctx.actor, &reading)?)
        })
        .await;
    match saved {
        Ok(_) => {
            scope.viewer.flash(
                "success",
                format!("{} reading of {} saved.", meter.label(), thousands(value)),
            );
            Ok(see_other(format!(
                "/o/{}/elevators/{elevator_id}/readings",
                scope.slug()
            )))
        }
        Err(AppError::Rejected(errors)) => {
            readings_page(
                &scope,
                elevator_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ForecastQuery {
    months: Option<u32>,
}

pub async fn forecast(
    scope: OrgScope,
    query: web::Query<ForecastQuery>,
) -> Result<HttpResponse, AppError> {
    let months = query.months.unwrap_or(12).clamp(1, 24);
    let from = today(&scope);
    let until = from
        .checked_add_months(chrono::Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(from);
    let visits = scope
        .read(move |conn, _| Ok(forecast::planned(conn, from, until, None)?))
        .await?;
    let per_month = forecast::per_month(&visits, from, until);
    let month_labels = per_month
        .iter()
        .map(|(m, _, _)| m.format("%b %y").to_string())
        .collect();
    let lifts = forecast::per_lift(&visits, &per_month);
    render(&ForecastPage {
        layout: scope.layout("Maintenance forecast", "maintenance"),
        slug: scope.slug().to_string(),
        months,
        chart: workload_chart(&per_month),
        lifts,
        month_labels,
        visits,
    })
}
