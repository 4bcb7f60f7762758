//! Page structs for the recovery and confirmation templates.

use askama::Template;

use crate::web::forms::FieldErrors;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    pub layout: Layout,
    pub email: String,
    pub errors: FieldErrors,
}

/// The one answer to "forgot password" and to sign-up, whoever the address belongs to.
#[derive(Template)]
#[template(path = "auth/check_email.html")]
pub struct CheckEmailPage {
    pub layout: Layout,
    pub email: String,
    /// What the link in the email is for.
    pub purpose: &'static str,
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    pub layout: Layout,
    pub token: String,
    pub email: String,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub token: String,
    pub email: String,
}

/// A link that is unknown, used or expired.
#[derive(Template)]
#[template(path = "auth/link_expired.html")]
pub struct LinkExpiredPage {
    pub layout: Layout,
    pub reset: bool,
}
