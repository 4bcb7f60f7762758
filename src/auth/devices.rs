//! Known devices: a long-lived cookie a browser gets when its person signs in, so that the right
//! password from that browser passes a lock others' wrong guesses put on the email.

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::tokens::{self, hash};
use crate::db::schema_public::known_devices;

/// The cookie's name; its value is a random token whose hash is stored.
pub const COOKIE: &str = "sitesync_device";

/// How long a browser stays known without signing in again.
pub const LIFETIME_DAYS: i64 = 180;

/// At most this many devices are remembered per account (the oldest go).
const PER_ACCOUNT: i64 = 20;

/// Whether `token` is a device `account_id` signed in from (and recently enough).
pub fn is_known(conn: &mut PgConnection, account_id: Uuid, token: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        known_devices::table
            .filter(known_devices::account_id.eq(account_id))
            .filter(known_devices::token_hash.eq(hash(token)))
            .filter(
                known_devices::last_used_at.gt(Utc::now() - chrono::Duration::days(LIFETIME_DAYS)),
            ),
    ))
    .get_result(conn)
}

/// Remembers the browser after a successful sign-in: refreshes `token` when it is already this
/// account's, else stores a new one. Returns the token the cookie should carry.
pub fn remember(
    conn: &mut PgConnection,
    account_id: Uuid,
    token: Option<&str>,
) -> QueryResult<String> {
    if let Some(token) = token {
        let refreshed = diesel::update(
            known_devices::table
                .filter(known_devices::account_id.eq(account_id))
                .filter(known_devices::token_hash.eq(hash(token))),
        )
        .set(known_devices::last_used_at.eq(Utc::now()))
        .execute(conn)?;
        if refreshed == 1 {
            return Ok(token.to_string());
        }
    }
    let token = tokens::new_token();
    diesel::insert_into(known_devices::table)
        .values((
            known_devices::account_id.eq(account_id),
            known_devices::token_hash.eq(hash(&token)),
        ))
        .execute(conn)?;
    diesel::sql_query(
        "DELETE FROM known_devices WHERE account_id = $1 AND id NOT IN \
         (SELECT id FROM known_devices WHERE account_id = $1 ORDER BY last_used_at DESC LIMIT $2)",
    )
    .bind::<diesel::sql_types::Uuid, _>(account_id)
    .bind::<diesel::sql_types::BigInt, _>(PER_ACCOUNT)
    .execute(conn)?;
    Ok(token)
}
