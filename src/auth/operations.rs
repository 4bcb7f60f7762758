//! Account rules the pages (and the JSON API) share: creating an account, and creating one
//! together with the organization it will own.

use diesel::prelude::*;
use serde_json::json;

use super::accounts::{self, Account, AccountInsertForm, InsertError};
use super::forms::PersonFields;
use super::recovery::operations as recovery;
use super::roles::Role;
use super::security_events::{self, SecurityEvent};
use super::{devices, throttle};
use crate::audit::{self, AuditEvent};
use crate::db::PooledConn;
use crate::members::queries as memberships;
use crate::orgs::provision::{self, CreateError, NewOrganization};
use crate::orgs::queries::Organization;
use crate::orgs::{self, Actor, As};
use crate::web::forms::FieldErrors;
use crate::web::request_meta::RequestMeta;
use crate::web::AppError;

/// A person signing up, with the password already hashed (hashing is slow on purpose, so it
/// happens before a pooled connection is taken).
pub struct NewAccount<'a> {
    pub person: &'a PersonFields,
    pub password_hash: String,
}

/// Hashes a new password on the blocking pool, before any database connection is taken:
/// argon2 is slow on purpose, and a pooled connection held meanwhile would stall other pages.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    actix_web::web::block(move || super::password::hash(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// The first step of a sign-in, before the password is checked (slowly, off the pooled
/// connection): is the email or address paused, and whose account is it.
pub enum SignInCheck {
    /// Paused: minutes to wait.
    Paused(i64),
    Proceed {
        account: Option<Box<Account>>,
    },
}

pub fn check_sign_in(
    conn: &mut PgConnection,
    email: &str,
    device_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<SignInCheck, AppError> {
    let account = accounts::find_by_email(conn, email)?;
    let known_device = match (&account, device_token) {
        (Some(account), Some(token)) => devices::is_known(conn, account.id, token)?,
        _ => false,
    };
    if let Some(minutes) = throttle::paused_for(conn, email, &meta.ip, known_device)? {
        security_events::record(conn, SecurityEvent::SignInThrottled, None, email, meta)?;
        return Ok(SignInCheck::Paused(minutes));
    }
    Ok(SignInCheck::Proceed {
        account: account.map(Box::new),
    })
}

/// A sign-in that succeeded: the account, where it belongs, and the known-device token for
/// the browser's cookie.
pub struct SignedIn {
    pub account: Account,
    pub memberships: Vec<memberships::MembershipSummary>,
    pub device_token: String,
}

/// Records the attempt; on success also the sign-in and the browser as a known device.
pub fn finish_sign_in(
    conn: &mut PgConnection,
    email: &str,
    account: Option<Account>,
    verified: bool,
    device_token: Option<&str>,
    meta: &RequestMeta,
) -> Result<Option<SignedIn>, AppError> {
    let verified = verified && account.as_ref().is_some_and(|a| a.is_active);
    throttle::record(conn, email, &meta.ip, verified)?;
    match account.filter(|_| verified) {
        Some(account) => {
            accounts::record_sign_in(conn, account.id)?;
            security_events::record(conn, SecurityEvent::SignedIn, Some(account.id), email, meta)?;
            let device_token = devices::remember(conn, account.id, device_token)?;
            let memberships = memberships::for_account(conn, account.id)?;
            Ok(Some(SignedIn {
                account,
                memberships,
                device_token,
            }))
        }
        None => {
            security_events::record(conn, SecurityEvent::SignInFailed, None, email, meta)?;
            Ok(None)
        }
    }
}

/// Checks a password on the blocking pool, off any pooled connection; without an account it
/// spends the same time, so the answer's timing does not tell whether the email exists.
pub async fn verify_password(password: &str, account: Option<&Account>) -> Result<bool, AppError> {
    let password = password.to_string();
    let stored = account.map(|a| a.password_hash.clone());
    actix_web::web::block(move || match stored {
        Some(hash) => super::password::verify(&password, &hash),
        None => {
            super::password::verify_against_nothing(&password);
            false
        }
    })
    .await
    .map_err(AppError::internal)
}

/// Sets a new (already hashed) password and ends every session of the account; returns the
/// account's new session generation, which the current session adopts.
pub fn change_password(
    conn: &mut PgConnection,
    account_id: uuid::Uuid,
    email: &str,
    password_hash: &str,
    meta: &RequestMeta,
) -> Result<i32, AppError> {
    conn.transaction(|conn| {
        let generation = accounts::set_password(conn, account_id, password_hash)?;
        super::session_store::end_all_for_account(conn, account_id)?;
        security_events::record(
            conn,
            SecurityEvent::PasswordChanged,
            Some(account_id),
            email,
            meta,
        )?;
        Ok(generation)
    })
}

/// Creates the account; `None` when the email is taken. An address that created many accounts
/// in the last hour waits (`AppError::TooManyRequests`).
pub fn create_account(
    conn: &mut PgConnection,
    new: &NewAccount,
    meta: &RequestMeta,
) -> Result<Option<Account>, AppError> {
    if let Some(minutes) = throttle::sign_ups_paused_for(conn, &meta.ip)? {
        return Err(AppError::TooManyRequests {
            message: format!(
                "Too many accounts were created from your network in the last hour. Please try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
            retry_after_secs: (minutes * 60) as u64,
        });
    }
    let email = accounts::normalize_email(&new.person.email);
    let inserted = accounts::insert(
        conn,
        &AccountInsertForm {
            email: &email,
            password_hash: &new.password_hash,
            first_name: new.person.first_name.trim(),
            last_name: new.person.last_name.trim(),
            display_name: &new.person.display_name(),
            timezone: "Australia/Sydney",
            email_verified_at: None,
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

/// Signs someone up: a new account is sent its confirmation link; an address that already
/// has one has its owner told instead. Either way the caller answers "check your email", so
/// the page tells a stranger nothing about who has an account.
pub fn sign_up(
    conn: &mut PgConnection,
    new: &NewAccount,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| match create_account(conn, new, meta)? {
        Some(account) => recovery::send_confirmation(conn, &account, link_base),
        None => recovery::notify_existing(conn, &new.person.email, meta, link_base),
    })
}

/// Why an organization sign-up stopped: the address has an account (everything made so far
/// is rolled back, and the caller answers as for a new one), or anything else.
enum Abort {
    EmailTaken,
    App(AppError),
}

impl From<AppError> for Abort {
    fn from(e: AppError) -> Abort {
        Abort::App(e)
    }
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Abort {
        Abort::App(e.into())
    }
}

/// Account, organization (role, schema, tables), owner membership, the first audit event and
/// the confirmation email, in one transaction. A taken slug is `AppError::Rejected` with field
/// errors; an address that has an account gives `None` after its owner is told — the slug is
/// checked first, so both answers are the same for a stranger. Nothing is left half-made.
pub fn create_with_organization(
    conn: &mut PooledConn,
    new: &NewAccount,
    organization: &NewOrganization,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<Option<(Account, Organization)>, AppError> {
    let ledger = conn.ledger();
    let created = conn.transaction(|conn| {
        let mut errors = FieldErrors::default();
        let org = match provision::create_in_transaction(conn, &ledger, organization) {
            Ok(org) => org,
            Err(CreateError::Taken(_)) => {
                errors.add("slug", "This web address is already taken; choose another.");
                return Err(AppError::Rejected(errors).into());
            }
            Err(CreateError::Slug(e)) => {
                errors.add("slug", format!("{e}."));
                return Err(AppError::Rejected(errors).into());
            }
            Err(e) => return Err(AppError::internal(e).into()),
        };
        let Some(account) = create_account(conn, new, meta)? else {
            return Err(Abort::EmailTaken);
        };
        memberships::upsert(conn, account.id, org.id, Role::Owner)?;
        // Before entering the organization, whose role may not write platform tables.
        recovery::send_confirmation(conn, &account, link_base)?;
        orgs::enter_in(conn, &ledger, &org.handle(), As::Organization).map_err(AppError::from)?;
        let actor = Actor::new(
            account.id,
            &account.email,
            &account.display_name,
            meta.clone(),
        );
        audit::record(
            conn,
            &actor,
            AuditEvent::new("organization_created", "organization", org.id).data(json!({
                "name": org.name,
                "slug": org.slug,
                "owner": account.email,
            })),
        )?;
        Ok((account, org))
    });
    match created {
        Ok(created) => Ok(Some(created)),
        Err(Abort::EmailTaken) => {
            recovery::notify_existing(conn, &new.person.email, meta, link_base)?;
            Ok(None)
        }
        Err(Abort::App(e)) => Err(e),
    }
}
