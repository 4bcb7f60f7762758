//! The `deliver_mail` background kind: one job per outbox message. A delivery is mostly
//! waiting on the SMTP server, so a job that delivered its message takes up to
//! [`ALONGSIDE`] more due ones and delivers them side by side, each on an SMTP connection of
//! its own; those delivered finish their jobs, the others keep their jobs and their retries.

use diesel::PgConnection;
use uuid::Uuid;

use super::outbox;
use crate::background::{self, Job, JobContext, JobError, Kind};

pub const KIND: &str = "deliver_mail";
pub const MAX_ATTEMPTS: i32 = 6;
/// Messages delivered beside a job's own, over [`super::transport::CONNECTIONS`] SMTP
/// connections at once: three each, so a job holds its transaction well under the database's
/// idle-in-transaction limit even when every one of them runs into the SMTP timeout.
pub const ALONGSIDE: i64 = 45;

pub struct DeliverMail;

/// Delivers the messages of up to [`ALONGSIDE`] more due jobs at once; finishes the jobs of
/// those delivered (or found sent already).
fn deliver_alongside(conn: &mut PgConnection, ctx: &JobContext) -> Result<(), JobError> {
    let taken: Vec<(i64, Uuid)> = background::queries::take_due(conn, KIND, ALONGSIDE)?
        .into_iter()
        .filter_map(|job| Some((job.id, background::payload_field(&job.payload, "message")?)))
        .collect();
    let ids: Vec<Uuid> = taken.iter().map(|(_, id)| *id).collect();
    let (sent, due): (Vec<_>, Vec<_>) = outbox::lock_many(conn, &ids)?
        .into_iter()
        .partition(|m| m.status == "completed");
    let outcomes = ctx.mailer.deliver_all(&due.iter().collect::<Vec<_>>());
    let delivered: Vec<Uuid> = due
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(m, _)| m.id)
        .collect();
    outbox::mark_all_completed(conn, &delivered)?;
    let finished: Vec<i64> = taken
        .iter()
        .filter(|(_, id)| delivered.contains(id) || sent.iter().any(|m| m.id == *id))
        .map(|(job, _)| *job)
        .collect();
    background::queries::finish_taken(conn, &finished)?;
    Ok(())
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
        let id: Uuid = job.field("message")?;
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
        deliver_alongside(conn, ctx)
    }

    fn failed(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        error: &str,
        dead: bool,
    ) -> diesel::QueryResult<()> {
        match job.field::<Uuid>("message") {
            Ok(id) => outbox::mark_failed(conn, id, error, dead),
            Err(_) => Ok(()),
        }
    }
}
