//! Page structs for the dashboard and the health-score help page, and the charts they show.

use askama::Template;
use chrono::{DateTime, Utc};

use super::charts::{self, Series};
use super::queries::{Attention, Dashboard, HistoryPoint, Point};
use crate::web::local_time::filters;
use crate::web::Layout;

/// A chart with everything that makes it accessible: the SVG (with `<title>`), a sentence
/// saying what it shows, and the numbers as a table.
pub struct Chart {
    pub id: &'static str,
    pub heading: &'static str,
    pub svg: String,
    pub summary: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn total(points: &[Point]) -> f64 {
    points.iter().map(|p| p.value).sum()
}

pub fn weekly_chart(points: &[Point]) -> Chart {
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let (opened, completed) = (total(points), points.iter().map(|p| p.other).sum::<f64>());
    let summary = format!(
        "Over the last 12 weeks {} work orders were opened and {} completed.",
        charts::number(opened),
        charts::number(completed)
    );
    Chart {
        id: "chart-weekly",
        heading: "Work orders opened and completed per week",
        svg: charts::bars(
            "chart-weekly",
            "Work orders opened and completed per week, last 12 weeks",
            &summary,
            &labels,
            &[
                Series {
                    name: "Opened",
                    class: "bar-opened",
                    values: points.iter().map(|p| p.value).collect(),
                },
                Series {
                    name: "Completed",
                    class: "bar-completed",
                    values: points.iter().map(|p| p.other).collect(),
                },
            ],
        ),
        summary,
        columns: vec!["Week starting".into(), "Opened".into(), "Completed".into()],
        rows: points
            .iter()
            .map(|p| {
                vec![
                    p.label.clone(),
                    charts::number(p.value),
                    charts::number(p.other),
                ]
            })
            .collect(),
    }
}

pub fn repair_time_chart(points: &[Point]) -> Chart {
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let repairs: f64 = points.iter().map(|p| p.other).sum();
    let latest = points.iter().rev().find(|p| p.other > 0.0);
    let summary = match latest {
        Some(p) => format!(
            "{} breakdown repairs in the last 12 months; in {}, the latest month with repairs, \
             they took {} hours on average from report to completion.",
            charts::number(repairs),
            p.label,
            charts::number(p.value)
        ),
        None => "No breakdown was repaired in the last 12 months.".into(),
    };
    Chart {
        id: "chart-mttr",
        heading: "Mean time to repair per month",
        svg: charts::bars(
            "chart-mttr",
            "Mean time to repair breakdowns per month, in hours, last 12 months",
            &summary,
            &labels,
            &[Series {
                name: "Hours",
                class: "bar-repair",
                values: points.iter().map(|p| p.value).collect(),
            }],
        ),
        summary,
        columns: vec![
            "Month".into(),
            "Mean hours to repair".into(),
            "Repairs".into(),
        ],
        rows: points
            .iter()
            .map(|p| {
                vec![
                    p.label.clone(),
                    if p.other > 0.0 {
                        charts::number(p.value)
                    } else {
                        "—".into()
                    },
                    charts::number(p.other),
                ]
            })
            .collect(),
    }
}

pub fn manufacturer_chart(points: &[Point]) -> Chart {
    let summary = match points.first() {
        Some(top) => format!(
            "{} breakdowns in the last 12 months across {} makes; {} had the most ({}).",
            charts::number(total(points)),
            points.len(),
            top.label,
            charts::number(top.value)
        ),
        None => "No breakdowns in the last 12 months.".into(),
    };
    let items: Vec<(String, f64, &str)> = points
        .iter()
        .map(|p| (p.label.clone(), p.value, "bar-breakdown"))
        .collect();
    Chart {
        id: "chart-manufacturers",
        heading: "Breakdowns per manufacturer",
        svg: charts::horizontal_bars(
            "chart-manufacturers",
            "Breakdowns per manufacturer, last 12 months",
            &summary,
            &items,
        ),
        summary,
        columns: vec!["Manufacturer".into(), "Breakdowns".into()],
        rows: points
            .iter()
            .map(|p| vec![p.label.clone(), charts::number(p.value)])
            .collect(),
    }
}

pub fn status_chart(dashboard: &Dashboard) -> Chart {
    let l = &dashboard.figures.lifts;
    let items: Vec<(String, f64, &str)> = vec![
        ("Operational".into(), l.operational as f64, "bar-ok"),
        ("Degraded".into(), l.degraded as f64, "bar-warn"),
        ("Under maintenance".into(), l.maintenance as f64, "bar-warn"),
        ("Out of service".into(), l.out_of_service as f64, "bar-bad"),
        ("Decommissioned".into(), l.decommissioned as f64, "bar-grey"),
    ];
    let summary = format!(
        "{} of {} lifts in use are operational, {} degraded, {} under maintenance and {} out of service.",
        l.operational, l.active, l.degraded, l.maintenance, l.out_of_service
    );
    Chart {
        id: "chart-status",
        heading: "Lift status",
        svg: charts::horizontal_bars("chart-status", "Lifts by status", &summary, &items),
        summary,
        columns: vec!["Status".into(), "Lifts".into()],
        rows: items
            .iter()
            .map(|(label, value, _)| vec![label.clone(), charts::number(*value)])
            .collect(),
    }
}

/// The 90-day health line of a site, or `None` before the first snapshot.
pub fn history_chart(points: &[HistoryPoint]) -> Option<Chart> {
    let first = points.first()?;
    let last = points.last()?;
    let summary = format!(
        "Health went from {} on {} to {} on {} ({} daily snapshots).",
        first.score,
        first.recorded_on.format("%d %b"),
        last.score,
        last.recorded_on.format("%d %b"),
        points.len()
    );
    let values: Vec<(String, f64)> = points
        .iter()
        .map(|p| (p.recorded_on.to_string(), f64::from(p.score)))
        .collect();
    Some(Chart {
        id: "chart-health-history",
        heading: "Health over the last 90 days",
        svg: charts::sparkline(
            "chart-health-history",
            "Site health score per day, last 90 days",
            &summary,
            &values,
        ),
        summary,
        columns: vec!["Day".into(), "Score".into()],
        rows: points
            .iter()
            .map(|p| vec![p.recorded_on.to_string(), p.score.to_string()])
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub slug: String,
    pub name: String,
    pub dashboard: Dashboard,
    pub charts: Vec<Chart>,
    pub now: DateTime<Utc>,
}

impl DashboardPage {
    pub fn is_empty(&self) -> bool {
        self.dashboard.sites == 0
            && self.dashboard.figures.lifts.active == 0
            && self.dashboard.figures.work_orders.open() == 0
    }

    /// "3 days", "5 hours": how long ago `since` was.
    pub fn age(&self, since: &DateTime<Utc>) -> String {
        let minutes = (self.now - *since).num_minutes().max(0);
        let plural = |n: i64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        match minutes {
            m if m < 60 => plural(m, "minute"),
            m if m < 48 * 60 => plural(m / 60, "hour"),
            m => plural(m / (24 * 60), "day"),
        }
    }

    pub fn attention_href(&self, item: &Attention) -> String {
        match item.kind.as_str() {
            "work_order_overdue" | "pm_overdue" => {
                format!("/o/{}/work-orders/{}", self.slug, item.id)
            }
            "request_unacknowledged" => format!("/o/{}/service-requests/{}", self.slug, item.id),
            _ => format!("/o/{}/elevators/{}", self.slug, item.id),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/health_help.html")]
pub struct HealthHelpPage {
    pub layout: Layout,
    pub slug: String,
}

/// The health and reliability card of a lift or site page, rendered inside that page.
#[derive(Template)]
#[template(path = "dashboard/health_panel.html")]
pub struct HealthPanel {
    pub slug: String,
    /// "lift" or "site", for the wording.
    pub subject: &'static str,
    pub score: Option<i32>,
    pub components: Vec<super::health::Component>,
    pub reliability: super::queries::Reliability,
    pub history: Option<Chart>,
}

impl HealthPanel {
    /// A lift's panel: its stored score and breakdown, and its MTTR/MTBF.
    pub fn for_lift(
        conn: &mut diesel::PgConnection,
        slug: &str,
        elevator_id: uuid::Uuid,
    ) -> diesel::QueryResult<HealthPanel> {
        use crate::db::schema_org::elevators;
        use diesel::prelude::*;
        let (score, components): (Option<i32>, serde_json::Value) = elevators::table
            .find(elevator_id)
            .select((elevators::health_score, elevators::health_score_components))
            .first(conn)?;
        let reliability = super::queries::reliability(
            conn,
            super::queries::Scope {
                elevator_id: Some(elevator_id),
                ..Default::default()
            },
            Utc::now(),
        )?;
        Ok(HealthPanel {
            slug: slug.to_string(),
            subject: "lift",
            score,
            components: super::health::components_of(&components),
            reliability,
            history: None,
        })
    }

    /// A site's panel: its score, MTTR/MTBF over its lifts and the 90-day history line.
    pub fn for_site(
        conn: &mut diesel::PgConnection,
        slug: &str,
        site_id: uuid::Uuid,
    ) -> diesel::QueryResult<HealthPanel> {
        use crate::db::schema_org::sites;
        use diesel::prelude::*;
        let score: Option<i32> = sites::table
            .find(site_id)
            .select(sites::health_score)
            .first(conn)?;
        let now = Utc::now();
        let reliability = super::queries::reliability(
            conn,
            super::queries::Scope {
                site_id: Some(site_id),
                ..Default::default()
            },
            now,
        )?;
        let history = super::queries::site_history(conn, site_id, now.date_naive(), 90)?;
        Ok(HealthPanel {
            slug: slug.to_string(),
            subject: "site",
            score,
            components: Vec::new(),
            reliability,
            history: history_chart(&history),
        })
    }

    pub fn band(&self) -> &'static str {
        super::health::band(self.score)
    }

    pub fn band_label(&self) -> &'static str {
        super::health::band_label(self.score)
    }
}
