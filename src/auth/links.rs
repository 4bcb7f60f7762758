//! Single-use links sent by email (`public.account_tokens`): a password reset, an address to
//! confirm. Only the token's hash is stored; a link works once and until it expires.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bytea, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::tokens;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PasswordReset,
    ConfirmEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "password_reset",
            Purpose::ConfirmEmail => "confirm_email",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::PasswordReset => Duration::hours(1),
            Purpose::ConfirmEmail => Duration::hours(48),
        }
    }
}

/// Whose link it is.
#[derive(Debug, Clone, QueryableByName)]
pub struct Holder {
    #[diesel(sql_type = SqlUuid)]
    pub account_id: Uuid,
    #[diesel(sql_type = Text)]
    pub email: String,
}

/// A new link for `account_id`; earlier unused links of the same purpose stop working, so
/// only the latest email counts. Returns the token to put in the link.
pub fn issue(
    conn: &mut PgConnection,
    account_id: Uuid,
    purpose: Purpose,
    email: &str,
) -> QueryResult<String> {
    diesel::sql_query(
        "UPDATE account_tokens SET used_at = now() \
         WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<Text, _>(purpose.as_str())
    .execute(conn)?;
    let token = tokens::new_token();
    diesel::sql_query(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, email, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<Text, _>(purpose.as_str())
    .bind::<Bytea, _>(tokens::hash(&token))
    .bind::<Text, _>(email)
    .bind::<Timestamptz, _>(Utc::now() + purpose.lifetime())
    .execute(conn)?;
    Ok(token)
}

/// The link's holder while it is unused and unexpired, without using it up (to show the
/// form the link leads to).
pub fn peek(conn: &mut PgConnection, purpose: Purpose, token: &str) -> QueryResult<Option<Holder>> {
    diesel::sql_query(
        "SELECT account_id, email FROM account_tokens WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > now()",
    )
    .bind::<Bytea, _>(tokens::hash(token))
    .bind::<Text, _>(purpose.as_str())
    .get_result(conn)
    .optional()
}

/// Uses the link up; its holder, or `None` when it is unknown, used or expired. Two requests
/// with the same link: exactly one gets the holder.
pub fn redeem(
    conn: &mut PgConnection,
    purpose: Purpose,
    token: &str,
) -> QueryResult<Option<Holder>> {
    diesel::sql_query(
        "UPDATE account_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > now() RETURNING account_id, email",
    )
    .bind::<Bytea, _>(tokens::hash(token))
    .bind::<Text, _>(purpose.as_str())
    .get_result(conn)
    .optional()
}
