//! Work-order chores the background module runs.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::background::{queries, Job, JobContext, JobError, Kind};
use crate::orgs::context::Actor;
use crate::web::request_meta::RequestMeta;
use crate::work_orders::operations::field;

/// Every hour in every organization: labour timers left running past the cap are recorded as
/// the cap and flagged, so the technician who forgot one finds a sane line, not 40 hours.
pub struct CapForgottenTimers;

impl CapForgottenTimers {
    pub const NAME: &'static str = "cap_forgotten_timers";
}

impl Kind for CapForgottenTimers {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn schedule(&self, conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
        queries::enqueue_hourly_per_organization(conn, Self::NAME, now, self.max_attempts())
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        _job: &Job,
        _ctx: &JobContext,
    ) -> Result<(), JobError> {
        let actor = Actor::new(Uuid::nil(), "", "SiteSync", RequestMeta::default());
        field::cap_forgotten_timers(conn, &actor, Utc::now())
            .map_err(|e| JobError::Failed(e.to_string()))?;
        Ok(())
    }
}
