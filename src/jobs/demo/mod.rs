//! Demo data for the job board: listings from the demo organizations, technicians with
//! profiles, and their applications. Each piece is looked up before it is made, so later runs
//! add nothing.

use bigdecimal::BigDecimal;
use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::matching;
use super::model::EmploymentType::PartTime;
use super::model::JobStatus::{Draft, Expired};
use super::model::{ApplicationStatus, Job};
use super::queries::applications::{self, NewApplication};
use super::queries::listings::{self, JobInput};
use crate::auth::accounts::{self, AccountInsertForm};
use crate::auth::password;
use crate::db::schema_public::job_listings;
use crate::demo::{DemoError, DemoLogin};
use crate::orgs::queries as orgs;
use crate::people::queries::{self as people, CertificationInput, EmploymentInput, ProfileInput};

mod openings;
mod technicians;

use openings::JOBS;
use technicians::{APPLICATIONS, TECHNICIANS};

pub const JOB_SEEKER_PASSWORD: &str = "harbour-lift-jobseeker-2026";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn owner_of(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Option<Uuid>> {
    use crate::db::schema_public::memberships;
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq("owner"))
        .select(memberships::account_id)
        .first(conn)
        .optional()
}

fn ensure_jobs(conn: &mut PgConnection) -> Result<(), DemoError> {
    for (index, job) in JOBS.iter().enumerate() {
        let (
            slug,
            title,
            kind,
            trade,
            city,
            state,
            (low, high),
            skills,
            certs,
            makers,
            years,
            visibility,
            status,
            days,
        ) = *job;
        let Some(org) = orgs::find_by_slug(conn, slug)? else {
            continue;
        };
        let exists: i64 = job_listings::table
            .filter(job_listings::organization_id.eq(org.id))
            .filter(job_listings::title.eq(title))
            .count()
            .get_result(conn)?;
        let Some(owner) = owner_of(conn, org.id)? else {
            continue;
        };
        if exists > 0 {
            continue;
        }
        let hourly = high < 200;
        let input = JobInput {
            title: title.into(),
            description: format!(
                "**{}** is hiring in {city}.\n\n- Work on a portfolio of commercial and residential buildings\n- Company vehicle, tools and phone\n- Training on new equipment\n\nTell us about the lifts you have worked on.",
                org.name
            ),
            employment_type: kind,
            trade: trade.into(),
            required_experience_years: (years > 0).then_some(years),
            required_certifications: strings(certs),
            required_skills: strings(skills),
            required_manufacturer_experience: strings(makers),
            preferred_certifications: Vec::new(),
            preferred_skills: if index % 3 == 0 {
                strings(&["Modernisation"])
            } else {
                Vec::new()
            },
            location_type: if trade == "elevators" && index % 7 == 3 {
                "travel".into()
            } else {
                "on_site".into()
            },
            address_city: Some(city.into()),
            address_state: Some(state.into()),
            address_country: "Australia".into(),
            salary_min: Some(BigDecimal::from(low)),
            salary_max: Some(BigDecimal::from(high)),
            salary_type: Some(if hourly { "hourly" } else { "annual" }.into()),
            salary_currency: "AUD".into(),
            show_salary: index % 5 != 4,
            benefits: strings(&["Company vehicle", "Paid training"]),
            start_date: None,
            end_date: None,
            hours_per_week: Some(if kind == PartTime { 20 } else { 38 }),
            visibility: visibility.into(),
            expires_at: Some(if status == Expired {
                Utc::now() - Duration::days(5)
            } else {
                Utc::now() + Duration::days(60)
            }),
        };
        let created = listings::insert(conn, &input, org.id, owner, status != Draft)?;
        if status != Draft {
            diesel::update(job_listings::table.find(created.id))
                .set((
                    job_listings::status.eq(status),
                    job_listings::published_at.eq(Utc::now() - Duration::days(days)),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn ensure_technicians(conn: &mut PgConnection) -> Result<Vec<Uuid>, DemoError> {
    let mut hash = None;
    let mut ids = Vec::new();
    for (index, person) in TECHNICIANS.iter().enumerate() {
        let (email, first, last, headline, years, skills, makers, places, visibility) = *person;
        let account = match accounts::find_by_email(conn, email)? {
            Some(account) => account,
            None => {
                if hash.is_none() {
                    hash = Some(
                        password::hash(JOB_SEEKER_PASSWORD)
                            .map_err(|e| DemoError::Other(e.to_string()))?,
                    );
                }
                accounts::insert(
                    conn,
                    &AccountInsertForm {
                        email,
                        password_hash: hash.as_deref().unwrap_or_default(),
                        first_name: first,
                        last_name: last,
                        display_name: &format!("{first} {last}"),
                        timezone: "Australia/Sydney",
                        email_verified_at: Some(chrono::Utc::now()),
                    },
                )
                .map_err(|e| DemoError::Other(e.to_string()))?
            }
        };
        ids.push(account.id);
        if people::profile_of(conn, account.id)?.is_some() {
            continue;
        }
        people::save_profile(
            conn,
            account.id,
            &ProfileInput {
                headline: headline.into(),
                summary: format!(
                    "{first} has {years} years in the trade and keeps lifts running safely.\n\nHappy to take callouts and to mentor apprentices."
                ),
                years_experience: Some(years),
                career_start_date: NaiveDate::from_ymd_opt(2025 - years, 2, 1),
                primary_trade: Some("elevators".into()),
                specializations: strings(skills),
                manufacturer_expertise: strings(makers),
                equipment_types: Vec::new(),
                availability_status: if index % 3 == 0 {
                    "open_to_opportunities".into()
                } else {
                    "actively_looking".into()
                },
                preferred_job_types: strings(&["full_time"]),
                preferred_locations: strings(places),
                willing_to_relocate: index % 4 == 1,
                profile_visibility: visibility.into(),
            },
        )?;
        if years >= 3 {
            people::add_certification(
                conn,
                account.id,
                &CertificationInput {
                    name: "Electrical licence".into(),
                    issuing_authority: Some("State regulator".into()),
                    certificate_number: Some(format!("EL-{:05}", 41_000 + index)),
                    issued_date: NaiveDate::from_ymd_opt(2026 - years, 3, 1).unwrap_or_default(),
                    expiry_date: NaiveDate::from_ymd_opt(2029, 3, 1),
                },
            )?;
        }
        people::add_certification(
            conn,
            account.id,
            &CertificationInput {
                name: "Working at heights".into(),
                issuing_authority: Some("Registered training organisation".into()),
                certificate_number: None,
                issued_date: NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default(),
                // Some have let it lapse, to show an expired certificate.
                expiry_date: NaiveDate::from_ymd_opt(
                    if index % 2 == 0 { 2024 } else { 2027 },
                    6,
                    1,
                ),
            },
        )?;
        people::add_employment(
            conn,
            account.id,
            &EmploymentInput {
                company_name: "Harbour City Lifts".into(),
                title: headline.split('|').next().unwrap_or(headline).trim().into(),
                description: "Maintenance rounds, callouts and safety tests.".into(),
                start_date: NaiveDate::from_ymd_opt(2026 - years.min(5), 1, 15).unwrap_or_default(),
                end_date: None,
                is_current: true,
                location: places.first().map(|p| (*p).to_string()),
                employment_type: Some("full_time".into()),
            },
        )?;
    }
    Ok(ids)
}

fn ensure_applications(conn: &mut PgConnection, technicians: &[Uuid]) -> Result<(), DemoError> {
    for (technician, title, stage) in APPLICATIONS {
        let Some(applicant) = technicians.get(*technician).copied() else {
            continue;
        };
        let job = job_listings::table
            .filter(job_listings::title.eq(title))
            .select(Job::as_select())
            .first(conn)
            .optional()?;
        let Some(job) = job else { continue };
        if applications::existing_application(conn, job.id, applicant)?.is_some() {
            continue;
        }
        let standing = people::standing(conn, applicant)?;
        let score = matching::for_job(&job, standing.as_ref());
        let id = Uuid::new_v4();
        applications::insert_application(
            conn,
            &NewApplication {
                id,
                job: &job,
                applicant_id: applicant,
                cover_letter: "I would like to apply for this role. My profile has my certifications and the sites I have worked on.",
                resume: None,
                match_score: score.score,
                match_details: serde_json::json!(score.reasons),
            },
        )?;
        // Walk it through the stages the employer would have, recorded as the poster.
        let mut at = ApplicationStatus::Submitted;
        for next in ApplicationStatus::EMPLOYER {
            if *next > *stage || *next == ApplicationStatus::Submitted {
                continue;
            }
            if *stage == ApplicationStatus::Rejected
                && *next != ApplicationStatus::Viewed
                && *next != ApplicationStatus::Rejected
            {
                continue;
            }
            if *stage == ApplicationStatus::Hired && *next == ApplicationStatus::Rejected {
                continue;
            }
            applications::move_application(conn, id, at, *next, job.posted_by)?;
            at = *next;
        }
    }
    Ok(())
}

/// Creates what is missing of the job board demo; returns a job seeker's login to print.
pub fn ensure(conn: &mut PgConnection) -> Result<Vec<DemoLogin>, DemoError> {
    ensure_jobs(conn)?;
    let technicians = ensure_technicians(conn)?;
    ensure_applications(conn, &technicians)?;
    Ok(vec![DemoLogin {
        email: TECHNICIANS[0].0,
        password: JOB_SEEKER_PASSWORD,
        what: "Job seeker with a technician profile",
    }])
}
