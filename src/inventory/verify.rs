//! `sitesync inventory verify --org SLUG`: every level, item total and reservation figure
//! recomputed from the ledger, and the report it prints. The caller has entered the
//! organization; the text lives here, not in `main.rs`, so it can be tested without a process.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::queries::ledger::{self, Difference};

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub items: i64,
    pub locations: i64,
    pub ledger_lines: i64,
    pub differences: Vec<Difference>,
}

#[derive(QueryableByName)]
struct Sizes {
    #[diesel(sql_type = BigInt)]
    items: i64,
    #[diesel(sql_type = BigInt)]
    locations: i64,
    #[diesel(sql_type = BigInt)]
    ledger_lines: i64,
}

/// Recomputes every figure of the organization the connection is in.
pub fn verify(conn: &mut PgConnection) -> QueryResult<Report> {
    let sizes: Sizes = diesel::sql_query(
        "SELECT (SELECT count(*) FROM inventory_items) AS items, \
           (SELECT count(*) FROM stock_locations) AS locations, \
           (SELECT count(*) FROM stock_movements) AS ledger_lines",
    )
    .get_result(conn)?;
    Ok(Report {
        items: sizes.items,
        locations: sizes.locations,
        ledger_lines: sizes.ledger_lines,
        differences: ledger::differences(conn)?,
    })
}

fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Report {
    pub fn is_consistent(&self) -> bool {
        self.differences.is_empty()
    }

    /// The lines to print for organization `org`: one saying all is well, or one per
    /// difference.
    pub fn lines(&self, org: &str) -> Vec<String> {
        if self.is_consistent() {
            return vec![format!(
                "Stock of {org}: {}, {}, {} — every figure matches the ledger.",
                counted(self.items, "item", "items"),
                counted(self.locations, "location", "locations"),
                counted(self.ledger_lines, "ledger line", "ledger lines"),
            )];
        }
        self.differences.iter().map(describe).collect()
    }
}

/// One difference as a person reads it: "KM-602450 at Van 1: on hand is 7, the ledger says 5".
pub fn describe(d: &Difference) -> String {
    let Difference {
        part_number,
        place,
        figure,
        stored,
        ledger,
    } = d;
    match figure.as_str() {
        // The level's reserved units are checked against the reservations table, not the ledger.
        "reservations held" => format!(
            "{part_number} at {place}: reserved is {stored}, its reservations add up to {ledger}"
        ),
        "total on hand" | "total reserved" => format!(
            "{part_number} over all locations: {figure} is {stored}, the ledger says {ledger}"
        ),
        _ => format!("{part_number} at {place}: {figure} is {stored}, the ledger says {ledger}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(place: &str, figure: &str, stored: i32, ledger: i32) -> Difference {
        Difference {
            part_number: "KM-602450".into(),
            place: place.into(),
            figure: figure.into(),
            stored,
            ledger,
        }
    }

    #[test]
    fn a_consistent_stock_says_so_in_one_line() {
        let report = Report {
            items: 2,
            locations: 1,
            ledger_lines: 1,
            differences: Vec::new(),
        };
        assert!(report.is_consistent());
        assert_eq!(
            report.lines("acme"),
            vec![
                "Stock of acme: 2 items, 1 location, 1 ledger line — every figure matches the ledger."
            ]
        );
    }

    #[test]
    fn each_difference_is_named_on_its_own_line() {
        let report = Report {
            items: 1,
            locations: 2,
            ledger_lines: 2,
            differences: vec![
                difference("Van 1", "on hand", 7, 5),
                difference("all locations", "total on hand", 17, 15),
                difference("Van 1", "reservations held", 2, 0),
                difference("Main warehouse", "reserved", 1, 0),
            ],
        };
        assert!(!report.is_consistent());
        assert_eq!(
            report.lines("acme"),
            vec![
                "KM-602450 at Van 1: on hand is 7, the ledger says 5",
                "KM-602450 over all locations: total on hand is 17, the ledger says 15",
                "KM-602450 at Van 1: reserved is 2, its reservations add up to 0",
                "KM-602450 at Main warehouse: reserved is 1, the ledger says 0",
            ]
        );
    }
}
