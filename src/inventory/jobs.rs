//! Inventory's background work: settling a marketplace listing's sale or withdrawal in the
//! seller organization's stock.

use diesel::prelude::*;
use uuid::Uuid;

use super::operations::surplus::{settle_listing, ListingEvent};
use crate::background::{Job, JobContext, JobError, Kind};
use crate::marketplace::operations::stock::STOCK_JOB;
use crate::orgs::Actor;
use crate::web::request_meta::RequestMeta;

/// Issues a stock listing's sale from the stock set aside for it, or releases it when the
/// listing is withdrawn (see `marketplace::operations::stock`).
pub struct SettleListingStock;

impl Kind for SettleListingStock {
    fn name(&self) -> &'static str {
        STOCK_JOB
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        _ctx: &JobContext,
    ) -> Result<(), JobError> {
        let organization = job
            .organization_id
            .ok_or_else(|| JobError::Failed("a stock listing job without organization".into()))?;
        let event: ListingEvent = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Failed(format!("unreadable payload: {e}")))?;
        let org = crate::orgs::queries::handle_by_id(conn, organization)?;
        let actor = Actor::new(
            Uuid::nil(),
            "",
            "SiteSync marketplace",
            RequestMeta::default(),
        );
        settle_listing(conn, &org, &actor, &event).map_err(|e| JobError::Failed(e.to_string()))
    }
}
