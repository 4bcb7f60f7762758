//! Page structs for the sign-in, sign-up and account templates.

use askama::Template;

use super::forms::{
    EmailChangeForm, OrgSignUpForm, PasswordForm, ProfileForm, SignInForm, SignUpForm,
};
use crate::members::queries::MembershipSummary;
use crate::orgs::provision::ORGANIZATION_TYPES;
use crate::web::forms::FieldErrors;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "auth/signin.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub form: SignInForm,
    pub message: Option<String>,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
pub struct SignUpPage {
    pub layout: Layout,
    pub form: SignUpForm,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/signup_org.html")]
pub struct OrgSignUpPage {
    pub layout: Layout,
    pub form: OrgSignUpForm,
    pub errors: FieldErrors,
    pub slug_field: SlugField,
    pub organization_types: &'static [(&'static str, &'static str)],
}

impl OrgSignUpPage {
    pub fn new(
        layout: Layout,
        form: OrgSignUpForm,
        errors: FieldErrors,
        slug_field: SlugField,
    ) -> Self {
        OrgSignUpPage {
            layout,
            form,
            errors,
            slug_field,
            organization_types: ORGANIZATION_TYPES,
        }
    }
}

/// The slug input with its availability note; htmx swaps it as the name or slug is typed.
#[derive(Template)]
#[template(path = "auth/slug_field.html")]
pub struct SlugField {
    pub slug: String,
    pub edited: bool,
    /// (is it usable, what to tell the person)
    pub status: Option<(bool, String)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub email: String,
    pub email_verified: bool,
    pub email_form: EmailChangeForm,
    pub email_errors: FieldErrors,
    pub profile: ProfileForm,
    pub profile_errors: FieldErrors,
    pub password: PasswordForm,
    pub password_errors: FieldErrors,
    pub delete_errors: FieldErrors,
    pub memberships: Vec<MembershipSummary>,
    pub timezones: &'static [&'static str],
}

/// Every IANA time zone name, for the time zone picker.
pub fn timezones() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect())
}
