//! PM compliance: the share of visits completed by their due date, over the last 90 and 365
//! days, for a lift, a site or the whole organization, and month by month for the chart.
//!
//! A visit counts once its due date has passed at its site (before that it can still be done
//! in time). Skipped visits do not count; a cancelled one counts as missed. "On time" means
//! its work order was completed on or before the due date, in the site's own calendar.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Uuid as SqlUuid};
use uuid::Uuid;

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    QueryableByName,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Compliance {
    #[diesel(sql_type = BigInt)]
    pub on_time_90: i64,
    #[diesel(sql_type = BigInt)]
    pub due_90: i64,
    #[diesel(sql_type = BigInt)]
    pub on_time_365: i64,
    #[diesel(sql_type = BigInt)]
    pub due_365: i64,
    /// Raised, past due and still open.
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
}

/// "87%" or "—" when nothing fell due.
fn percent(on_time: i64, due: i64) -> String {
    if due == 0 {
        "—".into()
    } else {
        format!("{}%", (on_time * 100 + due / 2) / due)
    }
}

impl Compliance {
    pub fn percent_90(&self) -> String {
        percent(self.on_time_90, self.due_90)
    }

    pub fn percent_365(&self) -> String {
        percent(self.on_time_365, self.due_365)
    }

    /// The 90-day share from 0 to 100, when anything fell due.
    pub fn rate_90(&self) -> Option<i64> {
        (self.due_90 > 0).then(|| (self.on_time_90 * 100 + self.due_90 / 2) / self.due_90)
    }

    /// Badge class: good from 90%, warning from 75%.
    pub fn badge(&self) -> &'static str {
        match self.rate_90() {
            None => "badge-grey",
            Some(r) if r >= 90 => "badge-ok",
            Some(r) if r >= 75 => "badge-warn",
            Some(_) => "badge-bad",
        }
    }
}

/// The visits of live schedules with what decides them, in one place for every figure.
const VISITS: &str = "SELECT o.due_on, o.schedule_id, s.site_id, s.elevator_id, \
       (now() AT TIME ZONE si.timezone)::date AS today, \
       w.status IN ('completed', 'invoiced') \
         AND (w.completed_at AT TIME ZONE si.timezone)::date <= o.due_on AS on_time, \
       w.status IN ('draft', 'pending', 'scheduled', 'in_progress', 'on_hold') AS open \
     FROM maintenance_occurrences o \
     JOIN maintenance_schedules s ON s.id = o.schedule_id \
     JOIN sites si ON si.id = s.site_id \
     JOIN work_orders w ON w.id = o.work_order_id \
     WHERE o.status = 'raised' AND s.deleted_at IS NULL";

/// Whose figures.
#[derive(Debug, Clone, Copy)]
pub enum Of {
    Organization,
    Site(Uuid),
    Lift(Uuid),
    Schedule(Uuid),
}

/// The figures of the organization, a site, a lift or one schedule: one query.
pub fn figures(conn: &mut PgConnection, of: Of) -> QueryResult<Compliance> {
    let (column, id) = match of {
        Of::Organization => ("site_id", None),
        Of::Site(id) => ("site_id", Some(id)),
        Of::Lift(id) => ("elevator_id", Some(id)),
        Of::Schedule(id) => ("schedule_id", Some(id)),
    };
    diesel::sql_query(format!(
        "WITH v AS ({VISITS}) SELECT \
           count(*) FILTER (WHERE on_time AND due_on >= today - 90 AND due_on < today) AS on_time_90, \
           count(*) FILTER (WHERE due_on >= today - 90 AND due_on < today) AS due_90, \
           count(*) FILTER (WHERE on_time AND due_on >= today - 365 AND due_on < today) AS on_time_365, \
           count(*) FILTER (WHERE due_on >= today - 365 AND due_on < today) AS due_365, \
           count(*) FILTER (WHERE open AND due_on < today) AS overdue \
         FROM v WHERE $1::uuid IS NULL OR {column} = $1"
    ))
    .bind::<Nullable<SqlUuid>, _>(id)
    .get_result(conn)
}

/// One month of the chart: visits due that month (by today) and how many were on time.
#[derive(Debug, Clone, QueryableByName, serde::Serialize, serde::Deserialize)]
pub struct Month {
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub on_time: i64,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
}

/// The last `months` months, oldest first, including months where nothing fell due.
pub fn monthly(conn: &mut PgConnection, today: NaiveDate, months: i32) -> QueryResult<Vec<Month>> {
    diesel::sql_query(format!(
        "WITH v AS ({VISITS}), \
         m AS (SELECT generate_series(date_trunc('month', $1::date) - make_interval(months => $2 - 1), \
                 date_trunc('month', $1::date), interval '1 month')::date AS month) \
         SELECT m.month, count(v.*) FILTER (WHERE v.on_time) AS on_time, count(v.*) AS due \
         FROM m LEFT JOIN v ON date_trunc('month', v.due_on)::date = m.month AND v.due_on < v.today \
         GROUP BY m.month ORDER BY m.month"
    ))
    .bind::<Date, _>(today)
    .bind::<diesel::sql_types::Integer, _>(months)
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_whole_percent_and_nothing_due_is_a_dash() {
        let c = Compliance {
            on_time_90: 2,
            due_90: 3,
            ..Default::default()
        };
        assert_eq!(c.percent_90(), "67%");
        assert_eq!(c.percent_365(), "—");
        assert_eq!(c.badge(), "badge-bad");
    }
}
