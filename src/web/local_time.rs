//! Times as people read and type them: in a place's time zone (a site's, or the organization's
//! default where there is no site), never UTC. Everything stored is UTC; this is the one place
//! that turns an instant into local words and local words into an instant.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The zone used when neither a site nor the organization names one.
pub const FALLBACK: Tz = chrono_tz::Australia::Sydney;

/// The zone named `name` (an IANA name such as `Europe/London`), or [`FALLBACK`].
pub fn zone(name: &str) -> Tz {
    name.trim().parse().unwrap_or(FALLBACK)
}

/// The zone named `name`, if it is one.
pub fn known_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// The zone's abbreviation at `at` ("AEDT", "BST"); zones without one show their offset
/// ("+08").
pub fn abbreviation(at: &DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone).format("%Z").to_string()
}

/// The calendar day it is at `at` in `zone`.
pub fn day(at: &DateTime<Utc>, zone: &Tz) -> NaiveDate {
    at.with_timezone(zone).date_naive()
}

/// Today in `zone`.
pub fn today(zone: &Tz) -> NaiveDate {
    day(&Utc::now(), zone)
}

/// "Tue 3 Dec 2026, 09:30 AEDT": a moment, in `zone`, with the zone's abbreviation.
pub fn date_time(at: &DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// "3 Dec 2026": the day of a moment, in `zone`.
pub fn date(at: &DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone).format("%-d %b %Y").to_string()
}

/// "09:30": the time of day of a moment, in `zone`.
pub fn time(at: &DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone).format("%H:%M").to_string()
}

/// "2026-12-03T09:30": what a `datetime-local` input shows for a moment, in `zone`.
pub fn input_value(at: &DateTime<Utc>, zone: &Tz) -> String {
    at.with_timezone(zone).format("%Y-%m-%dT%H:%M").to_string()
}

/// The moment a wall-clock time in `zone` names. In the hour the clocks go back it is the
/// first of the two; a time the clocks skip (the hour they go forward) names none.
pub fn to_utc(local: NaiveDateTime, zone: &Tz) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The first moment of `day` in `zone` (midnight, or the first minute after a skipped one).
pub fn start_of_day(day: NaiveDate, zone: &Tz) -> DateTime<Utc> {
    (0..=180)
        .step_by(15)
        .filter_map(|minutes| {
            let time = NaiveTime::MIN + chrono::Duration::minutes(minutes);
            to_utc(day.and_time(time), zone)
        })
        .next()
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)))
}

/// A date (`2026-12-03`) and a time (`09:30`) as typed, or the `datetime-local` value
/// `2026-12-03T09:30`.
pub fn parse_local(date: &str, time: &str) -> Option<NaiveDateTime> {
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .ok()?;
    Some(date.and_time(time))
}

/// Whether a reader could take a time in `zone` for one in `other` (they differ now).
pub fn differs(zone: &Tz, other: &Tz) -> bool {
    let now = Utc::now();
    zone != other
        && now.with_timezone(zone).offset().fix() != now.with_timezone(other).offset().fix()
}

/// The template filters: `{{ at|local(zone) }}` ("Tue 3 Dec 2026, 09:30 AEDT") and
/// `{{ at|local_date(zone) }}` ("3 Dec 2026"), where `zone` is an IANA name (a site's
/// `timezone`, or the organization's) or a [`Tz`]. A template's module brings them in with
/// `use crate::web::local_time::filters;`.
pub mod filters {
    use chrono::{DateTime, Utc};

    /// Something that names a time zone.
    pub trait Zone {
        fn zone(&self) -> super::Tz;
    }

    impl Zone for str {
        fn zone(&self) -> super::Tz {
            super::zone(self)
        }
    }

    impl Zone for String {
        fn zone(&self) -> super::Tz {
            super::zone(self)
        }
    }

    impl Zone for super::Tz {
        fn zone(&self) -> super::Tz {
            *self
        }
    }

    impl<T: Zone + ?Sized> Zone for &T {
        fn zone(&self) -> super::Tz {
            (**self).zone()
        }
    }

    #[askama::filter_fn]
    pub fn local<Z: Zone>(
        at: &DateTime<Utc>,
        _: &dyn askama::Values,
        zone: Z,
    ) -> askama::Result<String> {
        Ok(super::date_time(at, &zone.zone()))
    }

    #[askama::filter_fn]
    pub fn local_date<Z: Zone>(
        at: &DateTime<Utc>,
        _: &dyn askama::Values,
        zone: Z,
    ) -> askama::Result<String> {
        Ok(super::date(at, &zone.zone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_times_across_the_clock_changes() {
        let sydney = chrono_tz::Australia::Sydney;
        // 2026-10-04 02:30 does not exist in Sydney (clocks go 02:00 → 03:00).
        let skipped = parse_local("2026-10-04", "02:30").unwrap_or_default();
        assert_eq!(to_utc(skipped, &sydney), None);
        // 2026-04-05 02:30 happens twice (03:00 → 02:00): the first, still daylight time.
        let twice = parse_local("2026-04-05", "02:30").unwrap_or_default();
        let at = to_utc(twice, &sydney).map(|t| t.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2026-04-04T15:30:00+00:00"));
        let london = chrono_tz::Europe::London;
        let summer = parse_local("2026-07-01", "09:00").unwrap_or_default();
        let at = to_utc(summer, &london).unwrap_or_default();
        assert_eq!(date_time(&at, &london), "Wed 1 Jul 2026, 09:00 BST");
        assert_eq!(
            start_of_day(
                NaiveDate::from_ymd_opt(2026, 3, 29).unwrap_or_default(),
                &london
            )
            .to_rfc3339(),
            "2026-03-29T00:00:00+00:00"
        );
    }
}
