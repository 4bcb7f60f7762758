//! When a maintenance schedule's visits fall due. Plain calendar arithmetic on the site's own
//! dates, free of the database, so every rule (month ends, leap years, fixed against floating
//! cycles, holidays) is tested on its own.
//!
//! A fixed cycle counts every visit from the schedule's first date, so "monthly on the 31st"
//! comes back to the 31st after February instead of drifting to the 28th; a floating cycle
//! counts from when the last visit was done.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The longest cycles a schedule may have: five years in days or weeks, 60 months.
pub const MAX_DAYS: u32 = 5 * 366;
pub const MAX_WEEKS: u32 = 5 * 53;
pub const MAX_MONTHS: u32 = 60;

/// How often a visit comes round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycle {
    /// Every `n` days (daily is 1).
    Days(u32),
    /// Every `every` weeks, on `weekday` (else on the first date's weekday).
    Weeks {
        every: u32,
        weekday: Option<Weekday>,
    },
    /// Every `every` months on day `day` (the last day of a shorter month), else on the first
    /// date's day. Quarterly is 3, yearly 12.
    Months { every: u32, day: Option<u32> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CycleError {
    #[error("A schedule must come round at least every so often: choose 1 or more.")]
    Zero,
    #[error("That is too long between visits: at most {0}.")]
    TooLong(&'static str),
    #[error("Choose a day of the month from 1 to 31.")]
    BadDay,
}

/// Whether the next visit counts from when the last one was planned or from when it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Fixed,
    Floating,
}

impl Cycle {
    /// The cycle, if it is one a schedule may have.
    pub fn checked(self) -> Result<Cycle, CycleError> {
        let (every, max, what) = match self {
            Cycle::Days(n) => (n, MAX_DAYS, "5 years (1,830 days)"),
            Cycle::Weeks { every, .. } => (every, MAX_WEEKS, "5 years (265 weeks)"),
            Cycle::Months { every, day } => {
                if day.is_some_and(|d| !(1..=31).contains(&d)) {
                    return Err(CycleError::BadDay);
                }
                (every, MAX_MONTHS, "60 months")
            }
        };
        if every == 0 {
            Err(CycleError::Zero)
        } else if every > max {
            Err(CycleError::TooLong(what))
        } else {
            Ok(self)
        }
    }

    /// The first visit on or after `start`: on the cycle's weekday or day of the month.
    pub fn first(self, start: NaiveDate) -> NaiveDate {
        match self {
            Cycle::Days(_) | Cycle::Weeks { weekday: None, .. } => start,
            Cycle::Weeks {
                weekday: Some(weekday),
                ..
            } => on_or_after(start, weekday),
            Cycle::Months { day: None, .. } => start,
            Cycle::Months { day: Some(day), .. } => {
                let this_month = on_day(start, day);
                if this_month >= start {
                    this_month
                } else {
                    on_day(add_months(start, 1), day)
                }
            }
        }
    }

    /// Visit number `k` of a fixed cycle that started on `start` (0 is the first).
    pub fn nth(self, start: NaiveDate, k: u32) -> Option<NaiveDate> {
        let first = self.first(start);
        match self {
            Cycle::Days(n) => first.checked_add_days(Days::new(u64::from(n) * u64::from(k))),
            Cycle::Weeks { every, .. } => {
                first.checked_add_days(Days::new(7 * u64::from(every) * u64::from(k)))
            }
            Cycle::Months { every, day } => {
                let month = first.checked_add_months(Months::new(every.checked_mul(k)?))?;
                Some(on_day(month, day.unwrap_or(first.day())))
            }
        }
    }

    /// The first visit of a fixed cycle started on `start` that falls after `after`.
    pub fn next_fixed(self, start: NaiveDate, after: NaiveDate) -> Option<NaiveDate> {
        let first = self.first(start);
        if first > after {
            return Some(first);
        }
        // Jump close by arithmetic, then step: a cycle of years needs no thousand steps.
        let estimate = match self {
            Cycle::Days(n) => (after - first).num_days() / i64::from(n),
            Cycle::Weeks { every, .. } => (after - first).num_days() / (7 * i64::from(every)),
            Cycle::Months { every, .. } => months_between(first, after) / i64::from(every),
        };
        let mut k = u32::try_from(estimate.saturating_sub(1).max(0)).ok()?;
        loop {
            let date = self.nth(start, k)?;
            if date > after {
                return Some(date);
            }
            k = k.checked_add(1)?;
        }
    }

    /// One cycle after `done`, keeping the cycle's weekday or day of the month.
    pub fn next_floating(self, done: NaiveDate) -> Option<NaiveDate> {
        match self {
            Cycle::Days(n) => done.checked_add_days(Days::new(u64::from(n))),
            Cycle::Weeks { every, weekday } => {
                let date = done.checked_add_days(Days::new(7 * u64::from(every)))?;
                Some(weekday.map_or(date, |w| on_or_after(date, w)))
            }
            Cycle::Months { every, day } => {
                let month = done.checked_add_months(Months::new(every))?;
                Some(on_day(month, day.unwrap_or(done.day())))
            }
        }
    }

    /// The visit after one planned for `planned` and done on `done` (if it was).
    pub fn next(
        self,
        anchor: Anchor,
        start: NaiveDate,
        planned: NaiveDate,
        done: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        match (anchor, done) {
            (Anchor::Floating, Some(done)) => self.next_floating(done),
            _ => self.next_fixed(start, planned),
        }
    }

    /// The visits of a fixed cycle from `from` to `to` (both included), at most `limit`.
    pub fn between(
        self,
        start: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        limit: usize,
    ) -> Vec<NaiveDate> {
        let mut dates = Vec::new();
        let mut next = from.pred_opt().and_then(|day| self.next_fixed(start, day));
        while let Some(date) = next.filter(|d| *d <= to && dates.len() < limit) {
            dates.push(date);
            next = self.next_fixed(start, date);
        }
        dates
    }
}

/// `date` moved past the organization's holidays (to the next day that is not one).
pub fn past_holidays(date: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    let mut date = date;
    while holidays.contains(&date) {
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    date
}

fn on_or_after(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date.checked_add_days(Days::new(u64::from(ahead)))
        .unwrap_or(date)
}

/// Day `day` of `date`'s month, or its last day when the month is shorter.
fn on_day(date: NaiveDate, day: u32) -> NaiveDate {
    (1..=day.min(31))
        .rev()
        .find_map(|d| date.with_day(d))
        .unwrap_or(date)
}

fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_monthly_cycle_on_the_31st_keeps_to_month_ends_without_drifting() {
        let monthly = Cycle::Months {
            every: 1,
            day: None,
        };
        let start = d(2026, 1, 31);
        assert_eq!(monthly.nth(start, 1), Some(d(2026, 2, 28)));
        assert_eq!(monthly.nth(start, 2), Some(d(2026, 3, 31)));
        assert_eq!(monthly.nth(start, 3), Some(d(2026, 4, 30)));
        assert_eq!(
            monthly.next_fixed(start, d(2026, 2, 28)),
            Some(d(2026, 3, 31))
        );
        // A leap year's February.
        assert_eq!(monthly.nth(d(2028, 1, 31), 1), Some(d(2028, 2, 29)));
        // Floating from a visit done on 28 February counts from that day.
        assert_eq!(monthly.next_floating(d(2026, 2, 28)), Some(d(2026, 3, 28)));
    }

    #[test]
    fn yearly_on_29_february_falls_on_the_28th_in_common_years() {
        let yearly = Cycle::Months {
            every: 12,
            day: None,
        };
        let start = d(2028, 2, 29);
        assert_eq!(yearly.nth(start, 1), Some(d(2029, 2, 28)));
        assert_eq!(yearly.nth(start, 4), Some(d(2032, 2, 29)));
    }

    #[test]
    fn every_n_months_on_a_day_starts_at_the_first_such_day() {
        let quarterly_on_15th = Cycle::Months {
            every: 3,
            day: Some(15),
        };
        assert_eq!(quarterly_on_15th.first(d(2026, 1, 20)), d(2026, 2, 15));
        assert_eq!(quarterly_on_15th.first(d(2026, 1, 10)), d(2026, 1, 15));
        assert_eq!(
            quarterly_on_15th.next_fixed(d(2026, 1, 10), d(2026, 1, 15)),
            Some(d(2026, 4, 15))
        );
        let on_31st = Cycle::Months {
            every: 2,
            day: Some(31),
        };
        assert_eq!(on_31st.nth(d(2026, 1, 1), 0), Some(d(2026, 1, 31)));
        assert_eq!(on_31st.nth(d(2026, 1, 1), 2), Some(d(2026, 5, 31)));
        assert_eq!(on_31st.nth(d(2026, 1, 1), 3), Some(d(2026, 7, 31)));
        assert_eq!(on_31st.nth(d(2026, 1, 1), 5), Some(d(2026, 11, 30)));
    }

    #[test]
    fn weekly_cycles_keep_their_weekday() {
        let fortnightly_monday = Cycle::Weeks {
            every: 2,
            weekday: Some(Weekday::Mon),
        };
        // 3 December 2026 is a Thursday.
        assert_eq!(fortnightly_monday.first(d(2026, 12, 3)), d(2026, 12, 7));
        assert_eq!(
            fortnightly_monday.next_fixed(d(2026, 12, 3), d(2026, 12, 7)),
            Some(d(2026, 12, 21))
        );
        // Done late on a Wednesday, floating: two weeks on, then the next Monday.
        assert_eq!(
            fortnightly_monday.next_floating(d(2026, 12, 9)),
            Some(d(2026, 12, 28))
        );
        let daily = Cycle::Days(1);
        assert_eq!(
            daily.next_fixed(d(2026, 12, 3), d(2026, 12, 31)),
            Some(d(2027, 1, 1))
        );
    }

    #[test]
    fn fixed_and_floating_cycles_differ_after_a_late_visit() {
        let monthly = Cycle::Months {
            every: 1,
            day: None,
        };
        let start = d(2026, 1, 10);
        let planned = d(2026, 3, 10);
        let done = Some(d(2026, 3, 24));
        assert_eq!(
            monthly.next(Anchor::Fixed, start, planned, done),
            Some(d(2026, 4, 10))
        );
        assert_eq!(
            monthly.next(Anchor::Floating, start, planned, done),
            Some(d(2026, 4, 24))
        );
        // Not done (skipped or missed): both keep to the plan.
        assert_eq!(
            monthly.next(Anchor::Floating, start, planned, None),
            Some(d(2026, 4, 10))
        );
    }

    #[test]
    fn far_dates_are_reached_by_arithmetic_not_by_walking() {
        let every_3_days = Cycle::Days(3);
        let start = d(2000, 1, 1);
        let next = every_3_days.next_fixed(start, d(2026, 12, 3)).unwrap();
        assert!(next > d(2026, 12, 3) && next <= d(2026, 12, 6));
        assert_eq!((next - start).num_days() % 3, 0);
        let yearly = Cycle::Months {
            every: 12,
            day: Some(1),
        };
        assert_eq!(
            yearly.next_fixed(d(1990, 7, 1), d(2026, 7, 1)),
            Some(d(2027, 7, 1))
        );
    }

    #[test]
    fn visits_between_two_dates_for_catching_up_and_forecasts() {
        let monthly = Cycle::Months {
            every: 1,
            day: Some(5),
        };
        let start = d(2026, 1, 1);
        assert_eq!(
            monthly.between(start, d(2026, 3, 5), d(2026, 6, 4), 100),
            vec![d(2026, 3, 5), d(2026, 4, 5), d(2026, 5, 5)]
        );
        assert_eq!(
            monthly.between(start, d(2026, 3, 6), d(2026, 4, 4), 100),
            vec![]
        );
        assert_eq!(
            monthly
                .between(start, d(2026, 1, 1), d(2030, 1, 1), 3)
                .len(),
            3
        );
    }

    #[test]
    fn holidays_push_a_visit_to_the_next_open_day() {
        let holidays = [d(2026, 12, 25), d(2026, 12, 26)];
        assert_eq!(past_holidays(d(2026, 12, 25), &holidays), d(2026, 12, 27));
        assert_eq!(past_holidays(d(2026, 12, 24), &holidays), d(2026, 12, 24));
    }

    #[test]
    fn impossible_cycles_are_refused() {
        assert_eq!(Cycle::Days(0).checked(), Err(CycleError::Zero));
        assert_eq!(
            Cycle::Months {
                every: 61,
                day: None
            }
            .checked(),
            Err(CycleError::TooLong("60 months"))
        );
        assert_eq!(
            Cycle::Months {
                every: 1,
                day: Some(32)
            }
            .checked(),
            Err(CycleError::BadDay)
        );
        assert!(Cycle::Weeks {
            every: 265,
            weekday: None
        }
        .checked()
        .is_ok());
        assert!(Cycle::Days(MAX_DAYS + 1).checked().is_err());
    }
}
