//! The gauges that take a query: background queue depth and the outbox backlog. Refreshed on
//! a timer (every 15 s), not per scrape, so a scraper cannot add load on the database.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::{BACKGROUND_JOBS, OUTBOX_BACKLOG};
use crate::background::{self, queries::Depth};
use crate::db::Db;
use crate::web::AppError;

/// Every state a job can be in before it is done: each kind shows all of them, at zero when
/// it has none, so a queue that empties reads 0 instead of its last value.
const STATES: &[&str] = &["queued", "running", "failed", "dead"];

/// The background kind that delivers webhooks: one job per delivery, each delivery's row
/// living in its organization's schema.
const WEBHOOK_KIND: &str = crate::webhooks::deliver::KIND;

/// States in which a delivery is still to be made (not done, not given up).
const UNDELIVERED: &[&str] = &["queued", "running", "failed"];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Email messages not delivered yet and not given up: pending, being sent, or to be retried.
fn mail_backlog(conn: &mut PgConnection) -> QueryResult<i64> {
    diesel::sql_query(
        "SELECT count(*) AS n FROM outbox_messages \
         WHERE status IN ('pending', 'dispatched', 'failed')",
    )
    .get_result::<Count>(conn)
    .map(|c| c.n)
}

/// Reads the queue and the outbox and sets their gauges.
pub async fn refresh(db: &Db) -> Result<(), AppError> {
    let (depths, mail) = db
        .run(|conn| Ok::<_, AppError>((background::queries::depths(conn)?, mail_backlog(conn)?)))
        .await?;
    set_depths(&depths);
    let webhooks: i64 = depths
        .iter()
        .filter(|d| d.kind == WEBHOOK_KIND && UNDELIVERED.contains(&d.state.as_str()))
        .map(|d| d.jobs)
        .sum();
    ::metrics::gauge!(OUTBOX_BACKLOG, "outbox" => "mail").set(mail as f64);
    ::metrics::gauge!(OUTBOX_BACKLOG, "outbox" => "webhook").set(webhooks as f64);
    Ok(())
}

fn set_depths(depths: &[Depth]) {
    let jobs = |kind: &str, state: &str| {
        depths
            .iter()
            .find(|d| d.kind == kind && d.state == state)
            .map_or(0, |d| d.jobs)
    };
    let registered = background::KINDS.iter().map(|k| k.name());
    // A kind no longer registered may still have rows (jobs of an older version).
    let stray: std::collections::BTreeSet<&str> = depths
        .iter()
        .map(|d| d.kind.as_str())
        .filter(|kind| background::kinds::find(kind).is_none())
        .collect();
    for kind in registered.chain(stray) {
        for state in STATES {
            ::metrics::gauge!(BACKGROUND_JOBS, "kind" => kind.to_string(), "state" => *state)
                .set(jobs(kind, state) as f64);
        }
    }
}
