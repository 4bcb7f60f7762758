//! The background kinds that take notifications out of the bell: routing (email now, later
//! in the digest, or not at all) and the daily digest.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::operations::{self, Links};
use crate::background::{enqueue, Job, JobContext, JobError, Kind, NewJob};

fn links(ctx: &JobContext) -> (String, &crate::config::SecretKey) {
    (ctx.config.link_base(), &ctx.config.secret_key)
}

fn failed(e: crate::web::AppError) -> JobError {
    JobError::Failed(e.to_string())
}

/// Enqueued with every batch of notifications, in the transaction that writes them: the
/// organization's role that writes them may not read preferences or addresses, this job may.
pub struct RouteNotifications;

impl RouteNotifications {
    pub const NAME: &'static str = "route_notifications";

    pub fn enqueue(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<bool> {
        if ids.is_empty() {
            return Ok(false);
        }
        enqueue(
            conn,
            &NewJob {
                kind: Self::NAME,
                organization_id: None,
                payload: serde_json::json!({ "ids": ids }),
                unique_key: None,
                run_at: Utc::now(),
                max_attempts: Self.max_attempts(),
            },
        )
    }
}

impl Kind for RouteNotifications {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        ctx: &JobContext,
    ) -> Result<(), JobError> {
        let ids: Vec<Uuid> = job.field("ids")?;
        let (base, key) = links(ctx);
        operations::route(conn, &ids, &Links { base: &base, key }).map_err(failed)?;
        Ok(())
    }
}

/// Every hour: the daily digest of each account whose morning (07:00 in its time zone) has
/// come and that has something gathered.
pub struct NotificationDigest;

impl NotificationDigest {
    pub const NAME: &'static str = "notification_digest";
}

impl Kind for NotificationDigest {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn schedule(&self, conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
        enqueue(
            conn,
            &NewJob {
                kind: Self::NAME,
                organization_id: None,
                payload: serde_json::json!({}),
                unique_key: Some(now.format("%Y-%m-%dT%H").to_string()),
                run_at: now,
                max_attempts: self.max_attempts(),
            },
        )
        .map(usize::from)
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        _job: &Job,
        ctx: &JobContext,
    ) -> Result<(), JobError> {
        let (base, key) = links(ctx);
        operations::send_digests(conn, Utc::now(), &Links { base: &base, key }).map_err(failed)?;
        Ok(())
    }
}
