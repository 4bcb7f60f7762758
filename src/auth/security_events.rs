//! `public.security_events`: sign-ins, failed sign-ins, password changes, suspensions.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::security_events;
use crate::web::request_meta::RequestMeta;

#[derive(Debug, Clone, Copy)]
pub enum SecurityEvent {
    SignedIn,
    SignInFailed,
    SignInThrottled,
    SignedOut,
    PasswordChanged,
    AccountCreated,
    AccountSuspended,
    AccountReactivated,
    PasswordResetRequested,
    PasswordReset,
    EmailConfirmed,
    ConfirmationResent,
    EmailChangeRequested,
    EmailChanged,
    SignUpWithExistingEmail,
}

impl SecurityEvent {
    fn as_str(self) -> &'static str {
        match self {
            SecurityEvent::SignedIn => "signed_in",
            SecurityEvent::SignInFailed => "sign_in_failed",
            SecurityEvent::SignInThrottled => "sign_in_throttled",
            SecurityEvent::SignedOut => "signed_out",
            SecurityEvent::PasswordChanged => "password_changed",
            SecurityEvent::AccountCreated => "account_created",
            SecurityEvent::AccountSuspended => "account_suspended",
            SecurityEvent::AccountReactivated => "account_reactivated",
            SecurityEvent::PasswordResetRequested => "password_reset_requested",
            SecurityEvent::PasswordReset => "password_reset",
            SecurityEvent::EmailConfirmed => "email_confirmed",
            SecurityEvent::ConfirmationResent => "confirmation_resent",
            SecurityEvent::EmailChangeRequested => "email_change_requested",
            SecurityEvent::EmailChanged => "email_changed",
            SecurityEvent::SignUpWithExistingEmail => "sign_up_existing",
        }
    }
}

pub fn record(
    conn: &mut PgConnection,
    event: SecurityEvent,
    account_id: Option<Uuid>,
    email: &str,
    meta: &RequestMeta,
) -> QueryResult<usize> {
    diesel::insert_into(security_events::table)
        .values((
            security_events::account_id.eq(account_id),
            security_events::email.eq(truncate(email, 255)),
            security_events::event_type.eq(event.as_str()),
            security_events::ip.eq(&meta.ip),
            security_events::user_agent.eq(truncate(&meta.user_agent, 500)),
        ))
        .execute(conn)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
