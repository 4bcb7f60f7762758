//! The employer's side of applications: opening one (which marks it viewed), moving it between
//! stages, private notes and rating, interview and offer. Every move is recorded with who made
//! it, and the applicant is told.

use chrono::Utc;
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::listings::managed_job;
use super::{actor, refuse_invalid, JobsError};
use crate::jobs::forms::{AssessmentForm, InterviewForm, OfferForm};
use crate::jobs::model::{ApplicationStatus, Audience, Job};
use crate::jobs::queries::applications;
use crate::notifications::{notify, NewNotification};
use crate::web::forms::{check_text, FieldErrors};

/// Tells the applicant where their application stands now.
fn notify_applicant(
    conn: &mut PgConnection,
    job: &Job,
    application_id: Uuid,
    applicant: Uuid,
    status: ApplicationStatus,
) -> Result<(), JobsError> {
    let body = match status {
        ApplicationStatus::Viewed => "The employer has opened your application.",
        ApplicationStatus::Shortlisted => "You are on the shortlist.",
        ApplicationStatus::Interviewing => "The employer would like to interview you.",
        ApplicationStatus::Offered => "You have an offer. Open the application for details.",
        ApplicationStatus::Hired => "Congratulations: you got the job.",
        ApplicationStatus::Rejected => "The employer has decided not to go ahead this time.",
        ApplicationStatus::Submitted | ApplicationStatus::Withdrawn => "",
    };
    notify(
        conn,
        &[applicant],
        &NewNotification {
            kind: "job_application",
            title: &format!("{}: {}", job.title, status.label()),
            body,
            link: &format!("/applications/{application_id}"),
            organization_id: Some(job.organization_id),
        },
    )?;
    Ok(())
}

/// Moves an application (recording who and when) and tells the applicant.
fn move_to(
    conn: &mut PgConnection,
    job: &Job,
    application_id: Uuid,
    target: ApplicationStatus,
    by: Uuid,
) -> Result<(), JobsError> {
    let (application, _, _) = applications::employer_application(conn, job.id, application_id)?;
    if application.status == ApplicationStatus::Withdrawn {
        return Err(JobsError::Conflict(
            "The applicant withdrew this application; it cannot be moved.".into(),
        ));
    }
    if applications::move_application(conn, application_id, application.status, target, by)? {
        notify_applicant(conn, job, application_id, application.applicant_id, target)?;
    }
    Ok(())
}

/// Moves an application to `target` if it is at an earlier open stage; otherwise only tells
/// the applicant about the new details.
fn move_forward(
    conn: &mut PgConnection,
    job: &Job,
    application_id: Uuid,
    target: ApplicationStatus,
    by: Uuid,
) -> Result<(), JobsError> {
    let (application, _, _) = applications::employer_application(conn, job.id, application_id)?;
    if application.status.is_closed() {
        return Err(JobsError::Conflict(format!(
            "This application is {}.",
            application.status.label().to_lowercase()
        )));
    }
    if application.status < target {
        move_to(conn, job, application_id, target, by)
    } else {
        notify_applicant(conn, job, application_id, application.applicant_id, target)
    }
}

/// Runs `work` on one application of a job the audience hires for, in one transaction;
/// anything else is not found.
fn on_application<T>(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
    work: impl FnOnce(&mut PgConnection, &Job, Uuid) -> Result<T, JobsError>,
) -> Result<(Job, T), JobsError> {
    let by = actor(audience)?;
    conn.transaction(|conn| {
        let (job, _) = managed_job(conn, audience, slug)?;
        applications::employer_application(conn, job.id, application_id)?;
        let done = work(conn, &job, by)?;
        Ok((job, done))
    })
}

/// An application to a job the audience hires for: the job, and the applicant's account and
/// name (for the conversation about it).
pub fn application_for_employer(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
) -> Result<(Job, Uuid, String), JobsError> {
    let (job, _) = managed_job(conn, audience, slug)?;
    let (application, name, _) = applications::employer_application(conn, job.id, application_id)?;
    Ok((job, application.applicant_id, name))
}

/// The employer opens an application: a submitted one becomes viewed, and the applicant is
/// told. Answers the job.
pub fn open_application(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
) -> Result<Job, JobsError> {
    let (job, ()) = on_application(conn, audience, slug, application_id, |conn, job, by| {
        let (application, _, _) = applications::employer_application(conn, job.id, application_id)?;
        if application.status == ApplicationStatus::Submitted {
            move_to(conn, job, application_id, ApplicationStatus::Viewed, by)?;
        }
        Ok(())
    })?;
    Ok(job)
}

/// Moves an application to one of the employer's stages (withdrawing is the applicant's).
pub fn move_application(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
    target: ApplicationStatus,
) -> Result<Job, JobsError> {
    if !ApplicationStatus::EMPLOYER.contains(&target) {
        return Err(JobsError::NotAllowed(
            "Only the applicant can withdraw an application.".into(),
        ));
    }
    let (job, ()) = on_application(conn, audience, slug, application_id, |conn, job, by| {
        move_to(conn, job, application_id, target, by)
    })?;
    Ok(job)
}

/// Saves the employer's private notes and rating; the applicant never sees them.
pub fn assess(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
    form: &AssessmentForm,
) -> Result<Job, JobsError> {
    let (job, ()) = on_application(conn, audience, slug, application_id, |conn, _, _| {
        let mut errors = FieldErrors::default();
        let rating = form.validate(&mut errors);
        refuse_invalid(errors)?;
        applications::save_assessment(conn, application_id, form.employer_notes.trim(), rating)?;
        Ok(())
    })?;
    Ok(job)
}

/// Sets the interview (in the future) and moves the application to interviewing.
pub fn schedule_interview(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
    form: &InterviewForm,
) -> Result<Job, JobsError> {
    let (job, ()) = on_application(conn, audience, slug, application_id, |conn, job, by| {
        let mut errors = FieldErrors::default();
        let at = form.validate(&mut errors);
        let Some(at) = at.filter(|_| errors.is_empty()) else {
            return Err(JobsError::Invalid(errors));
        };
        if at < Utc::now() {
            let mut errors = FieldErrors::default();
            errors.add("interview_at", "Choose a time in the future.");
            return Err(JobsError::Invalid(errors));
        }
        applications::save_interview(conn, application_id, at, form.interview_location.trim())?;
        move_forward(
            conn,
            job,
            application_id,
            ApplicationStatus::Interviewing,
            by,
        )
    })?;
    Ok(job)
}

/// Makes the offer and moves the application to offered.
pub fn make_offer(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
    application_id: Uuid,
    form: &OfferForm,
) -> Result<Job, JobsError> {
    let (job, ()) = on_application(conn, audience, slug, application_id, |conn, job, by| {
        let mut errors = FieldErrors::default();
        check_text(
            &mut errors,
            "offer_details",
            &form.offer_details,
            10_000,
            true,
        );
        refuse_invalid(errors)?;
        applications::save_offer(conn, application_id, form.offer_details.trim())?;
        move_forward(conn, job, application_id, ApplicationStatus::Offered, by)
    })?;
    Ok(job)
}
