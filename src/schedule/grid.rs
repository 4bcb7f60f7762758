//! The calendar's layout: the period shown (a week or a day, in one time zone), its columns,
//! one row per person with their bookings in the right cells, clashes marked, and the work
//! waiting for a booking. Pure: the rows come from one query (`queries::entries`).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::queries::Entry;
use crate::web::local_time;
use crate::work_orders::status::{Priority, WorkOrderStatus};

/// The day view's columns: one an hour from [`FIRST_HOUR`] to [`LAST_HOUR`] (earlier and later
/// visits sit in the first and last).
pub const FIRST_HOUR: u32 = 6;
pub const LAST_HOUR: u32 = 19;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Week,
    Day,
}

impl View {
    pub fn parse(value: &str) -> View {
        if value == "day" {
            View::Day
        } else {
            View::Week
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Week => "week",
            View::Day => "day",
        }
    }
}

/// The days a calendar shows, and the instants they span in its zone.
#[derive(Debug, Clone)]
pub struct Period {
    pub view: View,
    /// The day asked for; a week starts on its Monday.
    pub anchor: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn new(view: View, anchor: NaiveDate, zone: &Tz) -> Period {
        let first = match view {
            View::Week => anchor - Duration::days(anchor.weekday().num_days_from_monday().into()),
            View::Day => anchor,
        };
        let count = if view == View::Week { 7 } else { 1 };
        let days: Vec<NaiveDate> = (0..count).map(|i| first + Duration::days(i)).collect();
        Period {
            view,
            anchor,
            from: local_time::start_of_day(first, zone),
            to: local_time::start_of_day(first + Duration::days(count), zone),
            days,
        }
    }

    /// The same view one step back or on.
    pub fn step(&self, forward: bool) -> NaiveDate {
        let days = if self.view == View::Week { 7 } else { 1 };
        self.anchor + Duration::days(if forward { days } else { -days })
    }

    pub fn title(&self) -> String {
        match (self.days.first(), self.days.last()) {
            (Some(first), Some(last)) if self.view == View::Week => format!(
                "Week of {} – {}",
                first.format("%-d %b"),
                last.format("%-d %b %Y")
            ),
            _ => self.anchor.format("%A %-d %B %Y").to_string(),
        }
    }
}

/// A column of the grid: a day (week view) or an hour (day view).
#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    pub date: NaiveDate,
    /// The hour a drop here starts at (day view); in the week view a drop keeps the time.
    pub hour: Option<u32>,
    pub today: bool,
}

/// A booking as the grid shows it.
#[derive(Debug, Clone)]
pub struct Block {
    pub entry: Entry,
    /// "09:00–11:00" in the calendar's zone.
    pub when: String,
    /// The start's time of day in the calendar's zone ("09:00"): a drop on another day keeps it.
    pub start_time: String,
    pub minutes: i64,
    /// The same person is booked elsewhere at the same time.
    pub clash: bool,
    /// The time at the site when its zone differs from the calendar's ("10:00 AWST").
    pub site_time: Option<String>,
}

impl Block {
    pub fn is_done(&self) -> bool {
        !self.entry.status.is_open()
    }
}

/// A work order waiting for a booking.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub entry: Entry,
    /// "3 Dec 2026" in the site's zone, and whether that is past.
    pub due: Option<String>,
    pub overdue: bool,
}

impl Waiting {
    /// The assignee's id, or empty.
    pub fn assignee(&self) -> String {
        self.entry
            .assignee_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub person_id: Uuid,
    pub name: String,
    pub cells: Vec<Vec<Block>>,
}

#[derive(Debug, Clone)]
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub waiting: Vec<Waiting>,
    pub clashes: usize,
}

/// Lays out `entries` over `period` in `zone`, one row for each of `people` (and for anyone
/// booked who is not among them, such as a contractor made inactive since).
pub fn lay_out(
    period: &Period,
    zone: &Tz,
    people: &[(Uuid, String)],
    entries: Vec<Entry>,
    now: DateTime<Utc>,
) -> Grid {
    let today = local_time::day(&now, zone);
    let columns: Vec<Column> = match period.view {
        View::Week => period
            .days
            .iter()
            .map(|d| Column {
                label: d.format("%a %-d").to_string(),
                date: *d,
                hour: None,
                today: *d == today,
            })
            .collect(),
        View::Day => (FIRST_HOUR..=LAST_HOUR)
            .map(|h| Column {
                label: format!("{h:02}:00"),
                date: period.anchor,
                hour: Some(h),
                today: period.anchor == today,
            })
            .collect(),
    };
    let mut rows: Vec<Row> = people
        .iter()
        .map(|(id, name)| Row {
            person_id: *id,
            name: name.clone(),
            cells: vec![Vec::new(); columns.len()],
        })
        .collect();
    let mut index: HashMap<Uuid, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.person_id, i))
        .collect();
    let mut waiting = Vec::new();
    for entry in entries {
        if !entry.booked {
            let site_zone = local_time::zone(&entry.site_timezone);
            waiting.push(Waiting {
                due: entry.due_date.map(|d| local_time::date(&d, &site_zone)),
                overdue: entry.due_date.is_some_and(|d| d < now),
                entry,
            });
            continue;
        }
        let (Some(person), Some(start)) = (entry.assignee_id, entry.scheduled_start) else {
            continue;
        };
        let local = start.with_timezone(zone);
        let column = match period.view {
            View::Week => period.days.iter().position(|d| *d == local.date_naive()),
            View::Day => (local.date_naive() == period.anchor)
                .then(|| (local.hour().clamp(FIRST_HOUR, LAST_HOUR) - FIRST_HOUR) as usize),
        };
        let Some(column) = column else { continue };
        let row = *index.entry(person).or_insert_with(|| {
            rows.push(Row {
                person_id: person,
                name: entry.assignee_name.clone().unwrap_or_default(),
                cells: vec![Vec::new(); columns.len()],
            });
            rows.len() - 1
        });
        let end = entry.scheduled_end.filter(|e| *e > start);
        let site_zone = local_time::zone(&entry.site_timezone);
        let when = match end {
            Some(end) => format!(
                "{}–{}",
                local_time::time(&start, zone),
                local_time::time(&end, zone)
            ),
            None => local_time::time(&start, zone),
        };
        let site_time = local_time::differs(zone, &site_zone).then(|| {
            format!(
                "{} {} at the site",
                local_time::time(&start, &site_zone),
                local_time::abbreviation(&start, &site_zone)
            )
        });
        if let Some(cell) = rows.get_mut(row).and_then(|r| r.cells.get_mut(column)) {
            cell.push(Block {
                when,
                start_time: local_time::time(&start, zone),
                minutes: end.map_or(60, |e| (e - start).num_minutes()),
                clash: false,
                site_time,
                entry,
            });
        }
    }
    let clashes = mark_clashes(&mut rows);
    Grid {
        columns,
        rows,
        waiting,
        clashes,
    }
}

/// Marks each open booking that overlaps another open booking of the same person; returns how
/// many are marked.
fn mark_clashes(rows: &mut [Row]) -> usize {
    let mut marked = 0;
    for row in rows {
        let spans: Vec<(usize, usize, DateTime<Utc>, DateTime<Utc>)> = row
            .cells
            .iter()
            .enumerate()
            .flat_map(|(c, cell)| {
                cell.iter().enumerate().filter_map(move |(i, b)| {
                    let start = b.entry.scheduled_start?;
                    let open = b.entry.status.is_open();
                    open.then(|| (c, i, start, start + Duration::minutes(b.minutes.max(1))))
                })
            })
            .collect();
        for (c, i, start, end) in &spans {
            let overlaps = spans
                .iter()
                .any(|(c2, i2, s2, e2)| (c2, i2) != (c, i) && s2 < end && start < e2);
            if overlaps {
                if let Some(block) = row.cells.get_mut(*c).and_then(|cell| cell.get_mut(*i)) {
                    block.clash = true;
                    marked += 1;
                }
            }
        }
    }
    marked
}

/// Priority as a CSS class suffix.
pub fn priority_class(priority: Priority) -> &'static str {
    priority.as_str()
}

/// Whether a work order in `status` can still be booked.
pub fn can_book(status: WorkOrderStatus) -> bool {
    matches!(
        status,
        WorkOrderStatus::Pending
            | WorkOrderStatus::Scheduled
            | WorkOrderStatus::InProgress
            | WorkOrderStatus::OnHold
    )
}
