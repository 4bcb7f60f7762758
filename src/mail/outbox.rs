//! Reads and writes of `public.outbox_messages`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

use super::{header_text, Email};

/// Inserts a pending message; returns its id.
pub fn insert(conn: &mut PgConnection, email: &Email) -> QueryResult<Uuid> {
    // The id is made here rather than returned: an organization's role may write the outbox
    // but not read it back.
    let id = Uuid::new_v4();
    let headers = serde_json::to_value(&email.content.headers).unwrap_or_default();
    diesel::sql_query(
        "INSERT INTO outbox_messages (id, kind, to_address, to_name, subject, body_text, \
           body_html, headers, account_id, organization_id, correlation_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(email.kind)
    .bind::<Text, _>(email.to_address)
    .bind::<Nullable<Text>, _>(email.to_name.map(header_text))
    .bind::<Text, _>(header_text(&email.content.subject))
    .bind::<Text, _>(&email.content.text)
    .bind::<Text, _>(&email.content.html)
    .bind::<Jsonb, _>(headers)
    .bind::<Nullable<SqlUuid>, _>(email.account_id)
    .bind::<Nullable<SqlUuid>, _>(email.organization_id)
    .bind::<Nullable<Text>, _>(email.correlation_id.as_deref())
    .execute(conn)?;
    Ok(id)
}

/// A message as the outbox keeps it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Message {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub to_address: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub to_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Text)]
    pub body_text: String,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = Jsonb)]
    pub headers: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub correlation_id: Option<String>,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub completed_at: Option<DateTime<Utc>>,
}

impl Message {
    /// Extra headers (List-Unsubscribe…), name and value.
    pub fn extra_headers(&self) -> Vec<(String, String)> {
        self.headers
            .as_object()
            .map(|headers| {
                headers
                    .iter()
                    .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

const COLUMNS: &str = "id, kind, status, to_address, to_name, subject, body_text, body_html, \
    headers, correlation_id, attempts, last_error, created_at, completed_at";

/// The message, locked until the transaction ends so two workers never send it at once.
pub fn lock(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Message>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM outbox_messages WHERE id = $1 FOR UPDATE"
    ))
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()
}

/// [`lock`] for several messages in one statement.
pub fn lock_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Message>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM outbox_messages WHERE id = ANY($1) ORDER BY id FOR UPDATE"
    ))
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(ids)
    .load(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Message>> {
    diesel::sql_query(format!(
        "SELECT {COLUMNS} FROM outbox_messages WHERE id = $1"
    ))
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .optional()
}

/// Handed to the transport: completed.
pub fn mark_completed(conn: &mut PgConnection, id: Uuid) -> QueryResult<()> {
    mark_all_completed(conn, &[id])
}

/// [`mark_completed`] for several messages in one statement.
pub fn mark_all_completed(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE outbox_messages SET status = 'completed', attempts = attempts + 1, \
           last_error = NULL, dispatched_at = now(), completed_at = now() WHERE id = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<SqlUuid>, _>(ids)
    .execute(conn)
    .map(|_| ())
}

/// The transport refused it: `failed` (tried again) or `dead`.
pub fn mark_failed(conn: &mut PgConnection, id: Uuid, error: &str, dead: bool) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE outbox_messages SET status = CASE WHEN $3 THEN 'dead' ELSE 'failed' END, \
           attempts = attempts + 1, last_error = $2 WHERE id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(error)
    .bind::<diesel::sql_types::Bool, _>(dead)
    .execute(conn)
    .map(|_| ())
}

/// Back to pending, for an administrator's "send again"; `false` unless it failed or died.
pub fn mark_pending(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    diesel::sql_query(
        "UPDATE outbox_messages SET status = 'pending' WHERE id = $1 \
         AND status IN ('failed', 'dead')",
    )
    .bind::<SqlUuid, _>(id)
    .execute(conn)
    .map(|n| n == 1)
}

/// One line of the admin list.
#[derive(Debug, Clone, QueryableByName)]
pub struct Listed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub to_address: String,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Newest first, optionally of one status.
pub fn list(
    conn: &mut PgConnection,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Listed>> {
    diesel::sql_query(
        "SELECT id, kind, status, to_address, subject, attempts, created_at FROM outbox_messages \
         WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id LIMIT $2 OFFSET $3",
    )
    .bind::<Nullable<Text>, _>(status)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
}

pub fn count(conn: &mut PgConnection, status: Option<&str>) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(
        "SELECT count(*) AS n FROM outbox_messages WHERE ($1::text IS NULL OR status = $1)",
    )
    .bind::<Nullable<Text>, _>(status)
    .get_result::<Count>(conn)
    .map(|c| c.n)
}
