//! Profile pages.

use askama::Template;

use super::forms::{CertificationForm, EmploymentForm, ProfileForm};
use super::queries::{Certification, Employment, Profile};
use crate::web::forms::FieldErrors;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "people/show.html")]
pub struct ProfilePage {
    pub layout: Layout,
    pub profile: Profile,
    pub name: String,
    pub trade: String,
    pub summary_html: String,
    pub certifications: Vec<Certification>,
    pub employment: Vec<Employment>,
    pub is_owner: bool,
}

#[derive(Template)]
#[template(path = "people/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub profile_id: Option<uuid::Uuid>,
    pub form: ProfileForm,
    pub errors: FieldErrors,
    pub certifications: Vec<Certification>,
    pub certification: CertificationForm,
    pub certification_errors: FieldErrors,
    pub employment: Vec<Employment>,
    pub job: EmploymentForm,
    pub job_errors: FieldErrors,
    pub trades: &'static [(&'static str, &'static str)],
    pub availability: &'static [(&'static str, &'static str)],
    pub visibility: &'static [(&'static str, &'static str)],
}
