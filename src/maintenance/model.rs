//! What a maintenance schedule is: its frequency, what its checklist tasks ask for, and the
//! rows the pages and the generator read.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc, Weekday};
use diesel::prelude::*;
use uuid::Uuid;

use super::cycle::{Anchor, Cycle};
use crate::db::schema_org::{maintenance_checklist_items, maintenance_schedules};
use crate::pg_enum;
use crate::work_orders::status::{Priority, WorkOrderType};

pg_enum!(
    /// How a schedule comes round: the seed's types, "every N weeks/months on …", and meters.
    Frequency: diesel::sql_types::Text {
        Daily = "daily" => "Daily",
        Weekly = "weekly" => "Weekly",
        Monthly = "monthly" => "Monthly",
        Quarterly = "quarterly" => "Quarterly",
        Yearly = "yearly" => "Yearly",
        CustomDays = "custom_days" => "Every N days",
        Weeks = "weeks" => "Every N weeks",
        Months = "months" => "Every N months",
        Trips = "trips" => "Every N trips",
        Hours = "hours" => "Every N running hours",
    }
);

pg_enum!(
    /// Which meter a reading is of.
    Meter: diesel::sql_types::Text {
        Trips = "trips" => "Trip counter",
        Hours = "hours" => "Running hours",
    }
);

pg_enum!(
    /// What doing a checklist task must leave behind.
    Requirement: diesel::sql_types::Text {
        Nothing = "nothing" => "Nothing more",
        Trips = "trips" => "A trip-counter reading",
        Hours = "hours" => "A running-hours reading",
        Photo = "photo" => "A photo",
    }
);

/// The most trips and running hours a meter schedule may wait between visits.
pub const MAX_TRIPS: i32 = 10_000_000;
pub const MAX_HOURS: i32 = 100_000;

impl Frequency {
    /// Whether the schedule counts a meter instead of the calendar.
    pub fn meter(self) -> Option<Meter> {
        match self {
            Frequency::Trips => Some(Meter::Trips),
            Frequency::Hours => Some(Meter::Hours),
            _ => None,
        }
    }

    /// Whether the form asks for the N of "every N …".
    pub fn takes_count(self) -> bool {
        matches!(
            self,
            Frequency::CustomDays
                | Frequency::Weeks
                | Frequency::Months
                | Frequency::Trips
                | Frequency::Hours
        )
    }

    /// The calendar cycle, for calendar frequencies; `every` is the N of "every N …".
    pub fn cycle(self, every: u32, weekday: Option<Weekday>, day: Option<u32>) -> Option<Cycle> {
        Some(match self {
            Frequency::Daily => Cycle::Days(1),
            Frequency::CustomDays => Cycle::Days(every),
            Frequency::Weekly => Cycle::Weeks { every: 1, weekday },
            Frequency::Weeks => Cycle::Weeks { every, weekday },
            Frequency::Monthly => Cycle::Months { every: 1, day },
            Frequency::Quarterly => Cycle::Months { every: 3, day },
            Frequency::Yearly => Cycle::Months { every: 12, day },
            Frequency::Months => Cycle::Months { every, day },
            Frequency::Trips | Frequency::Hours => return None,
        })
    }
}

impl Meter {
    pub fn unit(self) -> &'static str {
        match self {
            Meter::Trips => "trips",
            Meter::Hours => "running hours",
        }
    }
}

impl Requirement {
    /// The meter a reading task is of.
    pub fn meter(self) -> Option<Meter> {
        match self {
            Requirement::Trips => Some(Meter::Trips),
            Requirement::Hours => Some(Meter::Hours),
            Requirement::Nothing | Requirement::Photo => None,
        }
    }
}

/// Monday first, as the form lists them (0 is Monday).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = maintenance_schedules)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Schedule {
    pub id: Uuid,
    pub elevator_id: Uuid,
    pub site_id: Uuid,
    pub site_group_id: Option<Uuid>,
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
    pub is_active: bool,
    pub skip_holidays: bool,
    pub next_due_on: Option<NaiveDate>,
    pub meter_from: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Schedule {
    pub fn weekday(&self) -> Option<Weekday> {
        self.weekday
            .and_then(|d| WEEKDAYS.get(usize::try_from(d).ok()?).copied())
    }

    pub fn cycle(&self) -> Option<Cycle> {
        let every = u32::try_from(self.every).unwrap_or(1);
        let day = self.day_of_month.and_then(|d| u32::try_from(d).ok());
        self.frequency.cycle(every, self.weekday(), day)
    }

    pub fn anchor(&self) -> Anchor {
        if self.anchor == "floating" {
            Anchor::Floating
        } else {
            Anchor::Fixed
        }
    }

    /// "Every 2 months on day 15", "Weekly on Monday", "Every 50,000 trips".
    pub fn describe(&self) -> String {
        describe(
            self.frequency,
            self.every,
            self.weekday(),
            self.day_of_month,
        )
    }
}

/// The words for a frequency, as lists and forms show it.
pub fn describe(
    frequency: Frequency,
    every: i32,
    weekday: Option<Weekday>,
    day: Option<i16>,
) -> String {
    let plural = |n: i32, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            format!("Every {} {many}", thousands(i64::from(n)))
        }
    };
    let base = match frequency {
        Frequency::Daily => "Daily".to_string(),
        Frequency::Weekly => "Weekly".to_string(),
        Frequency::Monthly => "Monthly".to_string(),
        Frequency::Quarterly => "Quarterly".to_string(),
        Frequency::Yearly => "Yearly".to_string(),
        Frequency::CustomDays => plural(every, "Daily", "days"),
        Frequency::Weeks => plural(every, "Weekly", "weeks"),
        Frequency::Months => plural(every, "Monthly", "months"),
        Frequency::Trips => return format!("Every {} trips", thousands(i64::from(every))),
        Frequency::Hours => return format!("Every {} running hours", thousands(i64::from(every))),
    };
    match (frequency, weekday, day) {
        (Frequency::Weekly | Frequency::Weeks, Some(w), _) => format!("{base} on {}", day_name(w)),
        (
            Frequency::Monthly | Frequency::Quarterly | Frequency::Yearly | Frequency::Months,
            _,
            Some(d),
        ) => format!("{base} on day {d}"),
        _ => base,
    }
}

pub fn day_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// 50000 → "50,000".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = maintenance_checklist_items)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ChecklistItem {
    pub position: i32,
    pub title: String,
    pub requires: Requirement,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_are_described_as_people_say_them() {
        assert_eq!(
            describe(Frequency::Months, 2, None, Some(15)),
            "Every 2 months on day 15"
        );
        assert_eq!(
            describe(Frequency::Weekly, 1, Some(Weekday::Mon), None),
            "Weekly on Monday"
        );
        assert_eq!(
            describe(Frequency::Trips, 50_000, None, None),
            "Every 50,000 trips"
        );
        assert_eq!(describe(Frequency::CustomDays, 1, None, None), "Daily");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn the_seed_frequencies_map_onto_cycles() {
        assert_eq!(
            Frequency::Quarterly.cycle(1, None, Some(31)),
            Some(Cycle::Months {
                every: 3,
                day: Some(31)
            })
        );
        assert_eq!(
            Frequency::CustomDays.cycle(10, None, None),
            Some(Cycle::Days(10))
        );
        assert_eq!(Frequency::Hours.cycle(500, None, None), None);
        assert_eq!(Frequency::Hours.meter(), Some(Meter::Hours));
    }
}
