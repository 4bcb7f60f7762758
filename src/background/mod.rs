//! Background work: one job runner for every kind of work that happens off the request path
//! (the daily health snapshot today; schedules, email and webhooks as they come).
//!
//! A job is a row of `public.background_jobs`, enqueued in the transaction of the change that
//! needs it, so a rollback enqueues nothing. Its life: `queued` → `running` (leased to one
//! worker) → `done`, or `failed` (run again later, each time after a longer wait) → `dead`
//! after its kind's attempts are spent, with the last error kept for `/admin/jobs`.
//!
//! Any number of app servers run [`runner::worker`]. A worker claims a job with
//! `FOR UPDATE SKIP LOCKED`, so two never claim the same one, and marks it done in the same
//! transaction as the job's own work, so its effects and its `done` commit together or not at
//! all. A job whose worker died keeps its `running` lease until the lease runs out; then any
//! worker takes it over, and the first worker can no longer mark it done. A worker that is
//! stopped (SIGTERM) finishes the job under way, takes no other and gives back what it still
//! holds, so nothing waits for a lease after a clean stop.

pub mod kinds;
pub mod queries;
pub mod routes;
pub mod runner;
mod views;

pub use kinds::{Kind, KINDS};
pub use queries::{enqueue, Job, NewJob};
pub use runner::{run_next, schedule, tick, worker, Ran, Worker};

/// What a job may use beyond its database connection.
#[derive(Clone)]
pub struct JobContext {
    pub config: std::sync::Arc<crate::config::Config>,
    /// Where email goes (kept here so SMTP connections are pooled across jobs).
    pub mailer: std::sync::Arc<crate::mail::Mailer>,
}

/// Field `name` of a job's payload, read as a `T`.
pub fn payload_field<T: serde::de::DeserializeOwned>(
    payload: &serde_json::Value,
    name: &str,
) -> Option<T> {
    serde_json::from_value(payload.get(name)?.clone()).ok()
}

impl Job {
    /// Field `name` of the payload, or the job fails saying which field it lacks.
    pub fn field<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, JobError> {
        payload_field(&self.payload, name)
            .ok_or_else(|| JobError::Failed(format!("a {} job without a valid {name}", self.kind)))
    }
}

/// Why a job did not finish; kept as its `last_error`.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Tenancy(#[from] crate::orgs::TenancyError),
    #[error("{0}")]
    Failed(String),
    /// The worker's lease ran out and another worker took the job over.
    #[error("the job was taken over by another worker")]
    Lost,
}
