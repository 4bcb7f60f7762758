//! Background jobs (`public.background_jobs`) and the one this feature needs: the daily health
//! snapshot of every organization.
//!
//! Any number of app servers run [`worker`]. Each tick enqueues one snapshot job per
//! organization for today (a unique index makes the second server's enqueue a no-op), then
//! claims due jobs one at a time with `FOR UPDATE SKIP LOCKED` in the transaction that does
//! the work, so a job is never run twice and a crashed worker's job is claimed again.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::Db;
use crate::orgs::tenancy;
use crate::web::AppError;

pub const SNAPSHOT: &str = "health_snapshot";

/// Enqueues today's snapshot for every organization that is not suspended or deleted;
/// returns how many were new.
pub fn enqueue_snapshots(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO background_jobs (kind, organization_id, unique_key, payload) \
         SELECT $1, id, $2, jsonb_build_object('day', $2) FROM organizations \
         WHERE suspended_at IS NULL AND deleted_at IS NULL \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(SNAPSHOT)
    .bind::<Text, _>(day.to_string())
    .execute(conn)
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    organization_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    day: Option<String>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

/// What happened to one claimed job.
#[derive(Debug, PartialEq, Eq)]
pub enum Ran {
    Done { id: i64 },
    Failed { id: i64, error: String },
}

/// Claims and runs the next due job; `None` when there is none (or all are being run).
/// A failing job is rolled back and retried later with a growing delay.
pub fn run_next(conn: &mut PgConnection) -> QueryResult<Option<Ran>> {
    conn.transaction(|conn| {
        let job: Option<Claimed> = diesel::sql_query(
            "SELECT id, kind, organization_id, payload->>'day' AS day, attempts \
             FROM background_jobs WHERE done_at IS NULL AND run_at <= now() \
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
        )
        .get_result(conn)
        .optional()?;
        let Some(job) = job else {
            return Ok(None);
        };
        diesel::sql_query(
            "UPDATE background_jobs SET locked_at = now(), attempts = attempts + 1, \
             done_at = now(), last_error = NULL WHERE id = $1",
        )
        .bind::<BigInt, _>(job.id)
        .execute(conn)?;
        // The work runs in a savepoint: on failure it (and the organization role it assumed)
        // is undone, and the job row records the error instead.
        let outcome = conn.transaction(|conn| perform(conn, &job));
        match outcome {
            Ok(()) => Ok(Some(Ran::Done { id: job.id })),
            Err(error) => {
                let message = error.to_string();
                tracing::warn!(job = job.id, kind = %job.kind, error = %message, "background job failed");
                let delay = Duration::minutes(5 * i64::from(job.attempts + 1).min(12));
                diesel::sql_query(
                    "UPDATE background_jobs SET done_at = NULL, last_error = $2, \
                     run_at = now() + make_interval(mins => $3) WHERE id = $1",
                )
                .bind::<BigInt, _>(job.id)
                .bind::<Text, _>(&message)
                .bind::<Integer, _>(delay.num_minutes() as i32)
                .execute(conn)?;
                Ok(Some(Ran::Failed {
                    id: job.id,
                    error: message,
                }))
            }
        }
    })
}

fn perform(conn: &mut PgConnection, job: &Claimed) -> Result<(), AppError> {
    match job.kind.as_str() {
        SNAPSHOT => {
            let organization_id = job
                .organization_id
                .ok_or_else(|| AppError::internal("snapshot job without organization"))?;
            let day = job
                .day
                .as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .ok_or_else(|| AppError::internal("snapshot job without a day"))?;
            use crate::db::schema_public::organizations as o;
            let (schema_name, role_name): (String, String) = o::table
                .find(organization_id)
                .select((o::schema_name, o::role_name))
                .first(conn)?;
            tenancy::enter(conn, &schema_name, &role_name).map_err(AppError::internal)?;
            snapshot(conn, day)?;
            Ok(())
        }
        other => Err(AppError::internal(format!("unknown job kind {other}"))),
    }
}

/// Inside an organization: recomputes every lift (overdue days and age move with the
/// calendar), then records each scored site's health for `day`, once.
pub fn snapshot(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<usize> {
    super::health::recompute_all(conn)?;
    diesel::sql_query(
        "WITH per_lift AS ( \
           SELECT e.site_id, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' IN ('status', 'age')), 0) AS equipment, \
             coalesce(sum((c->>'points')::int) FILTER (WHERE c->>'component' = 'inspection'), 0) AS compliance, \
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

/// Enqueues today's snapshots, then runs due jobs until none is left. Returns what ran.
pub fn tick(conn: &mut PgConnection, day: NaiveDate) -> QueryResult<Vec<Ran>> {
    enqueue_snapshots(conn, day)?;
    let mut ran = Vec::new();
    // Bounded, so one server never loops forever on jobs that keep failing.
    for _ in 0..1000 {
        match run_next(conn)? {
            Some(outcome) => ran.push(outcome),
            None => break,
        }
    }
    Ok(ran)
}

/// The background loop every app server runs: a tick a minute.
pub async fn worker(db: Db) {
    let mut interval = tokio::time::interval(StdDuration::from_secs(60));
    loop {
        interval.tick().await;
        let ran: Result<Vec<Ran>, AppError> = db
            .run(|conn| Ok(tick(conn, Utc::now().date_naive())?))
            .await;
        match ran {
            Ok(ran) if !ran.is_empty() => tracing::info!(jobs = ran.len(), "background jobs"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "background jobs failed"),
        }
    }
}
