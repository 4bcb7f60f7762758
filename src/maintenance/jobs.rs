//! The hourly generator pass in every organization, as a kind of background job.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::operations;
use crate::background::{queries, Job, JobContext, JobError, Kind};
use crate::orgs::Actor;
use crate::web::request_meta::RequestMeta;

/// Once an hour per organization: raise the visits that have come due. Missed hours (a server
/// down for a week) are caught up by the next pass, which plans from each schedule's bookmark.
pub struct GenerateMaintenance;

impl GenerateMaintenance {
    pub const NAME: &'static str = "generate_maintenance";
}

/// The name the generator's work orders and audit events carry.
pub fn generator() -> Actor {
    Actor::new(
        Uuid::nil(),
        "",
        "SiteSync maintenance planner",
        RequestMeta::default(),
    )
}

impl Kind for GenerateMaintenance {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn schedule(&self, conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
        queries::enqueue_hourly_per_organization(conn, Self::NAME, now, self.max_attempts())
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        _ctx: &JobContext,
    ) -> Result<(), JobError> {
        let organization = job
            .organization_id
            .ok_or_else(|| JobError::Failed("a generator job without organization".into()))?;
        let org = crate::orgs::queries::handle_by_id(conn, organization)?;
        operations::generate(conn, &org, &generator(), Utc::now())
            .map_err(|e| JobError::Failed(e.to_string()))?;
        Ok(())
    }
}
