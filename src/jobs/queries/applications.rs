//! Applications: applying, moving through the pipeline with a recorded event per move, the
//! applicant's and the employer's views, and the employer's notes, interview and offer.

use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::db::schema_public::{accounts, job_application_events, job_applications, job_listings};
use crate::jobs::model::{ApplicantView, ApplicationStatus, EmployerView, Job};

pub struct NewApplication<'a> {
    pub id: Uuid,
    pub job: &'a Job,
    pub applicant_id: Uuid,
    pub cover_letter: &'a str,
    pub resume: Option<(&'a str, &'a str, i32)>,
    pub match_score: i32,
    pub match_details: serde_json::Value,
}

/// The application of this account to this job, if any.
pub fn existing_application(
    conn: &mut PgConnection,
    job_id: Uuid,
    applicant_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    job_applications::table
        .filter(job_applications::job_listing_id.eq(job_id))
        .filter(job_applications::applicant_id.eq(applicant_id))
        .select(job_applications::id)
        .first(conn)
        .optional()
}

/// Inserts the application, its first event and the job's counter; `None` when this account
/// already applied (the unique key decides, so two submissions at once still make one).
pub fn insert_application(
    conn: &mut PgConnection,
    new: &NewApplication,
) -> QueryResult<Option<Uuid>> {
    let (key, name, size) = match new.resume {
        Some((key, name, size)) => (Some(key), Some(name), Some(size)),
        None => (None, None, None),
    };
    let inserted = diesel::insert_into(job_applications::table)
        .values((
            job_applications::id.eq(new.id),
            job_applications::job_listing_id.eq(new.job.id),
            job_applications::applicant_id.eq(new.applicant_id),
            job_applications::cover_letter.eq(new.cover_letter),
            job_applications::use_profile.eq(key.is_none()),
            job_applications::resume_file_key.eq(key),
            job_applications::resume_file_name.eq(name),
            job_applications::resume_size.eq(size),
            job_applications::match_score.eq(new.match_score),
            job_applications::match_details.eq(&new.match_details),
            job_applications::status_changed_by.eq(new.applicant_id),
        ))
        .on_conflict((
            job_applications::job_listing_id,
            job_applications::applicant_id,
        ))
        .do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Ok(None);
    }
    record_event(
        conn,
        new.id,
        None,
        ApplicationStatus::Submitted,
        new.applicant_id,
    )?;
    diesel::update(job_listings::table.find(new.job.id))
        .set(job_listings::application_count.eq(job_listings::application_count + 1))
        .execute(conn)?;
    Ok(Some(new.id))
}

fn record_event(
    conn: &mut PgConnection,
    application_id: Uuid,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    by: Uuid,
) -> QueryResult<usize> {
    diesel::insert_into(job_application_events::table)
        .values((
            job_application_events::application_id.eq(application_id),
            job_application_events::from_status.eq(from),
            job_application_events::to_status.eq(to),
            job_application_events::changed_by.eq(by),
        ))
        .execute(conn)
}

/// Moves an application and records who did it; `false` when it already was there.
pub fn move_application(
    conn: &mut PgConnection,
    application_id: Uuid,
    from: ApplicationStatus,
    to: ApplicationStatus,
    by: Uuid,
) -> QueryResult<bool> {
    if from == to {
        return Ok(false);
    }
    let moved = diesel::update(
        job_applications::table
            .find(application_id)
            .filter(job_applications::status.eq(from)),
    )
    .set((
        job_applications::status.eq(to),
        job_applications::status_changed_at.eq(now),
        job_applications::status_changed_by.eq(by),
        job_applications::updated_at.eq(now),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    record_event(conn, application_id, Some(from), to, by)?;
    Ok(true)
}

/// One of the applicant's own applications, with its job.
pub fn own_application(
    conn: &mut PgConnection,
    applicant_id: Uuid,
    application_id: Uuid,
) -> QueryResult<(ApplicantView, Job)> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::id.eq(application_id))
        .filter(job_applications::applicant_id.eq(applicant_id))
        .select((ApplicantView::as_select(), Job::as_select()))
        .first(conn)
}

pub fn own_applications_count(conn: &mut PgConnection, applicant_id: Uuid) -> QueryResult<i64> {
    job_applications::table
        .filter(job_applications::applicant_id.eq(applicant_id))
        .count()
        .get_result(conn)
}

pub fn own_applications(
    conn: &mut PgConnection,
    applicant_id: Uuid,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(ApplicantView, Job)>> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::applicant_id.eq(applicant_id))
        .order((job_applications::created_at.desc(), job_applications::id))
        .offset(offset)
        .limit(limit)
        .select((ApplicantView::as_select(), Job::as_select()))
        .load(conn)
}

/// A status change as the applicant's timeline shows it (when, not who).
#[derive(Debug, Clone, Queryable)]
pub struct StatusEvent {
    pub to_status: ApplicationStatus,
    pub changed_at: DateTime<Utc>,
    pub changed_by_name: String,
}

pub fn events(conn: &mut PgConnection, application_id: Uuid) -> QueryResult<Vec<StatusEvent>> {
    job_application_events::table
        .inner_join(accounts::table)
        .filter(job_application_events::application_id.eq(application_id))
        .order(job_application_events::changed_at)
        .select((
            job_application_events::to_status,
            job_application_events::changed_at,
            accounts::display_name,
        ))
        .load(conn)
}

/// An application of the job, with its applicant's name, for the employer.
pub fn employer_application(
    conn: &mut PgConnection,
    job_id: Uuid,
    application_id: Uuid,
) -> QueryResult<(EmployerView, String, String)> {
    job_applications::table
        .inner_join(accounts::table.on(accounts::id.eq(job_applications::applicant_id)))
        .filter(job_applications::id.eq(application_id))
        .filter(job_applications::job_listing_id.eq(job_id))
        .select((
            EmployerView::as_select(),
            accounts::display_name,
            accounts::email,
        ))
        .first(conn)
}

pub fn employer_applications(
    conn: &mut PgConnection,
    job_id: Uuid,
) -> QueryResult<Vec<(EmployerView, String, String)>> {
    job_applications::table
        .inner_join(accounts::table.on(accounts::id.eq(job_applications::applicant_id)))
        .filter(job_applications::job_listing_id.eq(job_id))
        .order((
            job_applications::match_score.desc(),
            job_applications::created_at,
        ))
        .limit(500)
        .select((
            EmployerView::as_select(),
            accounts::display_name,
            accounts::email,
        ))
        .load(conn)
}

pub fn save_assessment(
    conn: &mut PgConnection,
    application_id: Uuid,
    notes: &str,
    rating: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::employer_notes.eq(notes),
            job_applications::employer_rating.eq(rating),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn save_interview(
    conn: &mut PgConnection,
    application_id: Uuid,
    at: DateTime<Utc>,
    place: &str,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::interview_scheduled_at.eq(at),
            job_applications::interview_location.eq(place),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn save_offer(
    conn: &mut PgConnection,
    application_id: Uuid,
    details: &str,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(application_id))
        .set((
            job_applications::offer_details.eq(details),
            job_applications::offer_made_at.eq(now),
            job_applications::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The résumé of an application: (job's organization, applicant, file key, file name).
pub fn resume(
    conn: &mut PgConnection,
    application_id: Uuid,
) -> QueryResult<(Uuid, Uuid, Option<String>, Option<String>)> {
    job_applications::table
        .inner_join(job_listings::table)
        .filter(job_applications::id.eq(application_id))
        .select((
            job_listings::organization_id,
            job_applications::applicant_id,
            job_applications::resume_file_key,
            job_applications::resume_file_name,
        ))
        .first(conn)
}

/// Accounts of an organization who run its hiring, to tell them about new applications.
pub fn hiring_members(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Vec<Uuid>> {
    crate::members::queries::with_permission(conn, organization_id, Permission::Hire)
}
