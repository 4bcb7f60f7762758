//! The `deliver_webhook` background kind: one job per delivery (and per redelivery), run
//! inside the organization. It signs the stored payload and POSTs it; a 2xx answer marks the
//! delivery delivered in the job's transaction, anything else fails the job, and the runner
//! tries again after a doubling wait. [`Kind::failed`] records each failed attempt on the
//! delivery (its code, a short error, when it is tried next) and `dead` after the last.

use chrono::Utc;
use diesel::PgConnection;
use uuid::Uuid;

use super::client::{self, Failure};
use super::queries::{self, FailedAttempt};
use super::{secret, signature};
use crate::background::{Job, JobContext, JobError, Kind};

pub const KIND: &str = "deliver_webhook";
/// With the runner's doubling waits from one minute, the last try comes about two hours
/// after the first.
pub const MAX_ATTEMPTS: i32 = 8;
/// How much of an error the delivery log keeps.
const ERROR_CHARS: usize = 300;

pub struct DeliverWebhook;

fn fail(failure: Failure) -> JobError {
    JobError::Failed(failure.to_string())
}

impl Kind for DeliverWebhook {
    fn name(&self) -> &'static str {
        KIND
    }

    fn max_attempts(&self) -> i32 {
        MAX_ATTEMPTS
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        ctx: &JobContext,
    ) -> Result<(), JobError> {
        let id: Uuid = job.field("delivery")?;
        let run: Uuid = job.field("run")?;
        // Gone with its subscription, handed to a newer job by "Redeliver", or delivered:
        // nothing left for this job to do.
        let Some((delivery, url, sealed)) = queries::lock_delivery(conn, id)? else {
            return Ok(());
        };
        if delivery.run_id != run || delivery.status == "delivered" {
            return Ok(());
        }
        let secret = secret::open(&ctx.config.secret_key, &sealed).ok_or_else(|| {
            fail(Failure::Other(
                "the signing secret cannot be read (was the server's secret key changed?); rotate it".into(),
            ))
        })?;
        let body = serde_json::to_vec(&delivery.payload)
            .map_err(|e| fail(Failure::Other(format!("the payload: {e}"))))?;
        let headers = [
            ("Content-Type", "application/json".to_string()),
            ("SiteSync-Event", delivery.event_type.clone()),
            ("SiteSync-Delivery", delivery.id.to_string()),
            (
                "SiteSync-Signature",
                signature::sign(&secret, Utc::now().timestamp(), &body),
            ),
        ];
        let code =
            client::post(&url, &headers, &body, ctx.config.webhook_allow_private).map_err(fail)?;
        queries::mark_delivered(conn, id, i32::from(code))?;
        Ok(())
    }

    fn failed(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        error: &str,
        dead: bool,
    ) -> diesel::QueryResult<()> {
        let (Ok(id), Ok(run_id)) = (job.field::<Uuid>("delivery"), job.field::<Uuid>("run")) else {
            return Ok(());
        };
        let wait =
            chrono::Duration::seconds(crate::background::runner::backoff_secs(job.attempts).into());
        let short: String = error.chars().take(ERROR_CHARS).collect();
        queries::mark_failed(
            conn,
            &FailedAttempt {
                id,
                run_id,
                status_code: Failure::status_code_of(error),
                error: &short,
                next_attempt_at: (!dead).then(|| Utc::now() + wait),
            },
        )
    }
}
