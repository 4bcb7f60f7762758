//! Sign-in throttling: 5 failed attempts for one email, or 20 from one IP, within 15 minutes
//! lock further attempts until the oldest of them is 15 minutes old.

use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::db::schema_public::login_attempts;

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_EMAIL: i64 = 5;
pub const MAX_PER_IP: i64 = 20;

/// `Some(minutes to wait)` when this email or IP is locked out.
pub fn locked_for(conn: &mut PgConnection, email: &str, ip: &str) -> QueryResult<Option<i64>> {
    let since = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    let failed = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since));
    let by_email: Vec<chrono::DateTime<Utc>> = failed
        .filter(login_attempts::email.eq(email))
        .order(login_attempts::attempted_at.desc())
        .limit(MAX_PER_EMAIL)
        .select(login_attempts::attempted_at)
        .load(conn)?;
    let by_ip: Vec<chrono::DateTime<Utc>> = failed
        .filter(login_attempts::ip.eq(ip))
        .order(login_attempts::attempted_at.desc())
        .limit(MAX_PER_IP)
        .select(login_attempts::attempted_at)
        .load(conn)?;
    let oldest_blocking = [
        (by_email.len() as i64 >= MAX_PER_EMAIL)
            .then(|| by_email.last().copied())
            .flatten(),
        (by_ip.len() as i64 >= MAX_PER_IP)
            .then(|| by_ip.last().copied())
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .max();
    Ok(oldest_blocking.map(|oldest| {
        let free_at = oldest + Duration::minutes(WINDOW_MINUTES);
        ((free_at - Utc::now()).num_seconds() + 59).max(60) / 60
    }))
}

pub fn record(
    conn: &mut PgConnection,
    email: &str,
    ip: &str,
    succeeded: bool,
) -> QueryResult<usize> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::ip.eq(ip),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)
}

/// Forgets attempts older than a day.
pub fn purge_old(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::attempted_at.lt(Utc::now() - Duration::days(1))),
    )
    .execute(conn)
}
