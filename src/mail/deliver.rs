//! The `deliver_mail` background kind: one job per outbox message.

use diesel::PgConnection;
use uuid::Uuid;

use super::outbox;
use crate::background::{Job, JobContext, JobError, Kind};

pub const KIND: &str = "deliver_mail";
pub const MAX_ATTEMPTS: i32 = 6;

pub struct DeliverMail;

fn message_id(job: &Job) -> Result<Uuid, JobError> {
    job.payload
        .get("message")
        .and_then(|m| m.as_str())
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| JobError::Failed("mail job without a message id".into()))
}

impl Kind for DeliverMail {
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
        let id = message_id(job)?;
        let Some(message) = outbox::lock(conn, id)? else {
            return Err(JobError::Failed(format!(
                "message {id} is not in the outbox"
            )));
        };
        // Sent already (a job retried by hand after all): sending again would be a duplicate.
        if message.status == "completed" {
            return Ok(());
        }
        ctx.mailer.deliver(&message).map_err(JobError::Failed)?;
        outbox::mark_completed(conn, id)?;
        Ok(())
    }

    fn failed(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        error: &str,
        dead: bool,
    ) -> diesel::QueryResult<()> {
        match message_id(job) {
            Ok(id) => outbox::mark_failed(conn, id, error, dead),
            Err(_) => Ok(()),
        }
    }
}
