//! What the detail page and the printable sheet show of work in the field: running timers,
//! labour lines cut to the cap, and the sign-off.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::operations::field::TIMER_CAP_HOURS;
use super::queries::field::{self, RunningTimer, Signoff};

pub struct FieldView {
    pub timers: Vec<RunningTimer>,
    /// The viewer's contractor record, when they may time labour on this work order.
    pub timer_of: Option<Uuid>,
    pub capped_lines: Vec<Uuid>,
    pub signoff: Option<Signoff>,
}

impl FieldView {
    /// `may_time`: the viewer may change the work order; their contractor record is looked up.
    pub fn load(
        conn: &mut PgConnection,
        work_order_id: Uuid,
        account_id: Uuid,
        may_time: bool,
    ) -> QueryResult<FieldView> {
        let timer_of = if may_time {
            crate::contractors::queries::for_account(conn, account_id)?
        } else {
            None
        };
        Ok(FieldView {
            timers: field::timers_on(conn, work_order_id)?,
            timer_of,
            capped_lines: field::capped_lines(conn, work_order_id)?,
            signoff: field::signoff(conn, work_order_id)?,
        })
    }

    /// The viewer's own timer running here.
    pub fn my_timer(&self) -> Option<&RunningTimer> {
        let mine = self.timer_of?;
        self.timers.iter().find(|t| t.contractor_id == mine)
    }

    pub fn is_capped(&self, line: &Uuid) -> bool {
        self.capped_lines.contains(line)
    }
}

/// How long a timer has run, as "1 h 05 min".
pub fn elapsed(started_at: &DateTime<Utc>, now: &DateTime<Utc>) -> String {
    let minutes = (*now - *started_at).num_minutes().max(0);
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// Whether a running timer has passed the cap (it will be recorded as the cap, flagged).
pub fn past_cap(started_at: &DateTime<Utc>, now: &DateTime<Utc>) -> bool {
    *now - *started_at > Duration::hours(TIMER_CAP_HOURS)
}
