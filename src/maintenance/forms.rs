//! The schedule form, the list's filters, the reading form and the occurrence "move" form.

use bigdecimal::BigDecimal;
use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cycle::{Cycle, CycleError};
use super::model::{Frequency, Requirement, MAX_HOURS, MAX_TRIPS, WEEKDAYS};
use crate::elevators::forms::date;
use crate::web::forms::{blank, check_line, check_text, decimal, whole, FieldErrors};
use crate::work_orders::status::{Priority, WorkOrderType};

/// The most tasks one checklist may have.
pub const MAX_TASKS: usize = 100;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ScheduleForm {
    pub elevator_id: String,
    /// "1": one schedule for every lift of the chosen lift's site, kept in step.
    pub whole_site: String,
    pub name: String,
    pub description: String,
    pub work_type: String,
    pub priority: String,
    pub frequency: String,
    pub every: String,
    pub weekday: String,
    pub day_of_month: String,
    pub anchor: String,
    pub lead_days: String,
    pub assigned_contractor_id: String,
    pub estimated_hours: String,
    pub start_date: String,
    pub end_date: String,
    pub skip_holidays: String,
    /// One task per line; `[photo]`, `[trips]` or `[hours]` at the end asks for one.
    pub checklist: String,
}

/// A checked schedule form.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleValues {
    pub elevator_id: Uuid,
    pub whole_site: bool,
    pub name: String,
    pub description: Option<String>,
    pub work_type: WorkOrderType,
    pub priority: Priority,
    pub frequency: Frequency,
    pub every: i32,
    pub weekday: Option<i16>,
    pub day_of_month: Option<i16>,
    pub anchor: String,
    pub lead_days: i32,
    pub assigned_contractor_id: Option<Uuid>,
    pub estimated_hours: Option<BigDecimal>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub skip_holidays: bool,
    pub checklist: Vec<(String, Requirement)>,
}

/// The checklist's lines as (task, what it asks for).
pub fn parse_checklist(text: &str) -> Vec<(String, Requirement)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            for requirement in [Requirement::Photo, Requirement::Trips, Requirement::Hours] {
                let marker = format!("[{}]", requirement.as_str());
                if let Some(title) = line.strip_suffix(&marker) {
                    return (title.trim().to_string(), requirement);
                }
            }
            (line.to_string(), Requirement::Nothing)
        })
        .collect()
}

/// The checklist as the form shows it.
pub fn checklist_text<'a>(items: impl IntoIterator<Item = (&'a str, Requirement)>) -> String {
    items
        .into_iter()
        .map(|(title, requires)| match requires {
            Requirement::Nothing => title.to_string(),
            other => format!("{title} [{}]", other.as_str()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ScheduleForm {
    pub fn validate(&self) -> Result<ScheduleValues, FieldErrors> {
        let mut e = FieldErrors::default();
        let elevator_id = Uuid::parse_str(self.elevator_id.trim()).ok();
        if elevator_id.is_none() {
            e.add("elevator_id", "Choose the lift this schedule is for.");
        }
        check_line(&mut e, "name", &self.name, 255, true);
        check_text(&mut e, "description", &self.description, 5000, false);
        let work_type = match self.work_type.as_str() {
            "inspection" => WorkOrderType::Inspection,
            "preventive" | "" => WorkOrderType::Preventive,
            _ => {
                e.add("work_type", "Choose preventive maintenance or inspection.");
                WorkOrderType::Preventive
            }
        };
        let priority = Priority::parse(self.priority.trim()).unwrap_or_else(|| {
            e.add("priority", "Choose a priority.");
            Priority::Medium
        });
        let frequency = Frequency::parse(self.frequency.trim());
        if frequency.is_none() {
            e.add("frequency", "Choose how often the visit comes round.");
        }
        let frequency = frequency.unwrap_or(Frequency::Monthly);
        let every = if frequency.takes_count() {
            let every = self.every.trim().parse::<i64>().ok();
            match every {
                None => {
                    e.add("every", "Enter how many, as a whole number.");
                    1
                }
                Some(n) => i32::try_from(n).unwrap_or(i32::MAX).max(0),
            }
        } else {
            1
        };
        let weekday = whole(&mut e, "weekday", &self.weekday, 0..=6).and_then(|d| {
            matches!(frequency, Frequency::Weekly | Frequency::Weeks).then_some(d as i16)
        });
        let day_of_month = if matches!(
            frequency,
            Frequency::Monthly | Frequency::Quarterly | Frequency::Yearly | Frequency::Months
        ) {
            let raw = self.day_of_month.trim();
            match raw.parse::<i16>() {
                _ if raw.is_empty() => None,
                Ok(d) if (1..=31).contains(&d) => Some(d),
                _ => {
                    e.add("day_of_month", CycleError::BadDay.to_string());
                    None
                }
            }
        } else {
            None
        };
        match frequency.meter() {
            Some(meter) => {
                let max = if meter == super::model::Meter::Trips {
                    MAX_TRIPS
                } else {
                    MAX_HOURS
                };
                if every <= 0 {
                    e.add("every", CycleError::Zero.to_string());
                } else if every > max {
                    e.add(
                        "every",
                        format!(
                            "That is too long between visits: at most {} {}.",
                            super::model::thousands(i64::from(max)),
                            meter.unit()
                        ),
                    );
                }
            }
            None => {
                let weekday_of = weekday.and_then(|d| WEEKDAYS.get(d as usize).copied());
                let cycle = frequency.cycle(
                    u32::try_from(every).unwrap_or(0),
                    weekday_of,
                    day_of_month.map(|d| d as u32),
                );
                if let Some(Err(problem)) = cycle.map(Cycle::checked) {
                    e.add("every", problem.to_string());
                }
            }
        }
        let anchor = match self.anchor.as_str() {
            "" | "fixed" => "fixed",
            "floating" => "floating",
            _ => {
                e.add("anchor", "Choose how the next visit is counted.");
                "fixed"
            }
        };
        let lead_days = if self.lead_days.trim().is_empty() {
            7
        } else {
            whole(&mut e, "lead_days", &self.lead_days, 0..=90).unwrap_or(7)
        };
        let assigned_contractor_id = match blank(&self.assigned_contractor_id) {
            None => None,
            Some(raw) => match Uuid::parse_str(&raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("assigned_contractor_id", "Choose one of your contractors.");
                    None
                }
            },
        };
        let estimated_hours = decimal(&mut e, "estimated_hours", &self.estimated_hours, 0, 999, 2);
        let start_date = date(&mut e, "start_date", &self.start_date);
        if start_date.is_none() && !e.has("start_date") {
            e.add("start_date", "Enter the date of the first visit.");
        }
        let end_date = date(&mut e, "end_date", &self.end_date);
        if let (Some(start), Some(end)) = (start_date, end_date) {
            if end < start {
                e.add(
                    "end_date",
                    "The end date must not be before the start date.",
                );
            }
        }
        let checklist = parse_checklist(&self.checklist);
        if checklist.len() > MAX_TASKS {
            e.add(
                "checklist",
                format!(
                    "A checklist may have at most {MAX_TASKS} tasks; this one has {}.",
                    checklist.len()
                ),
            );
        } else if checklist
            .iter()
            .any(|(title, _)| title.chars().count() > 255)
        {
            e.add("checklist", "Keep each task under 255 characters.");
        } else if checklist.iter().any(|(title, _)| title.is_empty()) {
            e.add("checklist", "A task needs words before its [marker].");
        } else {
            check_text(&mut e, "checklist", &self.checklist, 30_000, false);
        }
        match (elevator_id, start_date) {
            (Some(elevator_id), Some(start_date)) if e.is_empty() => Ok(ScheduleValues {
                elevator_id,
                whole_site: self.whole_site == "1",
                name: self.name.trim().to_string(),
                description: blank(&self.description),
                work_type,
                priority,
                frequency,
                every,
                weekday,
                day_of_month,
                anchor: anchor.to_string(),
                lead_days,
                assigned_contractor_id,
                estimated_hours,
                start_date,
                end_date,
                skip_holidays: self.skip_holidays == "1",
                checklist,
            }),
            _ => Err(e),
        }
    }
}

/// The list's filters, sorting and page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ScheduleListQuery {
    pub q: String,
    pub site: String,
    pub elevator: String,
    pub frequency: String,
    pub assignee: String,
    /// "1": only schedules with a visit past its due date and not done.
    pub overdue: String,
    /// "active" (default), "paused" or "all".
    pub state: String,
    pub sort: String,
    pub page: Option<i64>,
}

/// The list's sort orders: (key, label).
pub const SORTS: &[(&str, &str)] = &[
    ("next", "Next visit"),
    ("name", "Name"),
    ("lift", "Lift"),
    ("frequency", "Frequency"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReadingForm {
    pub meter: String,
    pub value: String,
    pub read_on: String,
    pub counter_reset: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    /// "skip", "move" or "restore".
    pub action: String,
    pub due_on: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HolidayForm {
    pub day: String,
    pub name: String,
}

/// The weekday choices of the form: (number, name).
pub fn weekday_choices() -> Vec<(usize, &'static str)> {
    WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, w): (usize, &Weekday)| (i, super::model::day_name(*w)))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn form() -> ScheduleForm {
        ScheduleForm {
            elevator_id: Uuid::nil().to_string(),
            name: "Monthly service".into(),
            priority: "medium".into(),
            frequency: "monthly".into(),
            start_date: "2026-01-31".into(),
            checklist:
                "Inspect doors\nRead the trip counter [trips]\nPhoto of the machine room [photo]"
                    .into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_gives_values_with_its_checklist() {
        let values = form().validate().unwrap();
        assert_eq!(values.frequency, Frequency::Monthly);
        assert_eq!(values.lead_days, 7);
        assert_eq!(
            values.checklist,
            vec![
                ("Inspect doors".to_string(), Requirement::Nothing),
                ("Read the trip counter".to_string(), Requirement::Trips),
                ("Photo of the machine room".to_string(), Requirement::Photo),
            ]
        );
        assert_eq!(
            checklist_text(values.checklist.iter().map(|(t, r)| (t.as_str(), *r))),
            form().checklist
        );
    }

    #[test]
    fn bad_frequencies_dates_and_checklists_are_refused_by_field() {
        let errors = |f: ScheduleForm| f.validate().unwrap_err();
        let zero = ScheduleForm {
            frequency: "months".into(),
            every: "0".into(),
            ..form()
        };
        assert!(errors(zero).has("every"));
        let negative = ScheduleForm {
            frequency: "custom_days".into(),
            every: "-3".into(),
            ..form()
        };
        assert!(errors(negative).has("every"));
        let too_long = ScheduleForm {
            frequency: "months".into(),
            every: "61".into(),
            ..form()
        };
        assert!(errors(too_long).get("every").unwrap().contains("60 months"));
        let backwards = ScheduleForm {
            end_date: "2025-12-31".into(),
            ..form()
        };
        assert!(errors(backwards).has("end_date"));
        let long_list = ScheduleForm {
            checklist: (0..500).map(|i| format!("Task {i}\n")).collect(),
            ..form()
        };
        assert!(errors(long_list).get("checklist").unwrap().contains("500"));
        let meter = ScheduleForm {
            frequency: "trips".into(),
            every: "50000".into(),
            ..form()
        };
        assert_eq!(meter.validate().unwrap().every, 50_000);
    }
}
