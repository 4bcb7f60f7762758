//! Sign-in, sign-out, sign-up (account alone, or with a new organization) and account settings.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use super::accounts::{self, ProfileUpdateForm};
use super::devices;
use super::forms::{
    check_new_password, EmailChangeForm, OrgSignUpForm, PasswordForm, ProfileForm, SignInForm,
    SignUpForm, SlugQuery,
};
use super::identity::Viewer;
use super::operations::{self, hash_password, NewAccount, SignInCheck};
use super::recovery;
use super::recovery::views::CheckEmailPage;
use super::security_events::{self, SecurityEvent};
use super::views::{timezones, AccountPage, OrgSignUpPage, SignInPage, SignUpPage, SlugField};
use crate::members::queries as memberships;
use crate::orgs::naming::{self, Slug};
use crate::orgs::provision::NewOrganization;
use crate::orgs::queries as orgs;
use crate::web::forms::{check_email, safe_next, FieldErrors};
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

/// Where a person lands after signing in: where they were going, else their only
/// organization, else their account page.
pub fn landing(next: Option<&str>, memberships: &[memberships::MembershipSummary]) -> String {
    safe_next(next).unwrap_or_else(|| match memberships {
        [only] => format!("/o/{}", only.org.slug),
        _ => "/account".into(),
    })
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn signin_page(
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if let Some(account) = viewer.signed_in() {
        return Ok(see_other(landing(
            query.next.as_deref(),
            &account.memberships,
        )));
    }
    render(&SignInPage {
        layout: viewer.form_layout("Sign in"),
        form: SignInForm {
            next: safe_next(query.next.as_deref()),
            ..Default::default()
        },
        message: None,
        errors: FieldErrors::default(),
    })
}

/// Where the browser's known-device token is kept (see `auth::devices`).
fn device_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(devices::COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(devices::LIFETIME_DAYS))
        .finish()
}

enum SignInOutcome {
    SignedIn(Box<operations::SignedIn>),
    Refused,
    Throttled(i64),
}

pub async fn signin(
    viewer: Viewer,
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = accounts::normalize_email(&form.email);
    let device = req.cookie(devices::COOKIE).map(|c| c.value().to_string());
    let meta = viewer.meta.clone();
    let (lookup_email, lookup_device, lookup_meta) = (email.clone(), device.clone(), meta.clone());
    let check = state
        .db
        .run(move |conn| {
            operations::check_sign_in(conn, &lookup_email, lookup_device.as_deref(), &lookup_meta)
        })
        .await?;
    // Each step commits on its own: a failed attempt is recorded even though sign-in fails.
    let outcome = match check {
        SignInCheck::Paused(minutes) => SignInOutcome::Throttled(minutes),
        SignInCheck::Proceed { account } => {
            let account = account.map(|a| *a);
            let verified = operations::verify_password(&form.password, account.as_ref()).await?;
            let signed_in = state
                .db
                .run(move |conn| {
                    operations::finish_sign_in(
                        conn,
                        &email,
                        account,
                        verified,
                        device.as_deref(),
                        &meta,
                    )
                })
                .await?;
            match signed_in {
                Some(signed_in) => SignInOutcome::SignedIn(Box::new(signed_in)),
                None => SignInOutcome::Refused,
            }
        }
    };
    let (status, message) = match outcome {
        SignInOutcome::SignedIn(signed_in) => {
            let signed_in = *signed_in;
            viewer.sign_in(&signed_in.account)?;
            let mut response = see_other(landing(form.next.as_deref(), &signed_in.memberships));
            response
                .add_cookie(&device_cookie(
                    signed_in.device_token,
                    state.config.secure_cookies,
                ))
                .map_err(AppError::internal)?;
            return Ok(response);
        }
        SignInOutcome::Refused => (
            StatusCode::UNAUTHORIZED,
            "The email or password is not correct.".to_string(),
        ),
        SignInOutcome::Throttled(minutes) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed attempts. For your security, sign-in is paused: try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
        ),
    };
    render_status(
        status,
        &SignInPage {
            layout: viewer.form_layout("Sign in"),
            form: SignInForm {
                password: String::new(),
                next: safe_next(form.next.as_deref()),
                ..form
            },
            message: Some(message),
            errors: FieldErrors::default(),
        },
    )
}

pub async fn signout(viewer: Viewer, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Some(account) = viewer.signed_in() {
        let (id, email, meta) = (account.id, account.email.clone(), viewer.meta.clone());
        state
            .db
            .run(move |conn| -> Result<_, AppError> {
                Ok(security_events::record(
                    conn,
                    SecurityEvent::SignedOut,
                    Some(id),
                    &email,
                    &meta,
                )?)
            })
            .await?;
    }
    viewer.sign_out();
    Ok(see_other("/"))
}

pub async fn signup_page(
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    render(&SignUpPage {
        layout: viewer.form_layout("Create an account"),
        form: SignUpForm {
            next: safe_next(query.next.as_deref()),
            ..Default::default()
        },
        errors: FieldErrors::default(),
    })
}

pub async fn signup(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    form.person.validate(&mut errors);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        let person = form.person.clone();
        let (meta, base) = (viewer.meta.clone(), state.config.link_base());
        let password_hash = hash_password(&person.password).await?;
        let signed_up = state
            .db
            .run(move |conn| {
                operations::sign_up(
                    conn,
                    &NewAccount {
                        person: &person,
                        password_hash,
                    },
                    &meta,
                    &base,
                )
            })
            .await;
        match signed_up {
            Ok(()) => return check_your_email(&viewer, &form.person.email),
            Err(AppError::TooManyRequests { message, .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                errors.add("email", message);
            }
            Err(other) => return Err(other),
        }
    }
    render_status(
        status,
        &SignUpPage {
            layout: viewer.form_layout("Create an account"),
            form: SignUpForm {
                person: form.person.without_passwords(),
                next: safe_next(form.next.as_deref()),
            },
            errors,
        },
    )
}

/// The one answer to a sign-up that was accepted, whether the address was new or not.
fn check_your_email(viewer: &Viewer, email: &str) -> Result<HttpResponse, AppError> {
    render(&CheckEmailPage {
        layout: viewer.layout("Check your email"),
        email: email.trim().to_string(),
        purpose: "confirm your address and sign in",
    })
}

fn slug_field(conn: &mut PgConnection, slug: &str, edited: bool) -> Result<SlugField, AppError> {
    let (status, error) = if slug.is_empty() {
        (None, None)
    } else {
        match Slug::parse(slug) {
            Err(e) => (None, Some(format!("{e}."))),
            Ok(slug) if orgs::slug_taken(conn, slug.as_str())? => {
                (Some((false, "Already taken".to_string())), None)
            }
            Ok(_) => (Some((true, "Available".to_string())), None),
        }
    };
    Ok(SlugField {
        slug: slug.to_string(),
        edited,
        status,
        error,
    })
}

pub async fn signup_org_page(viewer: Viewer) -> Result<HttpResponse, AppError> {
    render(&OrgSignUpPage::new(
        viewer.form_layout("Start an organization"),
        OrgSignUpForm {
            organization_type: "service_company".into(),
            ..Default::default()
        },
        FieldErrors::default(),
        SlugField {
            slug: String::new(),
            edited: false,
            status: None,
            error: None,
        },
    ))
}

/// The slug field, suggested from the name until the person edits it, with availability.
pub async fn slug_check(
    state: web::Data<AppState>,
    query: web::Query<SlugQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let edited = query.slug_edited.is_some();
    let slug = if edited {
        query.slug.trim().to_string()
    } else {
        naming::suggest(&query.organization_name)
    };
    let field = state
        .db
        .run(move |conn| slug_field(conn, &slug, edited))
        .await?;
    render(&field)
}

pub async fn signup_org(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<OrgSignUpForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = form.validate();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let outcome = if errors.is_empty() {
        let form = form.clone();
        let meta = viewer.meta.clone();
        let base = state.config.link_base();
        let password_hash = hash_password(&form.person.password).await?;
        let created = state
            .db
            .run_pooled(move |conn| {
                operations::create_with_organization(
                    conn,
                    &NewAccount {
                        person: &form.person,
                        password_hash,
                    },
                    &NewOrganization {
                        name: &form.organization_name,
                        slug: form.slug.trim(),
                        organization_type: &form.organization_type,
                    },
                    &meta,
                    &base,
                )
            })
            .await;
        match created {
            Ok(created) => Ok(created),
            Err(AppError::Rejected(field_errors)) => Err(field_errors),
            Err(AppError::TooManyRequests { message, .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                let mut field_errors = FieldErrors::default();
                field_errors.add("email", message);
                Err(field_errors)
            }
            Err(other) => return Err(other),
        }
    } else {
        Err(FieldErrors::default())
    };
    match outcome {
        Ok(_) => check_your_email(&viewer, &form.person.email),
        Err(more) => {
            for (field, message) in more.messages() {
                errors.add(field, message.clone());
            }
            let slug = form.slug.trim().to_string();
            let slug_error = errors.get("slug").map(str::to_string);
            let field = SlugField {
                slug,
                edited: true,
                status: None,
                error: slug_error,
            };
            render_status(
                status,
                &OrgSignUpPage::new(
                    viewer.form_layout("Start an organization"),
                    OrgSignUpForm {
                        person: form.person.without_passwords(),
                        ..form
                    },
                    errors,
                    field,
                ),
            )
        }
    }
}

pub async fn account_page(
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let account = viewer.require_account()?;
    let id = account.id;
    let loaded = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(accounts::find(conn, id)?) })
        .await?;
    render(&account_page_for(&viewer, &loaded, None, None))
}

pub(super) fn account_page_for(
    viewer: &Viewer,
    account: &accounts::Account,
    profile: Option<(ProfileForm, FieldErrors)>,
    password_errors: Option<FieldErrors>,
) -> AccountPage {
    let (profile, profile_errors) = profile.unwrap_or_else(|| {
        (
            ProfileForm {
                first_name: account.first_name.clone(),
                last_name: account.last_name.clone(),
                display_name: account.display_name.clone(),
                phone: account.phone.clone().unwrap_or_default(),
                timezone: account.timezone.clone(),
            },
            FieldErrors::default(),
        )
    });
    AccountPage {
        layout: viewer.layout("Your account").section("account"),
        email: account.email.clone(),
        email_verified: account.email_verified_at.is_some(),
        email_form: EmailChangeForm::default(),
        email_errors: FieldErrors::default(),
        profile,
        profile_errors,
        password: PasswordForm::default(),
        password_errors: password_errors.unwrap_or_default(),
        delete_errors: FieldErrors::default(),
        memberships: viewer
            .signed_in()
            .map(|a| a.memberships.clone())
            .unwrap_or_default(),
        timezones: timezones(),
    }
}

pub async fn update_profile(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let form = form.into_inner();
    let errors = form.validate();
    let saved_form = form.clone();
    let valid = errors.is_empty();
    let account = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            if valid {
                let phone = saved_form.phone.trim();
                accounts::update_profile(
                    conn,
                    id,
                    &ProfileUpdateForm {
                        first_name: saved_form.first_name.trim(),
                        last_name: saved_form.last_name.trim(),
                        display_name: saved_form.display_name.trim(),
                        phone: (!phone.is_empty()).then_some(phone),
                        timezone: saved_form.timezone.trim(),
                    },
                )?;
            }
            Ok(accounts::find(conn, id)?)
        })
        .await?;
    if valid {
        viewer.flash("success", "Your profile was saved.");
        return Ok(see_other("/account"));
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &account_page_for(&viewer, &account, Some((form, errors)), None),
    )
}

pub async fn change_password(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = viewer.require_account()?;
    let (id, email) = (signed_in.id, signed_in.email.clone());
    let form = form.into_inner();
    let meta = viewer.meta.clone();
    let account = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(accounts::find(conn, id)?) })
        .await?;
    // Both argon2 steps run off the pooled connection.
    let mut errors = FieldErrors::default();
    if !operations::verify_password(&form.current_password, Some(&account)).await? {
        errors.add("current_password", "This is not your current password.");
    }
    check_new_password(
        &mut errors,
        "new_password",
        &form.new_password,
        &form.new_password_confirm,
        &email,
        &[&account.first_name, &account.last_name],
    );
    let outcome = if errors.is_empty() {
        let hash = hash_password(&form.new_password).await?;
        let generation = state
            .db
            .run(move |conn| operations::change_password(conn, id, &email, &hash, &meta))
            .await?;
        Ok(generation)
    } else {
        Err(errors)
    };
    match outcome {
        Ok(generation) => {
            viewer.adopt_generation(generation)?;
            viewer.flash(
                "success",
                "Your password was changed. Other sessions have been signed out.",
            );
            Ok(see_other("/account"))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page_for(&viewer, &account, None, Some(errors)),
        ),
    }
}

/// Asks to move the account to another address: confirmed from the new address before it
/// takes effect.
pub async fn change_email(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<EmailChangeForm>,
) -> Result<HttpResponse, AppError> {
    let id = viewer.require_account()?.id;
    let form = form.into_inner();
    let account = state
        .db
        .run(move |conn| -> Result<_, AppError> { Ok(accounts::find(conn, id)?) })
        .await?;
    let mut errors = FieldErrors::default();
    let new_email = accounts::normalize_email(&form.new_email);
    if check_email(&mut errors, "new_email", &form.new_email) && new_email == account.email {
        errors.add("new_email", "This is already your email address.");
    }
    if !operations::verify_password(&form.password, Some(&account)).await? {
        errors.add("password", "This is not your current password.");
    }
    if !errors.is_empty() {
        let mut page = account_page_for(&viewer, &account, None, None);
        page.email_form = EmailChangeForm {
            new_email: form.new_email,
            password: String::new(),
        };
        page.email_errors = errors;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (meta, base, address, holder) = (
        viewer.meta.clone(),
        state.config.link_base(),
        new_email.clone(),
        account.clone(),
    );
    state
        .db
        .run(move |conn| {
            recovery::operations::request_email_change(conn, &holder, &address, &meta, &base)
        })
        .await?;
    viewer.flash(
        "success",
        format!(
            "We sent a confirmation link to {new_email}. Your address changes when you open it; \
             until then, sign in with {}.",
            account.email
        ),
    );
    Ok(see_other("/account"))
}
