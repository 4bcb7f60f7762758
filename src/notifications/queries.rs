//! `public.notifications`: written by any feature, read by the bell and the list page.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::jobs::RouteNotifications;
use crate::db::schema_public::notifications;
use crate::live::{self, Event};

/// A notification to send. `link` is a local path.
pub struct NewNotification<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub organization_id: Option<Uuid>,
}

/// Sends one notification to each of `recipients` in a single statement, and enqueues the
/// job that emails those whose recipients want it (see [`RouteNotifications`]).
pub fn notify(
    conn: &mut PgConnection,
    recipients: &[Uuid],
    notification: &NewNotification,
) -> QueryResult<usize> {
    let title: String = notification.title.chars().take(255).collect();
    // Ids are made here: an organization's role may write notifications but not read them.
    let ids: Vec<Uuid> = recipients.iter().map(|_| Uuid::new_v4()).collect();
    let rows: Vec<_> = recipients
        .iter()
        .zip(&ids)
        .map(|(account_id, id)| {
            (
                notifications::id.eq(*id),
                notifications::account_id.eq(*account_id),
                notifications::organization_id.eq(notification.organization_id),
                notifications::kind.eq(notification.kind),
                notifications::title.eq(&title),
                notifications::body.eq(notification.body),
                notifications::link.eq(notification.link),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    let sent = diesel::insert_into(notifications::table)
        .values(rows)
        .execute(conn)?;
    RouteNotifications::enqueue(conn, &ids)?;
    live::publish(conn, &Event::for_accounts("bell", recipients))?;
    Ok(sent)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub fn unread_count(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

pub fn count(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

pub fn page(
    conn: &mut PgConnection,
    account_id: Uuid,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::account_id.eq(account_id))
        .order((notifications::created_at.desc(), notifications::id))
        .offset(offset)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// Marks one notification read; returns its link, or `None` if it is not this account's.
pub fn mark_read(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<String>> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::account_id.eq(account_id)),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .returning(notifications::link)
    .get_result(conn)
    .optional()
}

pub fn mark_all_read(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .execute(conn)
}

/// Marks read the account's notifications that lead to `link` (a conversation it just read).
pub fn mark_read_by_link(
    conn: &mut PgConnection,
    account_id: Uuid,
    link: &str,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::link.eq(link))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .execute(conn)
}

/// A notification waiting to be routed, with what its email needs.
#[derive(Debug, Clone, QueryableByName)]
pub struct Unrouted {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub account_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub title: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub body: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub link: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub email: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub display_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub is_active: bool,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub chosen: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub organization: Option<String>,
}

/// The notifications among `ids` not routed yet, locked so two workers never email one twice.
pub fn lock_unrouted(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Unrouted>> {
    diesel::sql_query(
        "SELECT n.id, n.account_id, n.kind, n.title, n.body, n.link, a.email, a.display_name, \
           a.is_active, p.delivery AS chosen, o.name AS organization \
         FROM notifications n \
         JOIN accounts a ON a.id = n.account_id \
         LEFT JOIN notification_preferences p ON p.account_id = n.account_id AND p.kind = n.kind \
         LEFT JOIN organizations o ON o.id = n.organization_id \
         WHERE n.id = ANY($1) AND n.delivery IS NULL \
         ORDER BY n.created_at, n.id \
         FOR UPDATE OF n",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
    .load(conn)
}

pub fn set_delivery(
    conn: &mut PgConnection,
    id: Uuid,
    delivery: &str,
    emailed: bool,
) -> QueryResult<()> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::delivery.eq(delivery),
            notifications::emailed_at.eq(emailed.then(Utc::now)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// An account whose daily digest is due at `now`: it has notifications gathered for the
/// digest, it is past 07:00 where the account lives, and no digest went out there today.
#[derive(Debug, Clone, QueryableByName)]
pub struct DigestDue {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub account_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub email: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub display_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub timezone: String,
}

pub fn digests_due(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Vec<DigestDue>> {
    diesel::sql_query(
        "SELECT a.id AS account_id, a.email, a.display_name, a.timezone FROM accounts a \
         WHERE a.is_active \
           AND EXISTS (SELECT 1 FROM notifications n WHERE n.account_id = a.id \
                       AND n.delivery = 'digest' AND n.emailed_at IS NULL) \
           AND extract(hour FROM $1 AT TIME ZONE a.timezone) >= 7 \
           AND (a.digest_sent_at IS NULL OR (a.digest_sent_at AT TIME ZONE a.timezone)::date \
                < ($1 AT TIME ZONE a.timezone)::date) \
         ORDER BY a.id \
         FOR UPDATE OF a SKIP LOCKED",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .load(conn)
}

/// What the digests of `accounts` gather, each account's oldest first, in one query.
pub fn digest_items(
    conn: &mut PgConnection,
    accounts: &[Uuid],
) -> QueryResult<Vec<(Uuid, Notification)>> {
    notifications::table
        .filter(notifications::account_id.eq_any(accounts))
        .filter(notifications::delivery.eq("digest"))
        .filter(notifications::emailed_at.is_null())
        .order((
            notifications::account_id,
            notifications::created_at,
            notifications::id,
        ))
        .select((notifications::account_id, Notification::as_select()))
        .load(conn)
}

/// Marks the digests of `accounts` sent, with `items` in them.
pub fn digests_sent(
    conn: &mut PgConnection,
    accounts: &[Uuid],
    items: &[Uuid],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    use crate::db::schema_public::accounts as a;
    diesel::update(notifications::table.filter(notifications::id.eq_any(items)))
        .set(notifications::emailed_at.eq(now))
        .execute(conn)?;
    diesel::update(a::table.filter(a::id.eq_any(accounts)))
        .set(a::digest_sent_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// The choices `account_id` made, kind and delivery.
pub fn preferences(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema_public::notification_preferences as p;
    p::table
        .filter(p::account_id.eq(account_id))
        .select((p::kind, p::delivery))
        .load(conn)
}

pub fn set_preference(
    conn: &mut PgConnection,
    account_id: Uuid,
    kind: &str,
    delivery: &str,
) -> QueryResult<()> {
    use crate::db::schema_public::notification_preferences as p;
    diesel::insert_into(p::table)
        .values((
            p::account_id.eq(account_id),
            p::kind.eq(kind),
            p::delivery.eq(delivery),
        ))
        .on_conflict((p::account_id, p::kind))
        .do_update()
        .set((p::delivery.eq(delivery), p::updated_at.eq(Utc::now())))
        .execute(conn)
        .map(|_| ())
}
