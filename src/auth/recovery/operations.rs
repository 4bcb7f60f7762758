//! The rules behind password resets and email confirmations.

use diesel::prelude::*;
use uuid::Uuid;

use crate::auth::accounts::{self, Account};
use crate::auth::links::{self, Purpose};
use crate::auth::security_events::{self, SecurityEvent};
use crate::auth::throttle::{self, By};
use crate::mail::{self, messages, Email};
use crate::web::request_meta::RequestMeta;
use crate::web::AppError;

/// Reset emails one address may be sent in an hour; more requests are answered the same but
/// send nothing, so nobody can flood a mailbox through the form.
const RESETS_PER_EMAIL_PER_HOUR: i64 = 3;
/// Reset requests one network may make in an hour.
const RESETS_PER_IP_PER_HOUR: i64 = 20;
/// "You already have an account" emails one address may be sent in an hour.
const EXISTING_NOTICES_PER_HOUR: i64 = 3;

fn too_many(minutes: i64, what: &str) -> AppError {
    AppError::TooManyRequests {
        message: format!(
            "Too many {what} came from your network in the last hour. Please try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: (minutes * 60) as u64,
    }
}

/// "Forgot password?": emails a link when the address has an active account. The caller
/// answers the same either way.
pub fn request_reset(
    conn: &mut PgConnection,
    raw_email: &str,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<(), AppError> {
    let email = accounts::normalize_email(raw_email);
    let event = "password_reset_requested";
    if let Some(minutes) =
        throttle::hourly_pause(conn, event, By::Ip(&meta.ip), RESETS_PER_IP_PER_HOUR)?
    {
        return Err(too_many(minutes, "password reset requests"));
    }
    let flooded =
        throttle::hourly_pause(conn, event, By::Email(&email), RESETS_PER_EMAIL_PER_HOUR)?
            .is_some();
    let account = accounts::find_by_email(conn, &email)?.filter(|a| a.is_active);
    conn.transaction(|conn| {
        security_events::record(
            conn,
            SecurityEvent::PasswordResetRequested,
            account.as_ref().map(|a| a.id),
            &email,
            meta,
        )?;
        let Some(account) = account.filter(|_| !flooded) else {
            return Ok(());
        };
        let token = links::issue(conn, account.id, Purpose::PasswordReset, &account.email)?;
        let content = messages::PasswordReset {
            name: account.first_name.clone(),
            link: format!("{link_base}/password/reset/{token}"),
        }
        .render()?;
        send_to(conn, &account, "password_reset", content)?;
        Ok(())
    })
}

fn send_to(
    conn: &mut PgConnection,
    account: &Account,
    kind: &str,
    content: mail::Rendered,
) -> QueryResult<Uuid> {
    mail::send(
        conn,
        &Email {
            kind,
            to_address: &account.email,
            to_name: Some(&account.display_name),
            content,
            account_id: Some(account.id),
            organization_id: None,
            correlation_id: Some(format!("account:{}", account.id)),
        },
    )
}

/// Whose reset link this is, while it still works (for the form it leads to).
pub fn reset_holder(conn: &mut PgConnection, token: &str) -> Result<Option<Account>, AppError> {
    match links::peek(conn, Purpose::PasswordReset, token)? {
        Some(holder) => Ok(Some(accounts::find(conn, holder.account_id)?)),
        None => Ok(None),
    }
}

/// Sets the new (already hashed) password through the link, once: every session of the
/// account ends, and the address counts as confirmed (the link reached it). `None` when the
/// link is unknown, used or expired.
pub fn reset_password(
    conn: &mut PgConnection,
    token: &str,
    password_hash: &str,
    meta: &RequestMeta,
) -> Result<Option<Account>, AppError> {
    conn.transaction(|conn| {
        let Some(holder) = links::redeem(conn, Purpose::PasswordReset, token)? else {
            return Ok(None);
        };
        accounts::set_password(conn, holder.account_id, password_hash)?;
        crate::auth::session_store::end_all_for_account(conn, holder.account_id)?;
        accounts::mark_verified(conn, holder.account_id)?;
        security_events::record(
            conn,
            SecurityEvent::PasswordReset,
            Some(holder.account_id),
            &holder.email,
            meta,
        )?;
        Ok(Some(accounts::find(conn, holder.account_id)?))
    })
}

/// Sends a new account its confirmation link (in the caller's transaction).
pub fn send_confirmation(
    conn: &mut PgConnection,
    account: &Account,
    link_base: &str,
) -> Result<(), AppError> {
    let token = links::issue(conn, account.id, Purpose::ConfirmEmail, &account.email)?;
    let content = messages::ConfirmEmail {
        name: account.first_name.clone(),
        link: format!("{link_base}/account/confirm/{token}"),
    }
    .render()?;
    send_to(conn, account, "confirm_email", content)?;
    Ok(())
}

/// How many confirmation links an account may ask for again in an hour.
const CONFIRMATIONS_PER_HOUR: i64 = 3;

/// The signed-in account asks for its confirmation link again (a few times an hour at most).
/// `Ok(false)` when the address is already confirmed.
pub fn resend_confirmation(
    conn: &mut PgConnection,
    account: &Account,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<bool, AppError> {
    if account.email_verified_at.is_some() {
        return Ok(false);
    }
    let event = "confirmation_resent";
    if let Some(minutes) = throttle::hourly_pause(
        conn,
        event,
        By::Email(&account.email),
        CONFIRMATIONS_PER_HOUR,
    )? {
        return Err(AppError::TooManyRequests {
            message: format!(
                "We already sent {CONFIRMATIONS_PER_HOUR} links in the last hour: please look \
                 for them in your inbox (and spam folder), or ask again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
            retry_after_secs: (minutes * 60) as u64,
        });
    }
    conn.transaction(|conn| {
        security_events::record(
            conn,
            SecurityEvent::ConfirmationResent,
            Some(account.id),
            &account.email,
            meta,
        )?;
        send_confirmation(conn, account, link_base)?;
        Ok(true)
    })
}

/// Asks to move the account to `new_email` (normalized): a link goes to the new address and
/// the address changes only when it is opened there. Answers the same whether or not another
/// account has that address (then nothing is sent). A few requests an hour at most.
pub fn request_email_change(
    conn: &mut PgConnection,
    account: &Account,
    new_email: &str,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<(), AppError> {
    if let Some(minutes) = throttle::hourly_pause(
        conn,
        "email_change_requested",
        By::Email(&account.email),
        CONFIRMATIONS_PER_HOUR,
    )? {
        return Err(AppError::TooManyRequests {
            message: format!(
                "You asked for {CONFIRMATIONS_PER_HOUR} address changes in the last hour; \
                 please try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
            retry_after_secs: (minutes * 60) as u64,
        });
    }
    let taken = accounts::find_by_email(conn, new_email)?.is_some();
    conn.transaction(|conn| {
        security_events::record(
            conn,
            SecurityEvent::EmailChangeRequested,
            Some(account.id),
            &account.email,
            meta,
        )?;
        if taken {
            return Ok(());
        }
        let token = links::issue(conn, account.id, Purpose::ConfirmEmail, new_email)?;
        let content = messages::ConfirmEmail {
            name: account.first_name.clone(),
            link: format!("{link_base}/account/confirm/{token}"),
        }
        .render()?;
        mail::send(
            conn,
            &Email {
                kind: "confirm_email",
                to_address: new_email,
                to_name: Some(&account.display_name),
                content,
                account_id: Some(account.id),
                organization_id: None,
                correlation_id: Some(format!("account:{}", account.id)),
            },
        )?;
        Ok(())
    })
}

/// Someone signed up with the address of an existing account: its owner is told (a few times
/// an hour at most), and the sign-up page answers as for a new account.
pub fn notify_existing(
    conn: &mut PgConnection,
    raw_email: &str,
    meta: &RequestMeta,
    link_base: &str,
) -> Result<(), AppError> {
    let email = accounts::normalize_email(raw_email);
    let Some(account) = accounts::find_by_email(conn, &email)? else {
        return Ok(());
    };
    let event = "sign_up_existing";
    if throttle::hourly_pause(conn, event, By::Email(&email), EXISTING_NOTICES_PER_HOUR)?.is_some()
    {
        return Ok(());
    }
    conn.transaction(|conn| {
        security_events::record(
            conn,
            SecurityEvent::SignUpWithExistingEmail,
            Some(account.id),
            &email,
            meta,
        )?;
        let content = messages::AccountExists {
            name: account.first_name.clone(),
            sign_in: format!("{link_base}/signin"),
            reset: format!("{link_base}/password/forgot"),
        }
        .render()?;
        send_to(conn, &account, "account_exists", content)?;
        Ok(())
    })
}

/// Whose confirmation link this is, while it still works.
pub fn confirmation_holder(
    conn: &mut PgConnection,
    token: &str,
) -> Result<Option<Account>, AppError> {
    match links::peek(conn, Purpose::ConfirmEmail, token)? {
        Some(holder) => Ok(Some(accounts::find(conn, holder.account_id)?)),
        None => Ok(None),
    }
}

/// Confirms the address through the link, once. `None` when the link is unknown, used,
/// expired, or for an address the account no longer has.
pub fn confirm_email(
    conn: &mut PgConnection,
    token: &str,
    meta: &RequestMeta,
) -> Result<Option<Account>, AppError> {
    conn.transaction(|conn| {
        let Some(holder) = links::redeem(conn, Purpose::ConfirmEmail, token)? else {
            return Ok(None);
        };
        let account = accounts::find(conn, holder.account_id)?;
        if !account.is_active {
            return Ok(None);
        }
        if account.email == holder.email {
            accounts::mark_verified(conn, account.id)?;
            security_events::record(
                conn,
                SecurityEvent::EmailConfirmed,
                Some(account.id),
                &account.email,
                meta,
            )?;
        } else {
            // A change of address, confirmed from the new one.
            if !accounts::change_email(conn, account.id, &holder.email)? {
                return Ok(None);
            }
            security_events::record(
                conn,
                SecurityEvent::EmailChanged,
                Some(account.id),
                &account.email,
                meta,
            )?;
        }
        Ok(Some(accounts::find(conn, account.id)?))
    })
}
