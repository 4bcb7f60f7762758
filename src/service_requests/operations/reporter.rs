//! The person who reported a fault and left an email address hears how it goes: that it was
//! received, and each change of status, with the link to its status page.
//!
//! The email is written by a background job in the organization, enqueued in the transaction
//! that made the change (so a change that rolls back sends nothing), because links are made
//! of `SITESYNC_PUBLIC_URL`, which the job's context holds and the operations do not.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use crate::background::{enqueue, Job, JobContext, JobError, Kind, NewJob};
use crate::mail::{self, messages, Email};
use crate::orgs::OrgHandle;
use crate::service_requests::queries as sr;

/// Enqueues the email telling the reporter of `request_id` that it is now `status` (`open`:
/// just received), with `note`.
pub fn tell_reporter(
    conn: &mut PgConnection,
    org: &OrgHandle,
    request_id: Uuid,
    status: &str,
    note: Option<&str>,
) -> QueryResult<()> {
    enqueue(
        conn,
        &NewJob {
            kind: EmailFaultReporter::NAME,
            organization_id: Some(org.id),
            payload: serde_json::json!({
                "request": request_id,
                "slug": org.slug,
                "organization": org.name,
                "status": status,
                "note": note,
            }),
            unique_key: None,
            run_at: Utc::now(),
            max_attempts: EmailFaultReporter.max_attempts(),
        },
    )
    .map(|_| ())
}

pub struct EmailFaultReporter;

impl EmailFaultReporter {
    pub const NAME: &'static str = "email_fault_reporter";
}

fn text(job: &Job, field: &str) -> Option<String> {
    job.field(field).ok()
}

impl Kind for EmailFaultReporter {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn perform(
        &self,
        conn: &mut PgConnection,
        job: &Job,
        ctx: &JobContext,
    ) -> Result<(), JobError> {
        let request_id = text(job, "request")
            .and_then(|id| id.parse::<Uuid>().ok())
            .ok_or_else(|| JobError::Failed("reporter email without a request".into()))?;
        let (Some(slug), Some(organization)) = (text(job, "slug"), text(job, "organization"))
        else {
            return Err(JobError::Failed(
                "reporter email without its organization".into(),
            ));
        };
        let status = text(job, "status").unwrap_or_else(|| "open".into());
        let request = sr::find(conn, request_id)?;
        let Some(address) = request.contact_email.as_deref().filter(|a| !a.is_empty()) else {
            return Ok(());
        };
        let content = messages::FaultReportUpdate {
            name: request.contact_name.clone().unwrap_or_default(),
            organization: organization.clone(),
            reference: request.reference.clone(),
            subject: request.subject.clone(),
            status: sr::label(sr::STATUSES, &status).to_string(),
            received: status == "open",
            note: text(job, "note").unwrap_or_default(),
            link: format!(
                "{}/report/{slug}/status/{}",
                ctx.config.link_base(),
                request.status_token
            ),
        }
        .render()
        .map_err(|e| JobError::Failed(e.to_string()))?;
        mail::send(
            conn,
            &Email {
                kind: "fault_report_update",
                to_address: address,
                to_name: request.contact_name.as_deref(),
                content,
                account_id: None,
                organization_id: job.organization_id,
                correlation_id: Some(format!("service_request:{}", request.id)),
            },
        )?;
        Ok(())
    }
}
