//! Sign-in, sign-up and account forms: what they carry and how they are checked.

use serde::Deserialize;

use super::password;
use crate::orgs::naming::Slug;
use crate::orgs::provision::ORGANIZATION_TYPES;
use crate::web::forms::{check_email, check_line, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// The person part of both sign-up forms.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonFields {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

impl PersonFields {
    pub fn validate(&self, errors: &mut FieldErrors) {
        check_line(errors, "first_name", &self.first_name, 100, true);
        check_line(errors, "last_name", &self.last_name, 100, true);
        check_email(errors, "email", &self.email);
        check_new_password(
            errors,
            "password",
            &self.password,
            &self.password_confirm,
            &self.email,
            &[&self.first_name, &self.last_name],
        );
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.last_name.trim())
    }

    /// The same form with the passwords blanked, to re-render after an error.
    pub fn without_passwords(&self) -> PersonFields {
        PersonFields {
            password: String::new(),
            password_confirm: String::new(),
            ..self.clone()
        }
    }
}

pub fn check_new_password(
    errors: &mut FieldErrors,
    field: &str,
    password: &str,
    confirm: &str,
    email: &str,
    names: &[&str],
) {
    if let Err(message) = password::check_strength(password, email, names) {
        errors.add(field, message);
    } else if password != confirm {
        errors.add(
            &format!("{field}_confirm"),
            "The two passwords do not match.",
        );
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(flatten)]
    pub person: PersonFields,
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgSignUpForm {
    #[serde(default)]
    pub organization_name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub organization_type: String,
    #[serde(flatten)]
    pub person: PersonFields,
}

impl OrgSignUpForm {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        check_line(
            &mut errors,
            "organization_name",
            &self.organization_name,
            255,
            true,
        );
        if let Err(e) = Slug::parse(self.slug.trim()) {
            errors.add("slug", format!("Web address: {e}."));
        }
        if !ORGANIZATION_TYPES
            .iter()
            .any(|(k, _)| *k == self.organization_type)
        {
            errors.add(
                "organization_type",
                "Choose what kind of organization this is.",
            );
        }
        self.person.validate(&mut errors);
        errors
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlugQuery {
    #[serde(default)]
    pub organization_name: String,
    #[serde(default)]
    pub slug: String,
    /// Set once the person typed a slug themselves: stop suggesting from the name.
    #[serde(default)]
    pub slug_edited: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub timezone: String,
}

impl ProfileForm {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "first_name", &self.first_name, 100, true);
        check_line(&mut errors, "last_name", &self.last_name, 100, true);
        check_line(&mut errors, "display_name", &self.display_name, 255, true);
        check_line(&mut errors, "phone", &self.phone, 50, false);
        if self.timezone.trim().parse::<chrono_tz::Tz>().is_err() {
            errors.add(
                "timezone",
                "Choose a time zone from the list, e.g. Australia/Sydney.",
            );
        }
        errors
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EmailChangeForm {
    #[serde(default)]
    pub new_email: String,
    /// The current password (named apart from the password form's, which shares the page).
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirm: String,
}
