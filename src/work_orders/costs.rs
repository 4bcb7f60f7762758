//! Money on a work order: labour from times and rates, parts from quantities, all in
//! `BigDecimal` and rounded half-up to cents.

use bigdecimal::{BigDecimal, RoundingMode};
use chrono::{DateTime, Utc};

pub const LABOR_TYPES: &[(&str, &str)] = &[
    ("regular", "Regular"),
    ("overtime", "Overtime (× 1.5)"),
    ("emergency", "Emergency (contractor's multiplier)"),
    ("travel", "Travel"),
];

pub fn cents(amount: &BigDecimal) -> BigDecimal {
    amount.with_scale_round(2, RoundingMode::HalfUp)
}

/// Whole minutes between two instants (across midnight and days alike).
pub fn minutes(start: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
    (end - start).num_minutes()
}

/// The rate multiplier for a kind of labour: overtime 1.5, emergency the contractor's own.
pub fn multiplier(labor_type: &str, emergency_multiplier: &BigDecimal) -> BigDecimal {
    match labor_type {
        "overtime" => BigDecimal::from(3) / BigDecimal::from(2),
        "emergency" => emergency_multiplier.clone(),
        _ => BigDecimal::from(1),
    }
}

/// hourly rate × minutes / 60 × multiplier, rounded once at the end.
pub fn labor_cost(hourly_rate: &BigDecimal, minutes: i64, multiplier: &BigDecimal) -> BigDecimal {
    cents(&(hourly_rate * BigDecimal::from(minutes) * multiplier / BigDecimal::from(60)))
}

pub fn part_cost(unit_cost: &BigDecimal, quantity: i32) -> BigDecimal {
    cents(&(unit_cost * BigDecimal::from(quantity)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    fn d(s: &str) -> BigDecimal {
        BigDecimal::from_str(s).unwrap()
    }

    #[test]
    fn labour_across_midnight_with_multipliers() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 23, 30, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 3, 2, 1, 15, 0).unwrap();
        assert_eq!(minutes(start, end), 105);
        let rate = d("95.00");
        assert_eq!(
            labor_cost(&rate, 105, &multiplier("regular", &d("1.75"))),
            d("166.25")
        );
        assert_eq!(
            labor_cost(&rate, 105, &multiplier("overtime", &d("1.75"))),
            d("249.38")
        );
        assert_eq!(
            labor_cost(&rate, 105, &multiplier("emergency", &d("1.75"))),
            d("290.94")
        );
        // 100 × 1/60 h = 1.6666… → 1.67
        assert_eq!(labor_cost(&d("100"), 1, &d("1")), d("1.67"));
    }

    #[test]
    fn parts_add_up_exactly() {
        let total = part_cost(&d("0.10"), 3) + part_cost(&d("0.20"), 1);
        assert_eq!(total, d("0.50"));
        assert_eq!(cents(&d("33.335")), d("33.34"));
        assert_eq!(cents(&d("2.675")), d("2.68"));
    }
}
