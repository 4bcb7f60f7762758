//! Every kind of background job, registered in one place.

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};

use super::{Job, JobContext, JobError};

/// One kind of background work.
pub trait Kind: Sync {
    /// The `kind` column of its jobs.
    fn name(&self) -> &'static str;

    /// How often a failing job is tried before it is dead.
    fn max_attempts(&self) -> i32 {
        5
    }

    /// Enqueues what has become due by `now` (periodic kinds); called on every tick by
    /// every worker, so it must be idempotent (a `unique_key` per period does that).
    fn schedule(&self, _conn: &mut PgConnection, _now: DateTime<Utc>) -> QueryResult<usize> {
        Ok(0)
    }

    /// Does one job. A job that names an organization runs inside it (its schema and role).
    fn perform(&self, conn: &mut PgConnection, job: &Job, ctx: &JobContext)
        -> Result<(), JobError>;

    /// Told when a job failed (its work rolled back), in the transaction that records the
    /// failure: for kinds that keep a state of their own (an outbox message's status, a
    /// webhook delivery's). A job that names an organization is told inside it.
    fn failed(
        &self,
        _conn: &mut PgConnection,
        _job: &Job,
        _error: &str,
        _dead: bool,
    ) -> QueryResult<()> {
        Ok(())
    }
}

/// The registry: every kind a worker can run.
pub const KINDS: &[&dyn Kind] = &[
    &crate::dashboard::figures::RefreshFigures,
    &crate::dashboard::jobs::HealthSnapshot,
    &crate::inventory::jobs::SettleListingStock,
    &crate::mail::deliver::DeliverMail,
    &crate::maintenance::jobs::GenerateMaintenance,
    &crate::notifications::jobs::RouteNotifications,
    &crate::notifications::jobs::NotificationDigest,
    &crate::orgs::deletion::PurgeOrganizations,
    &crate::service_requests::operations::reporter::EmailFaultReporter,
    &crate::webhooks::deliver::DeliverWebhook,
    &crate::work_orders::jobs::CapForgottenTimers,
];

/// The registered kind called `name`.
pub fn find(name: &str) -> Option<&'static dyn Kind> {
    KINDS.iter().copied().find(|kind| kind.name() == name)
}
