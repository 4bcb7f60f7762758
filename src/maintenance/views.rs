//! Page structs for schedules, their visits, readings, holidays and the forecast.

use askama::Template;
use chrono::NaiveDate;
use uuid::Uuid;

use super::compliance::{Compliance, Month};
use super::forecast::PlannedVisit;
use super::forms::{ScheduleForm, ScheduleListQuery};
use super::model::{ChecklistItem, Frequency, Meter, Schedule};
use super::operations::visits::Upcoming;
use super::queries::{Reading, ScheduleRow, Visit};
use crate::dashboard::charts::{self, Series};
use crate::dashboard::views::Chart;
use crate::web::forms::FieldErrors;
use crate::web::local_time::filters;
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "maintenance/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub slug: String,
    pub query: ScheduleListQuery,
    pub rows: Vec<ScheduleRow>,
    pub pagination: Pagination,
    pub today: NaiveDate,
    pub sites: Vec<(Uuid, String)>,
    pub lifts: Vec<(Uuid, String)>,
    pub contractors: Vec<(Uuid, String)>,
    pub frequencies: &'static [Frequency],
    pub sorts: &'static [(&'static str, &'static str)],
    pub export_href: String,
    pub compliance: Compliance,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "maintenance/list.html", block = "results")]
pub struct ListResults {
    pub slug: String,
    pub query: ScheduleListQuery,
    pub rows: Vec<ScheduleRow>,
    pub pagination: Pagination,
    pub today: NaiveDate,
}

#[derive(Template)]
#[template(path = "maintenance/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub slug: String,
    pub schedule_id: Option<Uuid>,
    /// How many schedules an edit changes (those kept in step).
    pub group_size: usize,
    pub form: ScheduleForm,
    pub errors: FieldErrors,
    pub lifts: Vec<(Uuid, String)>,
    pub contractors: Vec<(Uuid, String)>,
    pub frequencies: &'static [Frequency],
    pub weekdays: Vec<(usize, &'static str)>,
}

#[derive(Template)]
#[template(path = "maintenance/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub slug: String,
    pub schedule: Schedule,
    pub unit_number: String,
    pub site_name: String,
    pub assignee: Option<String>,
    pub group_size: usize,
    pub checklist: Vec<ChecklistItem>,
    pub upcoming: Vec<Upcoming>,
    pub visits: Vec<Visit>,
    pub compliance: Compliance,
    pub meter_status: Option<String>,
    pub today: NaiveDate,
    pub errors: FieldErrors,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "maintenance/readings.html")]
pub struct ReadingsPage {
    pub layout: Layout,
    pub slug: String,
    pub elevator_id: Uuid,
    pub unit_number: String,
    pub readings: Vec<Reading>,
    /// Per meter: (meter, last value, forecast sentence).
    pub meters: Vec<(Meter, Option<i64>, Option<String>)>,
    pub form: super::forms::ReadingForm,
    pub errors: FieldErrors,
    pub zone: chrono_tz::Tz,
    pub can_record: bool,
}

#[derive(Template)]
#[template(path = "maintenance/holidays.html")]
pub struct HolidaysPage {
    pub layout: Layout,
    pub slug: String,
    pub holidays: Vec<(NaiveDate, String)>,
    pub form: super::forms::HolidayForm,
    pub errors: FieldErrors,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "maintenance/forecast.html")]
pub struct ForecastPage {
    pub layout: Layout,
    pub slug: String,
    pub months: u32,
    pub chart: Chart,
    /// Per lift: (lift, site, visits per month, hours in all).
    pub lifts: Vec<(String, String, Vec<usize>, f64)>,
    pub month_labels: Vec<String>,
    pub visits: Vec<PlannedVisit>,
}

/// The "Maintenance" panel of a lift's page.
#[derive(Template)]
#[template(path = "maintenance/panel.html")]
pub struct LiftPanel {
    pub slug: String,
    pub elevator_id: Uuid,
    pub rows: Vec<ScheduleRow>,
    pub compliance: Compliance,
    pub overdue: Vec<Visit>,
    pub can_manage: bool,
}

impl LiftPanel {
    /// The panel of lift `elevator_id`, read inside the lift page's transaction.
    pub fn load(
        conn: &mut diesel::PgConnection,
        slug: &str,
        elevator_id: Uuid,
        can_manage: bool,
    ) -> diesel::QueryResult<LiftPanel> {
        let query = ScheduleListQuery {
            elevator: elevator_id.to_string(),
            state: "all".into(),
            ..Default::default()
        };
        Ok(LiftPanel {
            slug: slug.to_string(),
            elevator_id,
            rows: super::queries::page(conn, &query, 0, 50)?,
            compliance: super::compliance::figures(conn, super::compliance::Of::Lift(elevator_id))?,
            overdue: super::queries::overdue(conn, None, Some(elevator_id), 10)?,
            can_manage,
        })
    }
}

/// The bars of the forecast: estimated hours per month.
pub fn workload_chart(per_month: &[(NaiveDate, usize, f64)]) -> Chart {
    let labels: Vec<String> = per_month
        .iter()
        .map(|(m, _, _)| m.format("%b %Y").to_string())
        .collect();
    let (visits, hours) = per_month
        .iter()
        .fold((0, 0.0), |(n, h), (_, c, x)| (n + c, h + x));
    let summary = format!(
        "{visits} planned visits over the next {} months, about {} hours of work.",
        per_month.len(),
        charts::number(hours.round())
    );
    Chart {
        id: "chart-workload",
        heading: "Planned maintenance hours per month",
        svg: charts::bars(
            "chart-workload",
            "Estimated hours of planned maintenance per month",
            &summary,
            &labels,
            &[Series {
                name: "Hours",
                class: "bar-completed",
                values: per_month
                    .iter()
                    .map(|(_, _, h)| (h * 10.0).round() / 10.0)
                    .collect(),
            }],
        ),
        summary,
        columns: vec!["Month".into(), "Visits".into(), "Estimated hours".into()],
        rows: per_month
            .iter()
            .zip(&labels)
            .map(|((_, n, h), label)| {
                vec![
                    label.clone(),
                    n.to_string(),
                    charts::number((h * 10.0).round() / 10.0),
                ]
            })
            .collect(),
    }
}

/// The dashboard's chart of the monthly PM completion rate.
pub fn completion_chart(months: &[Month]) -> Chart {
    let labels: Vec<String> = months
        .iter()
        .map(|m| m.month.format("%b %Y").to_string())
        .collect();
    let rate = |m: &Month| {
        if m.due == 0 {
            0.0
        } else {
            (m.on_time as f64 * 100.0 / m.due as f64).round()
        }
    };
    let (on_time, due) = months
        .iter()
        .fold((0, 0), |(a, b), m| (a + m.on_time, b + m.due));
    let summary = if due == 0 {
        "No planned maintenance visit fell due in the last 12 months.".to_string()
    } else {
        format!(
            "{on_time} of {due} planned visits in the last 12 months were done by their due date ({}%).",
            (on_time * 100 + due / 2) / due
        )
    };
    Chart {
        id: "chart-pm",
        heading: "Planned maintenance done on time, per month",
        svg: charts::bars(
            "chart-pm",
            "Share of planned maintenance visits done by their due date, per month, in percent",
            &summary,
            &labels,
            &[Series {
                name: "On time (%)",
                class: "bar-completed",
                values: months.iter().map(rate).collect(),
            }],
        ),
        summary,
        columns: vec![
            "Month".into(),
            "Visits due".into(),
            "Done on time".into(),
            "Share".into(),
        ],
        rows: months
            .iter()
            .zip(&labels)
            .map(|(m, label)| {
                vec![
                    label.clone(),
                    m.due.to_string(),
                    m.on_time.to_string(),
                    if m.due == 0 {
                        "—".into()
                    } else {
                        format!("{}%", charts::number(rate(m)))
                    },
                ]
            })
            .collect(),
    }
}
