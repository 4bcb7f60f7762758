//! `public.notifications`: written by any feature, read by the bell and the list page.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::notifications;

/// A notification to send. `link` is a local path.
pub struct NewNotification<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub organization_id: Option<Uuid>,
}

/// Sends one notification to each of `recipients` in a single statement.
pub fn notify(
    conn: &mut PgConnection,
    recipients: &[Uuid],
    notification: &NewNotification,
) -> QueryResult<usize> {
    let title: String = notification.title.chars().take(255).collect();
    let rows: Vec<_> = recipients
        .iter()
        .map(|account_id| {
            (
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
    diesel::insert_into(notifications::table)
        .values(rows)
        .execute(conn)
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
