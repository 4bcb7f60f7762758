//! Work-order status, priority and type, and the lifecycle: which moves are allowed.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use crate::db::sql_types;
use crate::pg_enum;

pg_enum!(
    WorkOrderStatus: sql_types::WorkOrderStatus {
        Draft = "draft" => "Draft",
        Pending = "pending" => "Pending",
        Scheduled = "scheduled" => "Scheduled",
        InProgress = "in_progress" => "In progress",
        OnHold = "on_hold" => "On hold",
        Completed = "completed" => "Completed",
        Cancelled = "cancelled" => "Cancelled",
        Invoiced = "invoiced" => "Invoiced",
    }
);

pg_enum!(
    Priority: sql_types::WorkOrderPriority {
        Emergency = "emergency" => "Emergency",
        High = "high" => "High",
        Medium = "medium" => "Medium",
        Low = "low" => "Low",
        Scheduled = "scheduled" => "Scheduled",
    }
);

pg_enum!(
    WorkOrderType: sql_types::WorkOrderType {
        Breakdown = "breakdown" => "Breakdown",
        Preventive = "preventive" => "Preventive maintenance",
        Inspection = "inspection" => "Inspection",
        Installation = "installation" => "Installation",
        Modernization = "modernization" => "Modernisation",
        Callback = "callback" => "Callback",
        Audit = "audit" => "Audit",
    }
);

impl WorkOrderStatus {
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Draft | Self::Pending | Self::Scheduled | Self::InProgress | Self::OnHold
        )
    }

    /// The lifecycle (seed 000: pending is awaiting assignment, scheduled is assigned and
    /// scheduled): draft→pending ("submit"; draft is reachable only at creation);
    /// pending→scheduled (with an assignee and a start time); pending→in_progress (emergency
    /// and high priority only: someone is on the way); scheduled→in_progress and on_hold;
    /// in_progress⇄on_hold; in_progress→completed→invoiced; completed→in_progress ("reopen",
    /// within [`REOPEN_DAYS`] and with a reason); any open state→cancelled. Nothing else.
    /// The moves with a condition are checked by [`unmet_condition`].
    pub fn can_move_to(self, to: WorkOrderStatus) -> bool {
        use WorkOrderStatus::*;
        matches!(
            (self, to),
            (Draft, Pending)
                | (Pending, Scheduled)
                | (Pending, InProgress)
                | (Scheduled, InProgress)
                | (Scheduled, OnHold)
                | (InProgress, OnHold)
                | (OnHold, InProgress)
                | (InProgress, Completed)
                | (Completed, Invoiced)
                | (Completed, InProgress)
        ) || (self.is_open() && to == Cancelled)
    }

    /// A move back into the work from completed.
    pub fn is_reopen(self, to: WorkOrderStatus) -> bool {
        self == Self::Completed && to == Self::InProgress
    }

    pub fn next_moves(self) -> Vec<WorkOrderStatus> {
        WorkOrderStatus::ALL
            .iter()
            .copied()
            .filter(|to| self.can_move_to(*to))
            .collect()
    }

    /// What a work order says can still be edited (not once cancelled or invoiced).
    pub fn is_editable(self) -> bool {
        !matches!(self, Self::Cancelled | Self::Invoiced)
    }

    pub fn is_completed(self) -> bool {
        self == Self::Completed
    }

    pub fn is_cancelled(self) -> bool {
        self == Self::Cancelled
    }

    /// Moves that need more than a click (notes, a reason, who and when) happen on the detail
    /// page.
    pub fn needs_details(self) -> bool {
        self.is_completed() || self.is_cancelled() || self == Self::Scheduled
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft | Self::Cancelled => "badge-grey",
            Self::Pending | Self::Scheduled => "badge-info",
            Self::InProgress => "badge-warn",
            Self::OnHold => "badge-bad",
            Self::Completed | Self::Invoiced => "badge-ok",
        }
    }

    /// What the button that moves a work order here says.
    pub fn action(self) -> &'static str {
        match self {
            Self::Draft => "Back to draft",
            Self::Pending => "Submit",
            Self::Scheduled => "Schedule",
            Self::InProgress => "Start work",
            Self::OnHold => "Put on hold",
            Self::Completed => "Complete",
            Self::Cancelled => "Cancel",
            Self::Invoiced => "Mark invoiced",
        }
    }

    /// What the button that moves a work order from `from` here says.
    pub fn action_from(self, from: WorkOrderStatus) -> &'static str {
        if from.is_reopen(self) {
            "Reopen"
        } else {
            self.action()
        }
    }
}

/// How long after completion a work order may be reopened.
pub const REOPEN_DAYS: i64 = 30;

/// Why a move the table has cannot be made for this work order now, if it cannot: starting
/// pending work needs an emergency or high priority, reopening needs a completion within
/// [`REOPEN_DAYS`].
pub fn unmet_condition(
    from: WorkOrderStatus,
    to: WorkOrderStatus,
    priority: Priority,
    completed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if from == WorkOrderStatus::Pending
        && to == WorkOrderStatus::InProgress
        && !matches!(priority, Priority::Emergency | Priority::High)
    {
        return Some("Only emergency and high-priority work can start before it is scheduled; schedule it first.");
    }
    if from.is_reopen(to) && completed_at.is_none_or(|at| now - at > Duration::days(REOPEN_DAYS)) {
        return Some("A work order can be reopened only within 30 days of its completion; raise a callback instead.");
    }
    None
}

impl Priority {
    pub fn badge(self) -> &'static str {
        match self {
            Self::Emergency => "badge-bad",
            Self::High => "badge-warn",
            Self::Medium => "badge-info",
            Self::Low | Self::Scheduled => "badge-grey",
        }
    }

    /// The default due time for a new work order reported at `now`, at a site in `tz`:
    /// emergency 4 h, high the same day, medium 48 h, low 7 days, scheduled none.
    pub fn default_due<Tz: TimeZone>(self, now: DateTime<Utc>, tz: &Tz) -> Option<DateTime<Utc>> {
        match self {
            Self::Emergency => Some(now + Duration::hours(4)),
            Self::High => {
                let local_day = now.with_timezone(tz).date_naive();
                let end = local_day.and_time(NaiveTime::from_hms_opt(23, 59, 0)?);
                tz.from_local_datetime(&end)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            }
            Self::Medium => Some(now + Duration::hours(48)),
            Self::Low => Some(now + Duration::days(7)),
            Self::Scheduled => None,
        }
    }
}

/// Seed 000's resolution types, then our own.
pub const RESOLUTION_TYPES: &[(&str, &str)] = &[
    ("repaired", "Repaired"),
    ("replaced", "Replaced"),
    ("adjusted", "Adjusted"),
    ("cleaned", "Cleaned"),
    ("no_fault_found", "No fault found"),
    ("referred", "Referred to specialist"),
    ("temporary_fix", "Temporary fix"),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn default_due_dates() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let sydney = chrono_tz::Australia::Sydney;
        assert_eq!(
            Priority::Emergency.default_due(now, &sydney),
            Some(now + Duration::hours(4))
        );
        // 01:00 UTC is 12:00 in Sydney (UTC+11): due 23:59 Sydney = 12:59 UTC.
        assert_eq!(
            Priority::High.default_due(now, &sydney),
            Some(Utc.with_ymd_and_hms(2026, 11, 23, 12, 59, 0).unwrap())
        );
        assert_eq!(
            Priority::Medium.default_due(now, &sydney),
            Some(now + Duration::hours(48))
        );
        assert_eq!(
            Priority::Low.default_due(now, &sydney),
            Some(now + Duration::days(7))
        );
        assert_eq!(Priority::Scheduled.default_due(now, &sydney), None);
    }
}
