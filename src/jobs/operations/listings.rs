//! Jobs as their employer handles them: posting, editing, publishing and closing; and which
//! job a person may see or manage.

use diesel::PgConnection;
use uuid::Uuid;

use super::{actor, JobsError};
use crate::jobs::forms::JobForm;
use crate::jobs::model::{Audience, Job, JobStatus};
use crate::jobs::queries::applications;
use crate::jobs::queries::listings::{self, OrgName};
use crate::web::forms::FieldErrors;

/// The job at `slug` if this audience may see it (after storing any expiry that is due), with
/// its organization and the audience's application to it.
pub fn visible_job(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
) -> Result<(Job, OrgName, Option<Uuid>), JobsError> {
    listings::expire_due(conn)?;
    let job = listings::find_by_slug(conn, slug)?.ok_or(JobsError::NotFound)?;
    if crate::orgs::queries::is_suspended(conn, job.organization_id)? {
        return Err(JobsError::NotFound);
    }
    let applied = match audience.account_id {
        Some(account) => applications::existing_application(conn, job.id, account)?,
        None => None,
    };
    if !audience.can_see(&job, applied.is_some()) {
        return Err(JobsError::NotFound);
    }
    let organization = organization_of(conn, &job)?;
    Ok((job, organization, applied))
}

/// A job the audience hires for, or not found: other organizations' jobs do not exist for
/// them.
pub fn managed_job(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
) -> Result<(Job, OrgName), JobsError> {
    listings::expire_due(conn)?;
    let job = listings::find_by_slug(conn, slug)?.ok_or(JobsError::NotFound)?;
    if !audience.hires_for(job.organization_id) {
        return Err(JobsError::NotFound);
    }
    let organization = organization_of(conn, &job)?;
    Ok((job, organization))
}

pub fn organization_of(conn: &mut PgConnection, job: &Job) -> Result<OrgName, JobsError> {
    listings::organization_names(conn, &[job.organization_id])?
        .remove(&job.organization_id)
        .ok_or(JobsError::NotFound)
}

/// Posts a job for one of the organizations the audience hires for: published at once when
/// the form says so, otherwise a draft only the organization's hiring staff see.
pub fn post_job(
    conn: &mut PgConnection,
    audience: &Audience,
    form: &JobForm,
) -> Result<Job, JobsError> {
    let posted_by = actor(audience)?;
    if audience.hiring_for.is_empty() {
        return Err(JobsError::NotAllowed(
            "Jobs are posted by an organization's managers, administrators and owners.".into(),
        ));
    }
    let mut errors = FieldErrors::default();
    let organization = form.organization(&audience.hiring_for, &mut errors);
    let input = form.validate(&mut errors);
    let (Some(organization), Some(input)) = (organization, input) else {
        return Err(JobsError::Invalid(errors));
    };
    Ok(listings::insert(
        conn,
        &input,
        organization,
        posted_by,
        form.publishing(),
    )?)
}

/// Saves an edited job. A new expiry in the future reopens an expired job.
pub fn edit_job(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    form: &JobForm,
) -> Result<Job, JobsError> {
    let (job, _) = managed_job(conn, audience, slug)?;
    let mut errors = FieldErrors::default();
    let Some(input) = form.validate(&mut errors) else {
        return Err(JobsError::Invalid(errors));
    };
    let mut updated = listings::update(conn, job.id, &input)?;
    if updated.status == JobStatus::Expired && !updated.is_past_expiry() {
        listings::set_status(conn, &updated, JobStatus::Active)?;
        updated.status = JobStatus::Active;
    }
    listings::expire_due(conn)?;
    Ok(updated)
}

/// Moves a job along [`JobStatus::next`]: publishing a draft (`Active`, which stamps its first
/// publication), pausing, marking it filled, cancelling, reopening.
pub fn change_status(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    target: JobStatus,
) -> Result<Job, JobsError> {
    let (mut job, _) = managed_job(conn, audience, slug)?;
    if !job.effective_status().next().contains(&target) {
        return Err(JobsError::Conflict(format!(
            "A job that is {} cannot become {}.",
            job.effective_status().label().to_lowercase(),
            target.label().to_lowercase()
        )));
    }
    if target == JobStatus::Active && job.is_past_expiry() {
        return Err(JobsError::Conflict(
            "Its expiry date has passed: set a later one before reopening it.".into(),
        ));
    }
    listings::set_status(conn, &job, target)?;
    job.status = target;
    Ok(job)
}
