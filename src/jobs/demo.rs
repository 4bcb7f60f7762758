//! Demo data for the job board: listings from the demo organizations, technicians with
//! profiles, and their applications. Each piece is looked up before it is made, so later runs
//! add nothing.

use bigdecimal::BigDecimal;
use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::matching;
use super::model::{ApplicationStatus, EmploymentType, JobStatus};
use super::queries::{self, JobInput, NewApplication};
use crate::auth::accounts::{self, AccountInsertForm};
use crate::auth::password;
use crate::db::schema_public::job_listings;
use crate::demo::{DemoError, DemoLogin};
use crate::orgs::queries as orgs;
use crate::people::queries::{self as people, CertificationInput, EmploymentInput, ProfileInput};

pub const JOB_SEEKER_PASSWORD: &str = "harbour-lift-jobseeker-2026";

/// A demo job: organization, title, type, trade, city, state, pay range (annual unless the top
/// is under 200, then hourly), skills, certifications, manufacturers, years, visibility, status,
/// days since publication.
type DemoJob = (
    &'static str,
    &'static str,
    EmploymentType,
    &'static str,
    &'static str,
    &'static str,
    (i64, i64),
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    i32,
    &'static str,
    JobStatus,
    i64,
);

use EmploymentType::*;
use JobStatus::*;

const JOBS: &[DemoJob] = &[
    (
        "demo",
        "Senior lift technician",
        FullTime,
        "elevators",
        "Sydney",
        "NSW",
        (105_000, 125_000),
        &["Traction", "Door systems", "Fault finding"],
        &["Electrical licence"],
        &["KONE"],
        7,
        "public",
        Active,
        2,
    ),
    (
        "demo",
        "Lift service technician",
        FullTime,
        "elevators",
        "Sydney",
        "NSW",
        (88_000, 102_000),
        &["Traction", "Preventive maintenance"],
        &["Electrical licence"],
        &[],
        3,
        "public",
        Active,
        5,
    ),
    (
        "demo",
        "Modernisation project lead",
        Contract,
        "elevators",
        "Parramatta",
        "NSW",
        (140_000, 165_000),
        &["Modernisation", "Project management", "Traction"],
        &["Electrical licence"],
        &["Otis", "Schindler"],
        10,
        "public",
        Active,
        9,
    ),
    (
        "demo",
        "Callout technician (nights)",
        Casual,
        "elevators",
        "Sydney",
        "NSW",
        (62, 78),
        &["Fault finding", "Rescue"],
        &["Electrical licence", "Working at heights"],
        &[],
        4,
        "platform",
        Active,
        1,
    ),
    (
        "demo",
        "Apprentice lift mechanic",
        Apprenticeship,
        "elevators",
        "Wollongong",
        "NSW",
        (42_000, 52_000),
        &[],
        &[],
        &[],
        0,
        "public",
        Active,
        12,
    ),
    (
        "demo",
        "Escalator technician",
        FullTime,
        "escalators",
        "Sydney",
        "NSW",
        (95_000, 110_000),
        &["Escalators", "Step chains"],
        &["Electrical licence"],
        &["Schindler"],
        4,
        "public",
        Active,
        20,
    ),
    (
        "demo",
        "Internal transfer: team leader",
        FullTime,
        "elevators",
        "Sydney",
        "NSW",
        (120_000, 135_000),
        &["Team leadership", "Traction"],
        &[],
        &[],
        8,
        "internal",
        Active,
        3,
    ),
    (
        "demo",
        "Hydraulic lift specialist",
        FullTime,
        "elevators",
        "Newcastle",
        "NSW",
        (98_000, 112_000),
        &["Hydraulic", "Fault finding"],
        &["Electrical licence"],
        &[],
        5,
        "public",
        Filled,
        40,
    ),
    (
        "demo",
        "Draft: regional technician",
        FullTime,
        "elevators",
        "Dubbo",
        "NSW",
        (90_000, 100_000),
        &["Traction"],
        &[],
        &[],
        3,
        "public",
        Draft,
        0,
    ),
    (
        "coastal",
        "Lift technician, Gold Coast",
        FullTime,
        "elevators",
        "Gold Coast",
        "QLD",
        (92_000, 108_000),
        &["Traction", "Hydraulic"],
        &["Electrical licence"],
        &["KONE", "Otis"],
        5,
        "public",
        Active,
        4,
    ),
    (
        "coastal",
        "Lift technician, Brisbane CBD",
        FullTime,
        "elevators",
        "Brisbane",
        "QLD",
        (96_000, 115_000),
        &["Traction", "Door systems"],
        &["Electrical licence"],
        &["Otis"],
        5,
        "public",
        Active,
        6,
    ),
    (
        "coastal",
        "Emergency fill-in technician",
        EmergencyFill,
        "elevators",
        "Brisbane",
        "QLD",
        (70, 90),
        &["Fault finding", "Rescue"],
        &["Electrical licence"],
        &[],
        5,
        "public",
        Active,
        1,
    ),
    (
        "coastal",
        "Part-time service coordinator",
        PartTime,
        "building",
        "Sunshine Coast",
        "QLD",
        (38, 45),
        &["Scheduling", "Customer service"],
        &[],
        &[],
        2,
        "public",
        Active,
        15,
    ),
    (
        "coastal",
        "Escalator maintainer, airport",
        FullTime,
        "escalators",
        "Brisbane",
        "QLD",
        (100_000, 118_000),
        &["Escalators", "Travelators"],
        &["Electrical licence", "Airside pass"],
        &["Thyssenkrupp"],
        4,
        "public",
        Active,
        25,
    ),
    (
        "coastal",
        "HVAC technician",
        FullTime,
        "hvac",
        "Cairns",
        "QLD",
        (85_000, 98_000),
        &["Chillers", "Refrigeration"],
        &["Refrigerant handling licence"],
        &[],
        3,
        "public",
        Active,
        8,
    ),
    (
        "coastal",
        "Lift installer (project)",
        Project,
        "elevators",
        "Townsville",
        "QLD",
        (115_000, 130_000),
        &["Installation", "Rigging"],
        &["Working at heights"],
        &["KONE"],
        6,
        "public",
        Active,
        33,
    ),
    (
        "coastal",
        "Winter contract: Hobart",
        Contract,
        "elevators",
        "Hobart",
        "TAS",
        (110_000, 120_000),
        &["Traction"],
        &["Electrical licence"],
        &[],
        5,
        "public",
        Expired,
        60,
    ),
    (
        "summit",
        "Lift technician, Melbourne",
        FullTime,
        "elevators",
        "Melbourne",
        "VIC",
        (95_000, 112_000),
        &["Traction", "Door systems"],
        &["Electrical licence"],
        &["Schindler"],
        4,
        "public",
        Active,
        3,
    ),
    (
        "summit",
        "Senior modernisation engineer",
        FullTime,
        "elevators",
        "Melbourne",
        "VIC",
        (135_000, 155_000),
        &["Modernisation", "Controllers", "Traction"],
        &["Electrical licence"],
        &["Otis", "Mitsubishi"],
        9,
        "public",
        Active,
        7,
    ),
    (
        "summit",
        "Service technician, Geelong",
        FullTime,
        "elevators",
        "Geelong",
        "VIC",
        (88_000, 99_000),
        &["Traction", "Hydraulic"],
        &["Electrical licence"],
        &[],
        3,
        "public",
        Active,
        11,
    ),
    (
        "summit",
        "Electrical tradesperson",
        FullTime,
        "electrical",
        "Melbourne",
        "VIC",
        (90_000, 105_000),
        &["Switchboards", "Fault finding"],
        &["Electrical licence"],
        &[],
        3,
        "public",
        Active,
        14,
    ),
    (
        "summit",
        "Fire systems technician",
        FullTime,
        "fire",
        "Adelaide",
        "SA",
        (86_000, 97_000),
        &["Fire panels", "Sprinklers"],
        &["Fire protection licence"],
        &[],
        2,
        "platform",
        Active,
        18,
    ),
    (
        "summit",
        "Travelling lift technician (WA)",
        Contract,
        "elevators",
        "Perth",
        "WA",
        (130_000, 150_000),
        &["Traction", "Hydraulic", "Fault finding"],
        &["Electrical licence"],
        &["KONE"],
        6,
        "public",
        Active,
        10,
    ),
    (
        "summit",
        "Casual lift assistant",
        Casual,
        "elevators",
        "Canberra",
        "ACT",
        (40, 48),
        &[],
        &[],
        &[],
        0,
        "public",
        Active,
        27,
    ),
    (
        "summit",
        "Lift technician, Darwin",
        FullTime,
        "elevators",
        "Darwin",
        "NT",
        (105_000, 122_000),
        &["Traction", "Hydraulic"],
        &["Electrical licence"],
        &[],
        4,
        "public",
        Paused,
        21,
    ),
];

/// A demo technician: email, first and last name, headline, years, specializations,
/// manufacturers, preferred locations, visibility.
type DemoTechnician = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

const TECHNICIANS: &[DemoTechnician] = &[
    (
        "amelia.hart@demo.sitesync.test",
        "Amelia",
        "Hart",
        "Senior lift technician | KONE specialist",
        9,
        &["Traction", "Door systems", "Fault finding", "Modernisation"],
        &["KONE", "Otis"],
        &["Sydney", "NSW"],
        "public",
    ),
    (
        "ben.nguyen@demo.sitesync.test",
        "Ben",
        "Nguyen",
        "Lift service technician",
        4,
        &["Traction", "Preventive maintenance"],
        &["Schindler"],
        &["Sydney"],
        "public",
    ),
    (
        "chloe.walsh@demo.sitesync.test",
        "Chloe",
        "Walsh",
        "Escalator and travelator technician",
        6,
        &["Escalators", "Step chains", "Travelators"],
        &["Schindler", "Thyssenkrupp"],
        &["Brisbane", "QLD"],
        "public",
    ),
    (
        "daniel.roberts@demo.sitesync.test",
        "Daniel",
        "Roberts",
        "Modernisation project engineer",
        12,
        &[
            "Modernisation",
            "Controllers",
            "Traction",
            "Project management",
        ],
        &["Otis", "Mitsubishi"],
        &["Melbourne", "VIC"],
        "employers_only",
    ),
    (
        "emily.clarke@demo.sitesync.test",
        "Emily",
        "Clarke",
        "Second-year apprentice",
        1,
        &["Preventive maintenance"],
        &[],
        &["Wollongong", "Sydney"],
        "public",
    ),
    (
        "farid.hassan@demo.sitesync.test",
        "Farid",
        "Hassan",
        "Hydraulic lift specialist",
        7,
        &["Hydraulic", "Fault finding", "Traction"],
        &["KONE"],
        &["Perth", "WA"],
        "public",
    ),
    (
        "grace.oconnor@demo.sitesync.test",
        "Grace",
        "O'Connor",
        "Callout and rescue technician",
        5,
        &["Fault finding", "Rescue", "Traction"],
        &[],
        &["Sydney", "Brisbane"],
        "public",
    ),
    (
        "harry.singh@demo.sitesync.test",
        "Harry",
        "Singh",
        "Electrical tradesperson moving into lifts",
        3,
        &["Switchboards", "Fault finding"],
        &[],
        &["Melbourne"],
        "employers_only",
    ),
    (
        "isla.brown@demo.sitesync.test",
        "Isla",
        "Brown",
        "Lift installer",
        6,
        &["Installation", "Rigging", "Traction"],
        &["KONE"],
        &["Townsville", "QLD"],
        "public",
    ),
    (
        "jack.wilson@demo.sitesync.test",
        "Jack",
        "Wilson",
        "Lift technician (private profile)",
        5,
        &["Traction", "Door systems"],
        &["Schindler"],
        &["Geelong", "Melbourne"],
        "private",
    ),
];

/// (technician index, job title, stage reached)
const APPLICATIONS: &[(usize, &str, ApplicationStatus)] = &[
    (0, "Senior lift technician", ApplicationStatus::Interviewing),
    (1, "Senior lift technician", ApplicationStatus::Viewed),
    (6, "Senior lift technician", ApplicationStatus::Submitted),
    (1, "Lift service technician", ApplicationStatus::Shortlisted),
    (4, "Apprentice lift mechanic", ApplicationStatus::Offered),
    (
        2,
        "Escalator maintainer, airport",
        ApplicationStatus::Shortlisted,
    ),
    (2, "Escalator technician", ApplicationStatus::Submitted),
    (
        3,
        "Senior modernisation engineer",
        ApplicationStatus::Interviewing,
    ),
    (3, "Modernisation project lead", ApplicationStatus::Viewed),
    (
        5,
        "Travelling lift technician (WA)",
        ApplicationStatus::Submitted,
    ),
    (6, "Emergency fill-in technician", ApplicationStatus::Hired),
    (7, "Electrical tradesperson", ApplicationStatus::Rejected),
    (
        8,
        "Lift installer (project)",
        ApplicationStatus::Shortlisted,
    ),
    (
        9,
        "Lift technician, Melbourne",
        ApplicationStatus::Submitted,
    ),
    (9, "Service technician, Geelong", ApplicationStatus::Viewed),
];

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
        let created = queries::insert(conn, &input, org.id, owner, status != Draft)?;
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
            .select(super::model::Job::as_select())
            .first(conn)
            .optional()?;
        let Some(job) = job else { continue };
        if queries::existing_application(conn, job.id, applicant)?.is_some() {
            continue;
        }
        let standing = people::standing(conn, applicant)?;
        let score = matching::for_job(&job, standing.as_ref());
        let id = Uuid::new_v4();
        queries::insert_application(
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
            queries::move_application(conn, id, at, *next, job.posted_by)?;
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
