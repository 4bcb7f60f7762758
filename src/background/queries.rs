//! Reads and writes of `public.background_jobs`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// A job as a worker runs it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Job {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub organization_id: Option<Uuid>,
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
}

/// A job to enqueue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub organization_id: Option<Uuid>,
    pub payload: serde_json::Value,
    /// Jobs that must exist once per period carry the period here: a second enqueue with the
    /// same kind, organization and key is a no-op.
    pub unique_key: Option<String>,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
}

/// Enqueues a job in the caller's transaction; `false` when its unique key was taken.
pub fn enqueue(conn: &mut PgConnection, job: &NewJob) -> QueryResult<bool> {
    diesel::sql_query(
        "INSERT INTO background_jobs (kind, organization_id, payload, unique_key, run_at, \
         max_attempts) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(job.kind)
    .bind::<Nullable<SqlUuid>, _>(job.organization_id)
    .bind::<Jsonb, _>(&job.payload)
    .bind::<Nullable<Text>, _>(job.unique_key.as_deref())
    .bind::<Timestamptz, _>(job.run_at)
    .bind::<Integer, _>(job.max_attempts)
    .execute(conn)
    .map(|n| n == 1)
}

/// Enqueues one job of `kind` for every organization that is not suspended or deleted, once
/// per `period` (the unique key): for periodic kinds that work inside each organization.
/// Returns how many were new.
pub fn enqueue_per_organization(
    conn: &mut PgConnection,
    kind: &str,
    period: &str,
    payload: &serde_json::Value,
    max_attempts: i32,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO background_jobs (kind, organization_id, unique_key, payload, max_attempts) \
         SELECT $1, id, $2, $3, $4 FROM organizations \
         WHERE suspended_at IS NULL AND deleted_at IS NULL \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(kind)
    .bind::<Text, _>(period)
    .bind::<Jsonb, _>(payload)
    .bind::<Integer, _>(max_attempts)
    .execute(conn)
}

/// Enqueues one job of `kind` per organization for the hour `now` falls in: for hourly kinds
/// that work inside each organization (their payload is empty).
pub fn enqueue_hourly_per_organization(
    conn: &mut PgConnection,
    kind: &str,
    now: chrono::DateTime<chrono::Utc>,
    max_attempts: i32,
) -> QueryResult<usize> {
    let hour = now.format("%Y-%m-%dT%H").to_string();
    enqueue_per_organization(conn, kind, &hour, &serde_json::json!({}), max_attempts)
}

/// Leases the next due job to `worker`: a queued or failed job whose time has come, or a
/// running one claimed more than `lease_secs` ago (its worker died or hung). `None` when
/// there is none (or every due one is being claimed by another worker right now).
pub fn claim(conn: &mut PgConnection, worker: &str, lease_secs: i32) -> QueryResult<Option<Job>> {
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'running', locked_by = $1, locked_at = now(), \
           attempts = attempts + 1, updated_at = now() \
         WHERE id = (SELECT id FROM background_jobs \
           WHERE (state IN ('queued', 'failed') AND run_at <= now()) \
              OR (state = 'running' AND locked_at < now() - make_interval(secs => $2)) \
           ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, organization_id, payload, attempts, max_attempts",
    )
    .bind::<Text, _>(worker)
    .bind::<Integer, _>(lease_secs)
    .get_result(conn)
    .optional()
}

/// Marks the job done, in the transaction of its work; `false` when `worker` no longer holds
/// it (its lease ran out and another worker took it over), and then the work must roll back.
pub fn mark_done(conn: &mut PgConnection, id: i64, worker: &str) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'done', done_at = now(), locked_at = NULL, \
           locked_by = NULL, last_error = NULL, updated_at = now() \
         WHERE id = $1 AND state = 'running' AND locked_by = $2",
    )
    .bind::<BigInt, _>(id)
    .bind::<Text, _>(worker)
    .execute(conn)
    .map(|n| n == 1)
}

/// Takes up to `limit` more due jobs of `kind` into the caller's transaction (the one of a job
/// of that kind being performed), locked so no other worker claims them meanwhile. The caller
/// finishes those it did with [`finish_taken`]; the others are left as they were and run on
/// their own. Returns each job's id and payload.
pub fn take_due(conn: &mut PgConnection, kind: &str, limit: i64) -> QueryResult<Vec<TakenJob>> {
    diesel::sql_query(
        "SELECT id, payload FROM background_jobs \
         WHERE kind = $1 AND state IN ('queued', 'failed') AND run_at <= now() \
         ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED",
    )
    .bind::<Text, _>(kind)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct TakenJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
}

/// Marks jobs taken with [`take_due`] done, as one attempt each.
pub fn finish_taken(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'done', done_at = now(), attempts = attempts + 1, \
           last_error = NULL, updated_at = now() WHERE id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .execute(conn)
}

/// Records a failure: `failed`, to run again after `retry_in_secs`, or `dead` once its
/// attempts are spent. Only while `worker` still holds it.
pub fn mark_failed(
    conn: &mut PgConnection,
    job: &Job,
    worker: &str,
    error: &str,
    retry_in_secs: i32,
) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE background_jobs SET \
           state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END, \
           run_at = now() + make_interval(secs => $4), last_error = $3, locked_at = NULL, \
           locked_by = NULL, updated_at = now() \
         WHERE id = $1 AND state = 'running' AND locked_by = $2",
    )
    .bind::<BigInt, _>(job.id)
    .bind::<Text, _>(worker)
    .bind::<Text, _>(error)
    .bind::<Integer, _>(retry_in_secs)
    .execute(conn)
    .map(|_| ())
}

/// Gives back every job `worker` holds (a clean shutdown), so another worker runs them now.
pub fn release(conn: &mut PgConnection, worker: &str) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), \
           locked_at = NULL, locked_by = NULL, updated_at = now() \
         WHERE state = 'running' AND locked_by = $1",
    )
    .bind::<Text, _>(worker)
    .execute(conn)
}

/// A failed or dead job, as `/admin/jobs` lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct TroubledJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub organization: Option<String>,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub run_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
}

/// Failed and dead jobs, most recently changed first; `state` narrows to one of them.
pub fn troubled(
    conn: &mut PgConnection,
    state: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<TroubledJob>> {
    diesel::sql_query(
        "SELECT j.id, j.kind, j.state, o.name AS organization, j.attempts, j.max_attempts, \
           j.last_error, j.run_at, j.updated_at \
         FROM background_jobs j LEFT JOIN organizations o ON o.id = j.organization_id \
         WHERE j.state IN ('failed', 'dead') AND ($1::text IS NULL OR j.state = $1) \
         ORDER BY j.updated_at DESC, j.id DESC LIMIT $2 OFFSET $3",
    )
    .bind::<Nullable<Text>, _>(state)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
}

/// How many jobs [`troubled`] can list.
pub fn troubled_count(conn: &mut PgConnection, state: Option<&str>) -> QueryResult<i64> {
    diesel::sql_query(
        "SELECT count(*) AS value FROM background_jobs \
         WHERE state IN ('failed', 'dead') AND ($1::text IS NULL OR state = $1)",
    )
    .bind::<Nullable<Text>, _>(state)
    .get_result::<Count>(conn)
    .map(|row| row.value)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// Queues a failed or dead job to run now, with its attempts counted afresh; `false` when it
/// is neither (already retried, or done meanwhile).
pub fn retry(conn: &mut PgConnection, id: i64) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'queued', attempts = 0, run_at = now(), \
           updated_at = now() WHERE id = $1 AND state IN ('failed', 'dead')",
    )
    .bind::<BigInt, _>(id)
    .execute(conn)
    .map(|n| n == 1)
}

/// [`retry`] for the job of `kind` that carries `unique_key`.
pub fn retry_by_key(conn: &mut PgConnection, kind: &str, unique_key: &str) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE background_jobs SET state = 'queued', attempts = 0, run_at = now(), \
           updated_at = now() WHERE kind = $1 AND unique_key = $2 AND state IN ('failed', 'dead')",
    )
    .bind::<Text, _>(kind)
    .bind::<Text, _>(unique_key)
    .execute(conn)
    .map(|n| n > 0)
}

/// How many jobs are in each state, per kind (the admin page's summary).
#[derive(Debug, Clone, QueryableByName)]
pub struct Depth {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = BigInt)]
    pub jobs: i64,
}

pub fn depths(conn: &mut PgConnection) -> QueryResult<Vec<Depth>> {
    diesel::sql_query(
        "SELECT kind, state, count(*) AS jobs FROM background_jobs \
         WHERE state <> 'done' GROUP BY kind, state ORDER BY kind, state",
    )
    .load(conn)
}
