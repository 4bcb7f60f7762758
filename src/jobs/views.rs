//! The job board's pages and fragments.

use crate::web::local_time::filters;
use std::collections::HashMap;

use askama::Template;
use uuid::Uuid;

use super::forms::{AssessmentForm, BrowseQuery, InterviewForm, JobForm, OfferForm};
use super::matching::MatchScore;
use super::model::{
    ApplicantView, ApplicationStatus, EmployerView, EmploymentType, Job, JobStatus, LOCATION_TYPES,
    SALARY_TYPES, TRADES, VISIBILITIES,
};
use super::queries::applications::StatusEvent;
use super::queries::listings::OrgName;
use crate::people::queries::{Certification, Employment, Profile};
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::Layout;

/// A job in a list, with its organization's name.
pub struct JobCard {
    pub job: Job,
    pub organization: String,
}

impl JobCard {
    pub fn list(jobs: Vec<Job>, names: &HashMap<Uuid, OrgName>) -> Vec<JobCard> {
        jobs.into_iter()
            .map(|job| JobCard {
                organization: names
                    .get(&job.organization_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                job,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "jobs/browse.html")]
pub struct BrowsePage {
    pub layout: Layout,
    pub query: BrowseQuery,
    pub problems: Vec<String>,
    pub cards: Vec<JobCard>,
    pub pagination: Pagination,
    pub manufacturers: Vec<String>,
    pub can_post: bool,
    pub signed_in: bool,
    pub trades: &'static [(&'static str, &'static str)],
    pub types: &'static [EmploymentType],
    pub states: &'static [&'static str],
    pub location_types: &'static [(&'static str, &'static str)],
    pub salary_types: &'static [(&'static str, &'static str)],
}

#[derive(Template)]
#[template(path = "jobs/browse.html", block = "results")]
pub struct BrowseResults {
    pub zone: chrono_tz::Tz,
    pub query: BrowseQuery,
    pub cards: Vec<JobCard>,
    pub pagination: Pagination,
}

/// What the job page offers the person looking at it.
pub enum ApplyState {
    /// Not signed in: sign in to apply.
    SignIn,
    Open,
    AlreadyApplied(Uuid),
    Closed(String),
}

#[derive(Template)]
#[template(path = "jobs/show.html")]
pub struct JobPage {
    pub layout: Layout,
    pub job: Job,
    pub organization: OrgName,
    pub description_html: String,
    pub apply: ApplyState,
    pub match_score: Option<MatchScore>,
    pub can_manage: bool,
    pub next_statuses: &'static [JobStatus],
}

#[derive(Template)]
#[template(path = "jobs/form.html")]
pub struct JobFormPage {
    pub layout: Layout,
    /// `None` when posting a new job.
    pub editing: Option<Job>,
    pub form: JobForm,
    pub errors: FieldErrors,
    pub organizations: Vec<(Uuid, String)>,
    pub trades: &'static [(&'static str, &'static str)],
    pub types: &'static [EmploymentType],
    pub location_types: &'static [(&'static str, &'static str)],
    pub salary_types: &'static [(&'static str, &'static str)],
    pub visibilities: &'static [(&'static str, &'static str)],
}

impl JobFormPage {
    pub fn new(
        layout: Layout,
        editing: Option<Job>,
        form: JobForm,
        errors: FieldErrors,
        organizations: Vec<(Uuid, String)>,
    ) -> JobFormPage {
        JobFormPage {
            layout,
            editing,
            form,
            errors,
            organizations,
            trades: TRADES,
            types: EmploymentType::ALL,
            location_types: LOCATION_TYPES,
            salary_types: SALARY_TYPES,
            visibilities: VISIBILITIES,
        }
    }
}

pub struct ManagedJob {
    pub card: JobCard,
    pub counts: Vec<(ApplicationStatus, i64)>,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "jobs/manage.html")]
pub struct ManagePage {
    pub layout: Layout,
    pub jobs: Vec<ManagedJob>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "jobs/apply.html")]
pub struct ApplyPage {
    pub layout: Layout,
    pub job: Job,
    pub organization: OrgName,
    pub has_profile: bool,
    pub cover_letter: String,
    pub source: String,
    pub errors: FieldErrors,
    pub match_score: Option<MatchScore>,
}

pub struct MyApplication {
    pub application: ApplicantView,
    pub job: Job,
    pub organization: String,
}

#[derive(Template)]
#[template(path = "jobs/my_applications.html")]
pub struct MyApplicationsPage {
    pub layout: Layout,
    pub rows: Vec<MyApplication>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "jobs/my_application.html")]
pub struct MyApplicationPage {
    pub layout: Layout,
    pub row: MyApplication,
    pub events: Vec<StatusEvent>,
}

pub struct BoardCard {
    pub application: EmployerView,
    pub name: String,
}

pub struct BoardColumn {
    pub status: ApplicationStatus,
    pub cards: Vec<BoardCard>,
}

#[derive(Template)]
#[template(path = "jobs/board.html")]
pub struct BoardPage {
    pub layout: Layout,
    pub job: Job,
    pub organization: OrgName,
    pub columns: Vec<BoardColumn>,
    pub statuses: &'static [ApplicationStatus],
    pub csrf_token: String,
}

#[derive(Template)]
#[template(path = "jobs/board.html", block = "board")]
pub struct BoardFragment {
    pub zone: chrono_tz::Tz,
    pub job: Job,
    pub columns: Vec<BoardColumn>,
    pub statuses: &'static [ApplicationStatus],
    pub csrf_token: String,
}

#[derive(Template)]
#[template(path = "jobs/application.html")]
pub struct ApplicationPage {
    pub layout: Layout,
    pub job: Job,
    pub application: EmployerView,
    pub name: String,
    pub email: String,
    pub profile: Option<Profile>,
    pub certifications: Vec<Certification>,
    pub employment: Vec<Employment>,
    pub events: Vec<StatusEvent>,
    pub statuses: &'static [ApplicationStatus],
    pub assessment: AssessmentForm,
    pub interview: InterviewForm,
    pub offer: OfferForm,
    pub errors: FieldErrors,
}

impl BrowsePage {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.layout.zone
    }
}

impl BrowseResults {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }
}

impl BoardPage {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.layout.zone
    }
}

impl BoardFragment {
    pub fn zone(&self) -> chrono_tz::Tz {
        self.zone
    }
}
