//! Applying for a job (with one's technician profile or a PDF résumé), withdrawing, and who
//! may download a résumé.

use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::listings::organization_of;
use super::{actor, refuse_invalid, JobsError};
use crate::jobs::matching::{self, MatchScore};
use crate::jobs::model::{ApplicationStatus, Audience, Job, JobStatus};
use crate::jobs::queries::applications::{self, NewApplication};
use crate::jobs::queries::listings::{self, OrgName};
use crate::notifications::{notify, NewNotification};
use crate::people::queries as people;
use crate::storage::{FileKind, FileStore};
use crate::web::forms::{check_text, FieldErrors};

pub const MAX_RESUME_BYTES: usize = 5 * 1024 * 1024;

/// A job that takes this person's application, with what the application page shows.
pub struct ApplyContext {
    pub job: Job,
    pub organization: OrgName,
    pub has_profile: bool,
    pub match_score: Option<MatchScore>,
}

/// Whether someone may apply to the job at `slug`: not found for what they cannot see at all,
/// a conflict (with the reason) for a job they can reach that is closed, and their existing
/// application if they already applied.
pub enum Applicable {
    Open(Box<ApplyContext>),
    AlreadyApplied(Uuid),
}

pub fn applicable(
    conn: &mut PgConnection,
    audience: &Audience,
    slug: &str,
) -> Result<Applicable, JobsError> {
    listings::expire_due(conn)?;
    let job = listings::find_by_slug(conn, slug)?.ok_or(JobsError::NotFound)?;
    if !audience.hires_for(job.organization_id)
        && (!audience.reaches(&job) || job.status == JobStatus::Draft)
    {
        return Err(JobsError::NotFound);
    }
    if let Some(account) = audience.account_id {
        if let Some(existing) = applications::existing_application(conn, job.id, account)? {
            return Ok(Applicable::AlreadyApplied(existing));
        }
    }
    if !job.accepts_applications() {
        return Err(JobsError::Conflict(job.closed_reason()));
    }
    let organization = organization_of(conn, &job)?;
    let standing = match audience.account_id {
        Some(account) => people::standing(conn, account)?,
        None => None,
    };
    Ok(Applicable::Open(Box::new(ApplyContext {
        match_score: standing.as_ref().map(|s| matching::for_job(&job, Some(s))),
        has_profile: standing.is_some(),
        job,
        organization,
    })))
}

/// An uploaded résumé as received; `too_large` when the upload passed
/// [`MAX_RESUME_BYTES`] and the rest was not kept.
pub struct Resume {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub too_large: bool,
}

/// What the application form sends. `source` is "profile" (the applicant shares their
/// technician profile) or "resume" (the PDF in `resume`).
#[derive(Default)]
pub struct ApplicationInput {
    pub cover_letter: String,
    pub source: String,
    pub resume: Option<Resume>,
}

pub enum Applied {
    Sent {
        id: Uuid,
        job: Box<Job>,
        organization: OrgName,
    },
    /// Applying twice changes nothing: this is the first application.
    AlreadyApplied(Uuid),
}

/// The résumé to store as (file name, bytes), `None` for a profile application, or the
/// field errors.
fn check_application(
    input: &ApplicationInput,
    has_profile: bool,
) -> Result<Option<(String, &[u8])>, JobsError> {
    let mut errors = FieldErrors::default();
    check_text(
        &mut errors,
        "cover_letter",
        &input.cover_letter,
        10_000,
        true,
    );
    let resume = match input.source.as_str() {
        "profile" => {
            if !has_profile {
                errors.add(
                    "source",
                    "You have no technician profile yet: create one first, or upload a résumé.",
                );
            }
            None
        }
        "resume" => match &input.resume {
            None => {
                errors.add("resume", "Choose the PDF file of your résumé.");
                None
            }
            Some(resume) if resume.too_large => {
                errors.add(
                    "resume",
                    "The résumé is larger than 5 MB. Upload a smaller PDF.",
                );
                None
            }
            Some(resume) if FileKind::sniff(&resume.bytes) == Some(FileKind::Pdf) => {
                Some((safe_file_name(&resume.file_name), resume.bytes.as_slice()))
            }
            Some(_) => {
                errors.add(
                    "resume",
                    "The résumé must be a PDF file; this file is not a PDF.",
                );
                None
            }
        },
        _ => {
            errors.add("source", "Choose your profile or an uploaded résumé.");
            None
        }
    };
    refuse_invalid(errors)?;
    Ok(resume)
}

/// Applies to the job at `slug`: the résumé is stored first, then the application, its match
/// score and the employer's notification in one transaction; a résumé whose application was
/// not stored is removed again.
pub fn apply(
    conn: &mut PgConnection,
    files: &dyn FileStore,
    audience: &Audience,
    slug: &str,
    input: &ApplicationInput,
) -> Result<Applied, JobsError> {
    let account_id = actor(audience)?;
    let context = match applicable(conn, audience, slug)? {
        Applicable::AlreadyApplied(existing) => return Ok(Applied::AlreadyApplied(existing)),
        Applicable::Open(context) => *context,
    };
    let resume = check_application(input, context.has_profile)?;
    let application_id = Uuid::new_v4();
    let stored = match resume {
        Some((name, bytes)) => {
            let key = format!("resumes/{application_id}.pdf");
            files.put(&key, bytes)?;
            Some((key, name, bytes.len() as i32))
        }
        None => None,
    };
    let job = context.job;
    let outcome = conn.transaction(|conn| -> Result<Result<Uuid, Uuid>, JobsError> {
        let standing = people::standing(conn, account_id)?;
        let score = matching::for_job(&job, standing.as_ref());
        let inserted = applications::insert_application(
            conn,
            &NewApplication {
                id: application_id,
                job: &job,
                applicant_id: account_id,
                cover_letter: input.cover_letter.trim(),
                resume: stored
                    .as_ref()
                    .map(|(key, name, size)| (key.as_str(), name.as_str(), *size)),
                match_score: score.score,
                match_details: serde_json::json!(score.reasons),
            },
        )?;
        let Some(id) = inserted else {
            // Two submissions at once: the other one was first.
            let existing = applications::existing_application(conn, job.id, account_id)?;
            return existing.map(Err).ok_or(JobsError::NotFound);
        };
        let employers = applications::hiring_members(conn, job.organization_id)?;
        notify(
            conn,
            &employers,
            &NewNotification {
                kind: "job_application",
                title: &format!("New application for {}", job.title),
                body: &format!("Match score {} of 100.", score.score),
                link: &format!("/jobs/{}/applications/{id}", job.slug),
                organization_id: Some(job.organization_id),
            },
        )?;
        Ok(Ok(id))
    });
    match outcome {
        Ok(Ok(id)) => Ok(Applied::Sent {
            id,
            job: Box::new(job),
            organization: context.organization,
        }),
        Ok(Err(existing)) => {
            remove_unused(files, stored);
            Ok(Applied::AlreadyApplied(existing))
        }
        Err(error) => {
            remove_unused(files, stored);
            Err(error)
        }
    }
}

/// Removes a résumé whose application was not stored; a leftover file is only logged.
fn remove_unused(files: &dyn FileStore, stored: Option<(String, String, i32)>) {
    if let Some((key, _, _)) = stored {
        if let Err(e) = files.delete(&key) {
            tracing::warn!("could not remove an unused résumé: {e}");
        }
    }
}

/// A file name safe to send back in `Content-Disposition`.
fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if name.trim_matches(['.', '_']).is_empty() {
        name = "resume".into();
    }
    if !name.to_ascii_lowercase().ends_with(".pdf") {
        name.push_str(".pdf");
    }
    name
}

/// The applicant withdraws their open application; the employer's hiring staff are told.
pub fn withdraw(
    conn: &mut PgConnection,
    audience: &Audience,
    application_id: Uuid,
) -> Result<(), JobsError> {
    let account_id = actor(audience)?;
    conn.transaction(|conn| {
        let (application, job) = applications::own_application(conn, account_id, application_id)?;
        if application.status.is_closed() {
            return Err(JobsError::Conflict(format!(
                "This application is {} and can no longer be withdrawn.",
                application.status.label().to_lowercase()
            )));
        }
        applications::move_application(
            conn,
            application_id,
            application.status,
            ApplicationStatus::Withdrawn,
            account_id,
        )?;
        let employers = applications::hiring_members(conn, job.organization_id)?;
        notify(
            conn,
            &employers,
            &NewNotification {
                kind: "job_application",
                title: &format!("An application for {} was withdrawn", job.title),
                body: "",
                link: &format!("/jobs/{}/applications/{application_id}", job.slug),
                organization_id: Some(job.organization_id),
            },
        )?;
        Ok(())
    })
}

/// Where an application's résumé is stored and the name to download it under: for its
/// applicant and the employer's hiring staff only.
pub fn resume(
    conn: &mut PgConnection,
    audience: &Audience,
    application_id: Uuid,
) -> Result<(String, String), JobsError> {
    let account_id = actor(audience)?;
    let (organization, applicant, key, name) = applications::resume(conn, application_id)?;
    if applicant != account_id && !audience.hires_for(organization) {
        return Err(JobsError::NotFound);
    }
    let key = key.ok_or(JobsError::NotFound)?;
    Ok((key, name.unwrap_or_else(|| "resume.pdf".into())))
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("C:\\docs\\My CV.pdf"), "My_CV.pdf");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(safe_file_name("\"quoted\".PDF"), "_quoted_.PDF");
        assert_eq!(safe_file_name(""), "resume.pdf");
    }
}
