//! The worker loop every app server runs, and the claiming and running of one job.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use diesel::{Connection, RunQueryDsl};

use super::queries::{self, Job};
use super::{kinds, JobContext, JobError};
use crate::config::Config;
use crate::db::{Db, PooledConn};
use crate::orgs::{self, queries as registry, As};
use crate::web::AppError;

/// How long a claimed job may run before another worker may take it over.
pub const LEASE_SECS: i32 = 15 * 60;

/// How many jobs one tick runs at most, so a server never loops forever on a flood.
const JOBS_PER_TICK: usize = 1000;

/// A worker: its name on the jobs it holds — host, process and a random part, so two app
/// servers (or two workers in one test) never share one — and what its jobs may use.
#[derive(Clone)]
pub struct Worker {
    id: String,
    pub context: JobContext,
    /// Set when the server is shutting down: no further job is claimed.
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Worker {
    pub fn new(config: Arc<Config>) -> Worker {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let random: u32 = rand::random();
        Worker {
            id: format!("{}:{}:{random:08x}", host.trim(), std::process::id()),
            context: JobContext {
                mailer: Arc::new(crate::mail::Mailer::new(&config)),
                config,
            },
            stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Asks the worker to stop: the job it is running finishes, no other is claimed, and
    /// [`worker`] gives back what it still holds and returns.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Resolves once [`Worker::stop`] was called.
    async fn stopped(&self) {
        let mut stopping = self.stopping.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail for want of one.
        let _ = stopping.wait_for(|stop| *stop).await;
    }
}

/// What happened to one claimed job.
#[derive(Debug, PartialEq, Eq)]
pub enum Ran {
    Done {
        id: i64,
    },
    /// It failed; `dead` when its attempts are spent.
    Failed {
        id: i64,
        error: String,
        dead: bool,
    },
    /// Its lease ran out while it ran and another worker took it over; its work rolled back.
    Lost {
        id: i64,
    },
}

/// Claims the next due job and runs it on `conn`; `None` when nothing is due.
pub fn run_next(conn: &mut PooledConn, worker: &Worker) -> diesel::QueryResult<Option<Ran>> {
    let Some(job) = queries::claim(conn, worker.id(), LEASE_SECS)? else {
        return Ok(None);
    };
    match perform(conn, &job, worker) {
        Ok(()) => Ok(Some(Ran::Done { id: job.id })),
        Err(JobError::Lost) => Ok(Some(Ran::Lost { id: job.id })),
        Err(error) => {
            let message = error.to_string();
            let dead = job.attempts >= job.max_attempts;
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, dead, error = %message, "background job failed");
            // A kind whose state lives in an organization's schema (a webhook delivery) hears
            // of the failure inside it; an organization that cannot be found any more (the
            // likely reason the job failed) leaves only the job's own record.
            let org = match job.organization_id {
                Some(id) => registry::handle_by_id(conn, id).ok(),
                None => None,
            };
            let ledger = conn.ledger();
            conn.transaction(|conn| {
                // Before entering the organization's role, which may not write this table.
                queries::mark_failed(
                    conn,
                    &job,
                    worker.id(),
                    &message,
                    backoff_secs(job.attempts),
                )?;
                let Some(kind) = kinds::find(&job.kind) else {
                    return Ok(());
                };
                match (job.organization_id, &org) {
                    (Some(_), None) => Ok(()),
                    (_, Some(org)) => {
                        orgs::enter_in(conn, &ledger, org, As::Organization)
                            .map_err(tenancy_failed)?;
                        kind.failed(conn, &job, &message, dead)
                    }
                    (None, None) => kind.failed(conn, &job, &message, dead),
                }
            })?;
            Ok(Some(Ran::Failed {
                id: job.id,
                error: message,
                dead,
            }))
        }
    }
}

/// Entering an organization failed: reported as the database error it mostly is.
fn tenancy_failed(e: orgs::TenancyError) -> diesel::result::Error {
    match e {
        orgs::TenancyError::Database(e) => e,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    }
}

/// A minute after the first failure, doubling each time, at most six hours.
pub fn backoff_secs(attempts: i32) -> i32 {
    let doublings = attempts.clamp(1, 10) - 1;
    (60 * 2i32.pow(doublings as u32)).min(6 * 3600)
}

/// The job's work and its `done` in one transaction: inside its organization when it names
/// one (entered through the one door, on this connection's ledger).
fn perform(conn: &mut PooledConn, job: &Job, worker: &Worker) -> Result<(), JobError> {
    let kind = kinds::find(&job.kind)
        .ok_or_else(|| JobError::Failed(format!("no kind of job is called {:?}", job.kind)))?;
    let org = match job.organization_id {
        Some(id) => Some(registry::handle_by_id(conn, id)?),
        None => None,
    };
    let ledger = conn.ledger();
    conn.transaction(|conn| {
        // A job may count a large history or drop a schema: the request-sized statement
        // timeout gives way to the job's own bound.
        diesel::sql_query("SELECT set_config('statement_timeout', '10min', true)").execute(conn)?;
        // Before entering the organization's role, which may not write this table.
        if !queries::mark_done(conn, job.id, worker.id())? {
            return Err(JobError::Lost);
        }
        if let Some(org) = &org {
            orgs::enter_in(conn, &ledger, org, As::Organization)?;
        }
        kind.perform(conn, job, &worker.context)
    })
}

/// Lets every kind enqueue what has become due.
pub fn schedule(conn: &mut PooledConn, now: DateTime<Utc>) -> diesel::QueryResult<usize> {
    let mut enqueued = 0;
    for kind in kinds::KINDS {
        enqueued += kind.schedule(conn, now)?;
    }
    Ok(enqueued)
}

/// One round of a worker: schedules, then runs due jobs until none is left, each on a
/// checkout of its own (so a connection that entered too many organizations is replaced
/// between jobs). Returns what ran.
pub async fn tick(db: &Db, worker: &Worker, now: DateTime<Utc>) -> Result<Vec<Ran>, AppError> {
    db.run_pooled(move |conn| Ok::<_, AppError>(schedule(conn, now)?))
        .await?;
    run_due(db, worker).await
}

/// Runs due jobs until none is left (at most [`JOBS_PER_TICK`]).
pub async fn run_due(db: &Db, worker: &Worker) -> Result<Vec<Ran>, AppError> {
    let mut ran = Vec::new();
    for _ in 0..JOBS_PER_TICK {
        if worker.is_stopping() {
            break;
        }
        let worker = worker.clone();
        match db
            .run_pooled(move |conn| Ok::<_, AppError>(run_next(conn, &worker)?))
            .await?
        {
            Some(outcome) => ran.push(outcome),
            None => break,
        }
    }
    Ok(ran)
}

/// How often a worker looks for due jobs: an email is on its way within seconds. Periodic
/// kinds are scheduled once a minute, which is all their periods need.
const POLL: StdDuration = StdDuration::from_secs(2);
const SCHEDULE_EVERY: StdDuration = StdDuration::from_secs(60);

/// The background loop every app server runs, until [`Worker::stop`]: then the job under way
/// finishes and every job still claimed by this worker is given back (queued again, its
/// attempt not counted), so another server runs it at once instead of after the lease.
pub async fn worker(db: Db, worker: Worker) {
    let mut interval = tokio::time::interval(POLL);
    let mut scheduled: Option<std::time::Instant> = None;
    loop {
        tokio::select! {
            biased;
            _ = worker.stopped() => break,
            _ = interval.tick() => {}
        }
        let outcome = if scheduled.is_none_or(|at| at.elapsed() >= SCHEDULE_EVERY) {
            scheduled = Some(std::time::Instant::now());
            tick(&db, &worker, Utc::now()).await
        } else {
            run_due(&db, &worker).await
        };
        match outcome {
            Ok(ran) if !ran.is_empty() => tracing::info!(jobs = ran.len(), "background jobs"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "background jobs failed"),
        }
    }
    release(&db, &worker).await;
}

/// Gives back every job `worker` still holds.
pub async fn release(db: &Db, worker: &Worker) {
    let id = worker.id().to_string();
    match db
        .run(move |conn| Ok::<_, AppError>(queries::release(conn, &id)?))
        .await
    {
        Ok(released) => tracing::info!(released, "background worker stopped"),
        Err(e) => tracing::warn!(error = %e, "background worker: releasing its jobs failed"),
    }
}

/// Stops `worker` on the first SIGTERM, SIGINT or SIGQUIT (the web server hears the same
/// signal and drains its requests meanwhile).
pub async fn stop_on_signal(worker: Worker) {
    use tokio::signal::unix::{signal, SignalKind};
    let listen = |kind| signal(kind).map_err(|e| tracing::warn!(error = %e, "signal handler"));
    let (Ok(mut term), Ok(mut interrupt), Ok(mut quit)) = (
        listen(SignalKind::terminate()),
        listen(SignalKind::interrupt()),
        listen(SignalKind::quit()),
    ) else {
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = interrupt.recv() => {}
        _ = quit.recv() => {}
    }
    worker.stop();
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(2), 120);
        assert_eq!(backoff_secs(5), 960);
        assert_eq!(backoff_secs(10), 6 * 3600);
        assert_eq!(backoff_secs(50), 6 * 3600);
    }
}
