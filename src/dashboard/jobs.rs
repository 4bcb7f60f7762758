//! The daily health snapshot of every organization, as a kind of background job.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::Date;

use crate::background::{queries, Job, JobContext, JobError, Kind};

/// Once a day per organization: rescore every lift, then keep one history row per site.
pub struct HealthSnapshot;

impl HealthSnapshot {
    pub const NAME: &'static str = "health_snapshot";
}

impl Kind for HealthSnapshot {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    /// Today's snapshot for every organization that is not suspended or deleted (the unique
    /// key makes a second server's enqueue a no-op).
    fn schedule(&self, conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
        enqueue_snapshots(conn, now.date_naive(), self.max_attempts())
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        _ctx: &JobContext,
    ) -> Result<(), JobError> {
        let day: NaiveDate = job.field("day")?;
        if job.organization_id.is_none() {
            return Err(JobError::Failed("snapshot job without organization".into()));
        }
        snapshot(conn, day)?;
        Ok(())
    }
}

/// Enqueues `day`'s snapshot for every organization that is not suspended or deleted;
/// returns how many were new.
pub fn enqueue_snapshots(
    conn: &mut PgConnection,
    day: NaiveDate,
    max_attempts: i32,
) -> QueryResult<usize> {
    let day = day.to_string();
    queries::enqueue_per_organization(
        conn,
        HealthSnapshot::NAME,
        &day,
        &serde_json::json!({ "day": day }),
        max_attempts,
    )
}

/// Inside an organization: recomputes every lift (overdue days and age move with the
/// calendar), then records each scored site's health for `day`, once.
pub fn snapshot(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<usize> {
    super::health::recompute_all(conn)?;
    diesel::sql_query(
        "WITH per_lift AS ( \
           SELECT e.site_id, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' IN ('status', 'age')), 0) AS equipment, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' IN ('inspection', 'maintenance')), 0) AS compliance, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' = 'breakdowns'), 0) AS incidents, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' = 'callbacks'), 0) AS fixes \
           FROM elevators e CROSS JOIN LATERAL jsonb_array_elements(e.health_score_components) c \
           WHERE e.deleted_at IS NULL AND e.health_score IS NOT NULL \
           GROUP BY e.site_id, e.id) \
         INSERT INTO health_score_history (site_id, score, equipment_condition_score, \
           maintenance_compliance_score, incident_frequency_score, first_time_fix_score, \
           components, recorded_on) \
         SELECT s.id, s.health_score, 100 + round(avg(p.equipment))::int, \
           100 + round(avg(p.compliance))::int, 100 + round(avg(p.incidents))::int, \
           100 + round(avg(p.fixes))::int, s.health_score_components, $1 \
         FROM sites s JOIN per_lift p ON p.site_id = s.id \
         WHERE s.deleted_at IS NULL AND s.health_score IS NOT NULL \
         GROUP BY s.id \
         ON CONFLICT (site_id, recorded_on) DO NOTHING",
    )
    .bind::<Date, _>(day)
    .execute(conn)
}
