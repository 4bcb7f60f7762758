//! Sign-in, sign-out, sign-up (account alone, or with a new organization) and account settings.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde_json::json;

use super::accounts::{self, AccountInsertForm, InsertError, ProfileUpdateForm};
use super::forms::{
    check_new_password, OrgSignUpForm, PasswordForm, ProfileForm, SignInForm, SignUpForm, SlugQuery,
};
use super::identity::Viewer;
use super::roles::Role;
use super::security_events::{self, SecurityEvent};
use super::session_store;
use super::views::{timezones, AccountPage, OrgSignUpPage, SignInPage, SignUpPage, SlugField};
use super::{password, throttle};
use crate::audit::{self, AuditEvent};
use crate::members::queries as memberships;
use crate::orgs::context::Actor;
use crate::orgs::naming::{self, Slug};
use crate::orgs::provision::{self, CreateError, NewOrganization};
use crate::orgs::{queries as orgs, tenancy};
use crate::web::forms::{safe_next, FieldErrors};
use crate::web::{render, render_status, AppError};
use crate::AppState;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// Where a person lands after signing in: where they were going, else their only
/// organization, else their account page.
fn landing(next: Option<&str>, memberships: &[memberships::MembershipSummary]) -> String {
    safe_next(next).unwrap_or_else(|| match memberships {
        [only] => format!("/o/{}", only.slug),
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
        return Ok(see_other(&landing(
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

enum SignInOutcome {
    SignedIn(Box<(accounts::Account, Vec<memberships::MembershipSummary>)>),
    Refused,
    Throttled(i64),
}

pub async fn signin(
    viewer: Viewer,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = accounts::normalize_email(&form.email);
    let password = form.password.clone();
    let meta = viewer.meta.clone();
    // Each step commits on its own: a failed attempt is recorded even though sign-in fails.
    let outcome = state
        .db
        .run(move |conn| -> Result<SignInOutcome, AppError> {
            if let Some(minutes) = throttle::locked_for(conn, &email, &meta.ip)? {
                security_events::record(conn, SecurityEvent::SignInThrottled, None, &email, &meta)?;
                return Ok(SignInOutcome::Throttled(minutes));
            }
            let account = accounts::find_by_email(conn, &email)?;
            let verified = match &account {
                Some(account) => {
                    password::verify(&password, &account.password_hash) && account.is_active
                }
                None => {
                    password::verify_against_nothing(&password);
                    false
                }
            };
            throttle::record(conn, &email, &meta.ip, verified)?;
            match account.filter(|_| verified) {
                Some(account) => {
                    accounts::record_sign_in(conn, account.id)?;
                    security_events::record(
                        conn,
                        SecurityEvent::SignedIn,
                        Some(account.id),
                        &email,
                        &meta,
                    )?;
                    let memberships = memberships::for_account(conn, account.id)?;
                    Ok(SignInOutcome::SignedIn(Box::new((account, memberships))))
                }
                None => {
                    security_events::record(
                        conn,
                        SecurityEvent::SignInFailed,
                        None,
                        &email,
                        &meta,
                    )?;
                    Ok(SignInOutcome::Refused)
                }
            }
        })
        .await?;
    let (status, message) = match outcome {
        SignInOutcome::SignedIn(signed_in) => {
            let (account, memberships) = *signed_in;
            viewer.sign_in(&account)?;
            return Ok(see_other(&landing(form.next.as_deref(), &memberships)));
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
    let created = if errors.is_empty() {
        let person = form.person.clone();
        let meta = viewer.meta.clone();
        state
            .db
            .run(move |conn| create_account(conn, &person, &meta))
            .await?
    } else {
        None
    };
    match created {
        Some(account) => {
            viewer.sign_in(&account)?;
            viewer.flash("success", "Welcome to SiteSync! Your account is ready.");
            Ok(see_other(
                &safe_next(form.next.as_deref()).unwrap_or_else(|| "/account".into()),
            ))
        }
        None => {
            if errors.is_empty() {
                errors.add(
                    "email",
                    "An account with this email already exists. Sign in instead?",
                );
            }
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
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
    }
}

/// Creates the account; `None` when the email is taken.
fn create_account(
    conn: &mut PgConnection,
    person: &super::forms::PersonFields,
    meta: &crate::web::request_meta::RequestMeta,
) -> Result<Option<accounts::Account>, AppError> {
    let hash = password::hash(&person.password).map_err(AppError::internal)?;
    let email = accounts::normalize_email(&person.email);
    let inserted = accounts::insert(
        conn,
        &AccountInsertForm {
            email: &email,
            password_hash: &hash,
            first_name: person.first_name.trim(),
            last_name: person.last_name.trim(),
            display_name: &person.display_name(),
            timezone: "Australia/Sydney",
        },
    );
    match inserted {
        Ok(account) => {
            security_events::record(
                conn,
                SecurityEvent::AccountCreated,
                Some(account.id),
                &email,
                meta,
            )?;
            Ok(Some(account))
        }
        Err(InsertError::EmailTaken) => Ok(None),
        Err(InsertError::Database(e)) => Err(e.into()),
    }
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
    let outcome = if errors.is_empty() {
        let form = form.clone();
        let meta = viewer.meta.clone();
        let created = state
            .db
            .run(move |conn| conn.transaction(|conn| create_org_with_owner(conn, &form, &meta)))
            .await;
        match created {
            Ok(created) => Ok(created),
            Err(AppError::Rejected(field_errors)) => Err(field_errors),
            Err(other) => return Err(other),
        }
    } else {
        Err(FieldErrors::default())
    };
    match outcome {
        Ok((account, slug)) => {
            viewer.sign_in(&account)?;
            viewer.flash(
                "success",
                "Your organization is ready. Start by adding your first site.",
            );
            Ok(see_other(&format!("/o/{slug}")))
        }
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
                StatusCode::UNPROCESSABLE_ENTITY,
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

/// Account, organization (role, schema, tables) and owner membership, in the caller's
/// transaction. A taken email or slug is `AppError::Rejected` with field errors, which rolls
/// the transaction back, so nothing is half-made.
fn create_org_with_owner(
    conn: &mut PgConnection,
    form: &OrgSignUpForm,
    meta: &crate::web::request_meta::RequestMeta,
) -> Result<(accounts::Account, String), AppError> {
    let mut errors = FieldErrors::default();
    let Some(account) = create_account(conn, &form.person, meta)? else {
        errors.add("email", "An account with this email already exists. Sign in first, then start the organization from your account.");
        return Err(AppError::Rejected(errors));
    };
    let org = provision::create_in_transaction(
        conn,
        &NewOrganization {
            name: &form.organization_name,
            slug: form.slug.trim(),
            organization_type: &form.organization_type,
        },
    );
    let org = match org {
        Ok(org) => org,
        Err(CreateError::Taken(_)) => {
            errors.add("slug", "This web address is already taken; choose another.");
            return Err(AppError::Rejected(errors));
        }
        Err(CreateError::Slug(e)) => {
            errors.add("slug", format!("{e}."));
            return Err(AppError::Rejected(errors));
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    memberships::upsert(conn, account.id, org.id, Role::Owner)?;
    tenancy::enter(conn, &org.schema_name, &org.role_name)?;
    let actor = Actor {
        account_id: account.id,
        email: account.email.clone(),
        display_name: account.display_name.clone(),
        meta: meta.clone(),
    };
    audit::record(
        conn,
        &actor,
        AuditEvent::new("organization_created", "organization", org.id).data(json!({
            "name": org.name,
            "slug": org.slug,
            "owner": account.email,
        })),
    )?;
    Ok((account, org.slug))
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

fn account_page_for(
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
        profile,
        profile_errors,
        password: PasswordForm::default(),
        password_errors: password_errors.unwrap_or_default(),
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
    let (account, outcome) = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            let account = accounts::find(conn, id)?;
            let mut errors = FieldErrors::default();
            if !password::verify(&form.current_password, &account.password_hash) {
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
            if !errors.is_empty() {
                return Ok((account, Err(errors)));
            }
            let hash = password::hash(&form.new_password).map_err(AppError::internal)?;
            let generation = conn.transaction(|conn| -> Result<i32, AppError> {
                let generation = accounts::set_password(conn, id, &hash)?;
                session_store::end_all_for_account(conn, id)?;
                security_events::record(
                    conn,
                    SecurityEvent::PasswordChanged,
                    Some(id),
                    &email,
                    &meta,
                )?;
                Ok(generation)
            })?;
            Ok((account, Ok(generation)))
        })
        .await?;
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
