//! A lift's status (the `elevator_status` enum) and how it looks.

use crate::db::sql_types;
use crate::pg_enum;

pg_enum!(
    /// Whether a lift carries people right now.
    ElevatorStatus: sql_types::ElevatorStatus {
        Operational = "operational" => "Operational",
        Degraded = "degraded" => "Degraded",
        OutOfService = "out_of_service" => "Out of service",
        Maintenance = "maintenance" => "Under maintenance",
        Decommissioned = "decommissioned" => "Decommissioned",
    }
);

impl ElevatorStatus {
    /// The badge class: colour always comes with the status text.
    pub fn badge(self) -> &'static str {
        match self {
            ElevatorStatus::Operational => "badge-ok",
            ElevatorStatus::Degraded | ElevatorStatus::Maintenance => "badge-warn",
            ElevatorStatus::OutOfService => "badge-bad",
            ElevatorStatus::Decommissioned => "badge-grey",
        }
    }

    /// Every status but operational needs a reason when set by hand.
    pub fn needs_reason(self) -> bool {
        self != ElevatorStatus::Operational
    }
}

pg_enum!(
    /// How a lift's last inspection went (seed 000).
    InspectionResult: sql_types::InspectionResult {
        Passed = "passed" => "Passed",
        Failed = "failed" => "Failed",
        Conditional = "conditional" => "Passed with conditions",
    }
);

impl InspectionResult {
    pub fn badge(self) -> &'static str {
        match self {
            InspectionResult::Passed => "badge-ok",
            InspectionResult::Conditional => "badge-warn",
            InspectionResult::Failed => "badge-bad",
        }
    }

    /// Reads a result as people write it in a spreadsheet ("Pass", "Pass with defects",
    /// "Fail") as well as the stored keys; the same mapping the migration applied.
    pub fn read(raw: &str) -> Option<InspectionResult> {
        let r = raw.trim().to_lowercase();
        if let Some(known) = InspectionResult::parse(&r) {
            return Some(known);
        }
        if ["pass", "ok", "compliant", "satisfactory"].contains(&r.as_str()) {
            Some(InspectionResult::Passed)
        } else if r.starts_with("pass") || r.contains("condition") {
            Some(InspectionResult::Conditional)
        } else if r.starts_with("fail")
            || r.starts_with("not pass")
            || (r.starts_with("non") && r.contains("compliant"))
        {
            Some(InspectionResult::Failed)
        } else {
            None
        }
    }
}

pub const DRIVE_TYPES: &[(&str, &str)] = &[
    ("gearless", "Gearless traction"),
    ("geared", "Geared traction"),
    ("hydraulic", "Hydraulic"),
    ("mrl", "Machine-room-less"),
];

pub fn drive_type_label(key: &str) -> &str {
    DRIVE_TYPES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
        .unwrap_or(key)
}

/// Makes offered as suggestions alongside those the organization already uses.
pub const COMMON_MANUFACTURERS: &[&str] = &[
    "KONE",
    "Otis",
    "Schindler",
    "TK Elevator",
    "Mitsubishi",
    "Fujitec",
    "Hitachi",
    "Hyundai",
    "Orona",
    "Sigma",
];

/// How an inspection date reads for a person: "overdue by 34 days", "due in 12 days".
pub struct InspectionState {
    pub text: String,
    pub badge: &'static str,
}

pub fn inspection_state(
    due: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> InspectionState {
    let Some(due) = due else {
        return InspectionState {
            text: "No inspection scheduled".into(),
            badge: "badge-grey",
        };
    };
    let days = (due - today).num_days();
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match days {
        d if d < 0 => InspectionState {
            text: format!("Overdue by {} day{}", -d, plural(-d)),
            badge: "badge-bad",
        },
        0 => InspectionState {
            text: "Due today".into(),
            badge: "badge-warn",
        },
        d if d <= 30 => InspectionState {
            text: format!("Due in {d} day{}", plural(d)),
            badge: "badge-warn",
        },
        d => InspectionState {
            text: format!("Due in {d} days"),
            badge: "badge-ok",
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn inspection_wording() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        assert_eq!(inspection_state(day(22), today).text, "Overdue by 1 day");
        assert_eq!(inspection_state(day(23), today).text, "Due today");
        assert_eq!(inspection_state(day(30), today).text, "Due in 7 days");
        assert_eq!(inspection_state(None, today).badge, "badge-grey");
        assert_eq!(
            ElevatorStatus::parse("out_of_service"),
            Some(ElevatorStatus::OutOfService)
        );
    }

    #[test]
    fn inspection_results_are_read_as_people_write_them() {
        for (raw, read) in [
            ("passed", Some(InspectionResult::Passed)),
            (" Pass ", Some(InspectionResult::Passed)),
            ("OK", Some(InspectionResult::Passed)),
            ("Pass with defects", Some(InspectionResult::Conditional)),
            ("conditional", Some(InspectionResult::Conditional)),
            ("FAIL", Some(InspectionResult::Failed)),
            ("Not passed", Some(InspectionResult::Failed)),
            ("Non-compliant", Some(InspectionResult::Failed)),
            ("awaiting report", None),
        ] {
            assert_eq!(InspectionResult::read(raw), read, "{raw}");
        }
    }
}
