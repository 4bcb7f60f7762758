//! Sign-in and sign-up throttling.
//!
//! Wrong passwords for one email slow further attempts with a pause that grows: after the fifth
//! failure within 15 minutes, 1 minute; then 2, 4, 8 and at most 15. The pause is on the email,
//! so guessing from many addresses does not help — and so that a stranger's guesses cannot lock
//! the real person out, the right password from a browser the account has signed in from before
//! (a known device) passes it.
//!
//! One address is paused only when it fails for many *different* emails (20 within 15
//! minutes: someone trying a list of accounts), so an office where several people share one
//! address and mistype now and then is never locked; a known device passes this pause too.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};

use crate::db::schema_public::login_attempts;

pub const WINDOW_MINUTES: i64 = 15;
/// Failures for one email before the first pause.
pub const MAX_PER_EMAIL: i64 = 5;
/// Different emails failing from one address before that address is paused.
pub const MAX_EMAILS_PER_IP: i64 = 20;
/// Accounts one address may create in an hour.
pub const SIGN_UPS_PER_IP_PER_HOUR: i64 = 10;

/// How long an email is paused after `failures` failures within the window.
fn pause_after(failures: i64) -> Duration {
    if failures < MAX_PER_EMAIL {
        return Duration::zero();
    }
    let doublings = (failures - MAX_PER_EMAIL).min(4) as u32;
    Duration::minutes((1i64 << doublings).min(WINDOW_MINUTES))
}

#[derive(QueryableByName)]
struct Failures {
    #[diesel(sql_type = BigInt)]
    email_failures: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    email_latest: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    ip_emails: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    ip_latest: Option<DateTime<Utc>>,
}

/// Whole minutes left until `until`, at least one.
fn minutes_until(until: DateTime<Utc>) -> i64 {
    ((until - Utc::now()).num_seconds() + 59).max(60) / 60
}

/// `Some(minutes to wait)` when this email or address is paused. `known_device`: the browser
/// has signed in to this email's account before, which passes both pauses.
pub fn paused_for(
    conn: &mut PgConnection,
    email: &str,
    ip: &str,
    known_device: bool,
) -> QueryResult<Option<i64>> {
    if known_device {
        return Ok(None);
    }
    // Failures since the email's last success: a right password starts the count afresh.
    let failures: Failures = diesel::sql_query(
        "WITH recent AS (SELECT email, ip, succeeded, attempted_at FROM login_attempts \
           WHERE attempted_at > now() - make_interval(mins => $3) AND (email = $1 OR ip = $2)), \
         last_success AS (SELECT max(attempted_at) AS at FROM recent WHERE email = $1 AND succeeded) \
         SELECT \
           count(*) FILTER (WHERE email = $1 AND NOT succeeded \
             AND attempted_at > coalesce((SELECT at FROM last_success), '-infinity')) AS email_failures, \
           max(attempted_at) FILTER (WHERE email = $1 AND NOT succeeded) AS email_latest, \
           count(DISTINCT email) FILTER (WHERE ip = $2 AND NOT succeeded) AS ip_emails, \
           max(attempted_at) FILTER (WHERE ip = $2 AND NOT succeeded) AS ip_latest \
         FROM recent",
    )
    .bind::<Text, _>(email)
    .bind::<Text, _>(ip)
    .bind::<diesel::sql_types::Integer, _>(WINDOW_MINUTES as i32)
    .get_result(conn)?;
    let email_until = failures
        .email_latest
        .map(|latest| latest + pause_after(failures.email_failures))
        .filter(|until| *until > Utc::now());
    let ip_until = failures
        .ip_latest
        .filter(|_| failures.ip_emails >= MAX_EMAILS_PER_IP)
        .map(|latest| latest + Duration::minutes(WINDOW_MINUTES));
    Ok(email_until
        .into_iter()
        .chain(ip_until)
        .max()
        .map(minutes_until))
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

/// `Some(minutes to wait)` when this address has created too many accounts in the last hour.
pub fn sign_ups_paused_for(conn: &mut PgConnection, ip: &str) -> QueryResult<Option<i64>> {
    hourly_pause(
        conn,
        "account_created",
        By::Ip(ip),
        SIGN_UPS_PER_IP_PER_HOUR,
    )
}

/// Whose security events an hourly limit counts.
pub enum By<'a> {
    Ip(&'a str),
    Email(&'a str),
}

/// `Some(minutes to wait)` when `limit` events of `event` by the same address (or for the
/// same email) happened in the last hour: until the oldest of them is an hour old.
pub fn hourly_pause(
    conn: &mut PgConnection,
    event: &str,
    by: By,
    limit: i64,
) -> QueryResult<Option<i64>> {
    use crate::db::schema_public::security_events as e;
    let recent = e::table
        .filter(e::event_type.eq(event))
        .filter(e::occurred_at.gt(Utc::now() - Duration::hours(1)))
        .order(e::occurred_at.desc())
        .limit(limit)
        .select(e::occurred_at)
        .into_boxed();
    let recent: Vec<DateTime<Utc>> = match by {
        By::Ip(ip) => recent.filter(e::ip.eq(ip)).load(conn)?,
        By::Email(email) => recent.filter(e::email.eq(email)).load(conn)?,
    };
    Ok((recent.len() as i64 >= limit)
        .then(|| recent.last().copied())
        .flatten()
        .map(|oldest| minutes_until(oldest + Duration::hours(1))))
}

/// Forgets attempts older than a day.
pub fn purge_old(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::attempted_at.lt(Utc::now() - Duration::days(1))),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::{pause_after, Duration};

    #[test]
    fn the_pause_grows_with_each_failure_up_to_the_window() {
        let minutes: Vec<i64> = (4..=11).map(|n| pause_after(n).num_minutes()).collect();
        assert_eq!(minutes, vec![0, 1, 2, 4, 8, 15, 15, 15]);
        assert_eq!(pause_after(0), Duration::zero());
    }
}
