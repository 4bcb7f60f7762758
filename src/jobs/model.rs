//! The job board's types: enums twinned with PostgreSQL, rows as pages read them, and the rule
//! of who may see a job.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text};
use uuid::Uuid;

use crate::auth::identity::SignedIn;
use crate::auth::roles::Permission;
use crate::db::schema_public::{job_applications, job_listings};
use crate::db::sql_types;
use crate::pg_enum;

pg_enum!(EmploymentType: sql_types::JobEmploymentType {
    FullTime = "full_time" => "Full time",
    PartTime = "part_time" => "Part time",
    Contract = "contract" => "Contract",
    Casual = "casual" => "Casual",
    Apprenticeship = "apprenticeship" => "Apprenticeship",
    Project = "project" => "Project",
    EmergencyFill = "emergency_fill" => "Emergency fill-in",
});

pg_enum!(JobStatus: sql_types::JobStatus {
    Draft = "draft" => "Draft",
    Active = "active" => "Open",
    Paused = "paused" => "Paused",
    Filled = "filled" => "Filled",
    Cancelled = "cancelled" => "Cancelled",
    Expired = "expired" => "Expired",
});

pg_enum!(ApplicationStatus: sql_types::ApplicationStatus {
    Submitted = "submitted" => "Submitted",
    Viewed = "viewed" => "Viewed",
    Shortlisted = "shortlisted" => "Shortlisted",
    Interviewing = "interviewing" => "Interviewing",
    Offered = "offered" => "Offered",
    Hired = "hired" => "Hired",
    Rejected = "rejected" => "Not selected",
    Withdrawn = "withdrawn" => "Withdrawn",
});

impl JobStatus {
    /// Where an employer may take a job from here. Publishing is `Draft → Active`; an expired
    /// job reopens by editing its expiry.
    pub fn next(self) -> &'static [JobStatus] {
        use JobStatus::*;
        match self {
            Draft => &[Active, Cancelled],
            Active => &[Paused, Filled, Cancelled],
            Paused => &[Active, Filled, Cancelled],
            Filled => &[Active],
            Expired => &[Cancelled],
            Cancelled => &[],
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            JobStatus::Active => "badge-ok",
            JobStatus::Draft | JobStatus::Paused => "badge-warn",
            JobStatus::Filled => "badge-info",
            JobStatus::Cancelled | JobStatus::Expired => "badge-grey",
        }
    }
}

impl ApplicationStatus {
    /// Closed applications cannot be moved or withdrawn any more.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Hired | ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        )
    }

    /// The statuses an employer moves applications between (withdrawing is the applicant's).
    pub const EMPLOYER: &'static [ApplicationStatus] = &[
        ApplicationStatus::Submitted,
        ApplicationStatus::Viewed,
        ApplicationStatus::Shortlisted,
        ApplicationStatus::Interviewing,
        ApplicationStatus::Offered,
        ApplicationStatus::Hired,
        ApplicationStatus::Rejected,
    ];

    pub fn badge(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted | ApplicationStatus::Viewed => "badge-grey",
            ApplicationStatus::Shortlisted | ApplicationStatus::Interviewing => "badge-info",
            ApplicationStatus::Offered | ApplicationStatus::Hired => "badge-ok",
            ApplicationStatus::Rejected | ApplicationStatus::Withdrawn => "badge-warn",
        }
    }
}

/// The fixed choices of the job form, as (value, label).
pub const TRADES: &[(&str, &str)] = &[
    ("elevators", "Lifts and elevators"),
    ("escalators", "Escalators and travelators"),
    ("electrical", "Electrical"),
    ("hvac", "HVAC"),
    ("fire", "Fire systems"),
    ("building", "Building maintenance"),
];
pub const LOCATION_TYPES: &[(&str, &str)] = &[
    ("on_site", "On site"),
    ("hybrid", "Hybrid"),
    ("remote", "Remote"),
    ("travel", "Travelling"),
];
pub const SALARY_TYPES: &[(&str, &str)] = &[
    ("annual", "per year"),
    ("hourly", "per hour"),
    ("project", "per project"),
];
pub const VISIBILITIES: &[(&str, &str)] = &[
    ("public", "Public: anyone, signed in or not"),
    ("platform", "Platform: signed-in SiteSync users"),
    ("internal", "Internal: members of the organization only"),
];

pub fn label_of(choices: &[(&'static str, &'static str)], value: &str) -> String {
    choices
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| (*l).to_string())
        .unwrap_or_else(|| value.replace('_', " "))
}

/// A PostgreSQL `text[]` read as plain strings (our arrays never hold NULLs).
#[derive(Debug, Clone, Default, FromSqlRow)]
pub struct TextList(pub Vec<String>);

impl FromSql<Array<Nullable<Text>>, Pg> for TextList {
    fn from_sql(bytes: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let items: Vec<Option<String>> =
            <Vec<Option<String>> as FromSql<Array<Nullable<Text>>, Pg>>::from_sql(bytes)?;
        Ok(TextList(items.into_iter().flatten().collect()))
    }
}

impl From<TextList> for Vec<String> {
    fn from(list: TextList) -> Self {
        list.0
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_listings, check_for_backend(Pg))]
pub struct Job {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub posted_by: Uuid,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub employment_type: EmploymentType,
    pub trade: String,
    pub required_experience_years: Option<i32>,
    #[diesel(deserialize_as = TextList)]
    pub required_certifications: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub required_skills: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub required_manufacturer_experience: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub preferred_certifications: Vec<String>,
    #[diesel(deserialize_as = TextList)]
    pub preferred_skills: Vec<String>,
    pub location_type: String,
    pub address_city: Option<String>,
    pub address_state: Option<String>,
    pub address_country: String,
    pub salary_min: Option<BigDecimal>,
    pub salary_max: Option<BigDecimal>,
    pub salary_type: Option<String>,
    pub salary_currency: String,
    pub show_salary: bool,
    #[diesel(deserialize_as = TextList)]
    pub benefits: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub hours_per_week: Option<i32>,
    pub status: JobStatus,
    pub visibility: String,
    pub application_count: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// Money for people: `95000.00` → `95,000`, `52.5` → `52.50`.
pub fn money(amount: &BigDecimal) -> String {
    let rounded = amount.with_scale_round(2, bigdecimal::RoundingMode::HalfUp);
    let text = rounded.to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if cents == "00" {
        grouped
    } else {
        format!("{grouped}.{cents}")
    }
}

impl Job {
    pub fn place(&self) -> String {
        let parts: Vec<&str> = [self.address_city.as_deref(), self.address_state.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            self.address_country.clone()
        } else {
            parts.join(", ")
        }
    }

    pub fn trade_label(&self) -> String {
        label_of(TRADES, &self.trade)
    }

    pub fn location_type_label(&self) -> String {
        label_of(LOCATION_TYPES, &self.location_type)
    }

    pub fn visibility_label(&self) -> &'static str {
        match self.visibility.as_str() {
            "platform" => "Signed-in users",
            "internal" => "Internal",
            _ => "Public",
        }
    }

    /// "AUD 90,000 – 110,000 per year", or `None` when hidden or not given.
    pub fn salary(&self) -> Option<String> {
        if !self.show_salary {
            return None;
        }
        let range = match (&self.salary_min, &self.salary_max) {
            (Some(min), Some(max)) if min == max => money(min),
            (Some(min), Some(max)) => format!("{} – {}", money(min), money(max)),
            (Some(min), None) => format!("from {}", money(min)),
            (None, Some(max)) => format!("up to {}", money(max)),
            (None, None) => return None,
        };
        let per = self
            .salary_type
            .as_deref()
            .map(|t| format!(" {}", label_of(SALARY_TYPES, t)))
            .unwrap_or_default();
        Some(format!("{} {range}{per}", self.salary_currency))
    }

    pub fn is_past_expiry(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= Utc::now())
    }

    /// The status a reader should see: an active job past its expiry is expired even before
    /// the next read stores it.
    pub fn effective_status(&self) -> JobStatus {
        if self.status == JobStatus::Active && self.is_past_expiry() {
            JobStatus::Expired
        } else {
            self.status
        }
    }

    pub fn accepts_applications(&self) -> bool {
        self.effective_status() == JobStatus::Active
    }

    /// Why the job takes no applications, in words (empty while it does).
    pub fn closed_reason(&self) -> String {
        match self.effective_status() {
            JobStatus::Filled => "This position has been filled.".into(),
            JobStatus::Expired => "This job has expired and no longer takes applications.".into(),
            JobStatus::Paused => "The employer has paused applications for this job.".into(),
            JobStatus::Cancelled => "This job was withdrawn by the employer.".into(),
            JobStatus::Draft => "This job has not been published yet.".into(),
            JobStatus::Active => String::new(),
        }
    }

    pub fn description_html(&self) -> String {
        crate::web::markdown::render(&self.description)
    }
}

/// Who is looking at jobs: the organizations whose staff spaces they enter (internal jobs) and
/// those where they hire (drafts, applicant boards), both as the permission table says.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    pub account_id: Option<Uuid>,
    pub staff_of: Vec<Uuid>,
    pub hiring_for: Vec<Uuid>,
}

impl Audience {
    pub fn of(account: Option<&SignedIn>) -> Audience {
        match account {
            None => Audience::default(),
            Some(account) => {
                let active: Vec<_> = account
                    .memberships
                    .iter()
                    .filter(|m| !m.suspended)
                    .collect();
                let with = |permission: Permission| {
                    active
                        .iter()
                        .filter(|m| m.role.can(permission))
                        .map(|m| m.org.id)
                        .collect()
                };
                Audience {
                    account_id: Some(account.id),
                    staff_of: with(Permission::StaffSpaces),
                    hiring_for: with(Permission::Hire),
                }
            }
        }
    }

    pub fn signed_in(&self) -> bool {
        self.account_id.is_some()
    }

    pub fn is_staff(&self, organization_id: Uuid) -> bool {
        self.staff_of.contains(&organization_id)
    }

    pub fn hires_for(&self, organization_id: Uuid) -> bool {
        self.hiring_for.contains(&organization_id)
    }

    /// Whether the job's visibility setting lets this audience in at all.
    pub fn reaches(&self, job: &Job) -> bool {
        match job.visibility.as_str() {
            "public" => true,
            "platform" => self.signed_in(),
            _ => self.is_staff(job.organization_id),
        }
    }

    /// Whether the job page exists for this audience: those who hire for the organization see
    /// all of its jobs, its other staff all but drafts; everyone else sees open and filled
    /// jobs their visibility reaches, plus any job they applied to.
    pub fn can_see(&self, job: &Job, has_applied: bool) -> bool {
        if self.hires_for(job.organization_id) {
            return true;
        }
        if !self.reaches(job) || job.status == JobStatus::Draft {
            return false;
        }
        has_applied
            || self.is_staff(job.organization_id)
            || matches!(
                job.effective_status(),
                JobStatus::Active | JobStatus::Filled
            )
    }
}

/// An application as its applicant sees it: the employer's notes and rating are not even
/// loaded.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_applications, check_for_backend(Pg))]
pub struct ApplicantView {
    pub id: Uuid,
    pub job_listing_id: Uuid,
    pub applicant_id: Uuid,
    pub cover_letter: String,
    pub use_profile: bool,
    pub resume_file_name: Option<String>,
    pub resume_size: Option<i32>,
    pub status: ApplicationStatus,
    pub status_changed_at: DateTime<Utc>,
    pub match_score: i32,
    pub interview_scheduled_at: Option<DateTime<Utc>>,
    pub interview_location: Option<String>,
    pub offer_made_at: Option<DateTime<Utc>>,
    pub offer_details: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An application as the employer sees it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_applications, check_for_backend(Pg))]
pub struct EmployerView {
    pub id: Uuid,
    pub job_listing_id: Uuid,
    pub applicant_id: Uuid,
    pub cover_letter: String,
    pub use_profile: bool,
    pub resume_file_name: Option<String>,
    pub resume_size: Option<i32>,
    pub status: ApplicationStatus,
    pub status_changed_at: DateTime<Utc>,
    pub match_score: i32,
    pub match_details: serde_json::Value,
    pub employer_notes: String,
    pub employer_rating: Option<i32>,
    pub interview_scheduled_at: Option<DateTime<Utc>>,
    pub interview_location: Option<String>,
    pub offer_made_at: Option<DateTime<Utc>>,
    pub offer_details: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl EmployerView {
    pub fn reasons(&self) -> Vec<String> {
        serde_json::from_value(self.match_details.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_grouped_and_rounded_half_up() {
        assert_eq!(money(&BigDecimal::from_str("95000.00").unwrap()), "95,000");
        assert_eq!(
            money(&BigDecimal::from_str("1234567.5").unwrap()),
            "1,234,567.50"
        );
        assert_eq!(money(&BigDecimal::from_str("52.125").unwrap()), "52.13");
        assert_eq!(money(&BigDecimal::from_str("999").unwrap()), "999");
    }
}
