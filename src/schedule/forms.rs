//! The calendar's query (view, day, filters) and the schedule form, as typed.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::grid::View;
use super::queries::Window;
use crate::web::forms::FieldErrors;
use crate::web::local_time;
use crate::work_orders::operations::schedule::Slot;
use crate::work_orders::status::Priority;

/// `/o/{slug}/schedule?view=week&date=2026-12-03&site=…&priority=…&person=…`
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CalendarQuery {
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub person: String,
}

impl CalendarQuery {
    pub fn view(&self) -> View {
        View::parse(&self.view)
    }

    /// The day asked for, else today in `zone`.
    pub fn anchor(&self, zone: &Tz) -> NaiveDate {
        NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .ok()
            .unwrap_or_else(|| local_time::today(zone))
    }

    pub fn site_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.site.trim()).ok()
    }

    pub fn person_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.person.trim()).ok()
    }

    pub fn priority(&self) -> Option<Priority> {
        Priority::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == self.priority)
    }

    /// What to read for the period `[from, to)`.
    pub fn window(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Window {
        Window {
            from,
            to,
            site: self.site_id(),
            priority: self.priority(),
            person: self.person_id(),
        }
    }

    /// This query with another view or day, as a query string.
    pub fn with(&self, view: View, date: NaiveDate) -> String {
        let mut q = self.clone();
        q.view = view.as_str().into();
        q.date = date.format("%Y-%m-%d").to_string();
        q.query_string()
    }

    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// Booking a work order: from a card's form, a drag on the calendar, or the confirmation of a
/// clash. Times are wall-clock times in `zone`, the calendar's.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ScheduleForm {
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub time: String,
    /// How long, in minutes (empty: as booked, or an hour).
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub zone: String,
    /// "1" once the person has seen the clash and books anyway.
    #[serde(default)]
    pub confirm: String,
    /// The calendar's query string to go back to.
    #[serde(default)]
    pub back: String,
}

impl ScheduleForm {
    pub fn zone(&self) -> Option<Tz> {
        local_time::known_zone(&self.zone)
    }

    /// The slot asked for, or what is wrong with the form.
    pub fn slot(&self) -> Result<Slot, FieldErrors> {
        let mut errors = FieldErrors::default();
        let zone = self.zone();
        if zone.is_none() {
            errors.add("zone", "Reload the calendar: its time zone is missing.");
        }
        let assignee = match self.assignee.trim() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.add("assignee", "Choose someone from the list.");
                    None
                }
            },
        };
        let mut start = None;
        if self.date.trim().is_empty() || self.time.trim().is_empty() {
            if !self.date.trim().is_empty() || !self.time.trim().is_empty() {
                errors.add("start", "Enter both the day and the time.");
            }
        } else {
            match local_time::parse_local(&self.date, &self.time) {
                None => errors.add(
                    "start",
                    "Enter a day like 2026-12-03 and a time like 09:30.",
                ),
                Some(local) => match zone.as_ref().map(|z| local_time::to_utc(local, z)) {
                    Some(None) => errors.add(
                        "start",
                        "The clocks skip that time (daylight saving starts); choose another.",
                    ),
                    Some(at) => start = at,
                    None => {}
                },
            }
        }
        let end = match self.minutes.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(m) if (15..=14 * 24 * 60).contains(&m) => {
                    start.map(|s| s + Duration::minutes(m))
                }
                _ => {
                    errors.add(
                        "minutes",
                        "Enter a length between 15 minutes and two weeks.",
                    );
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Slot {
            assignee,
            start,
            end,
            allow_clash: self.confirm == "1",
        })
    }
}
