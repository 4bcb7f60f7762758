//! Conversations' rows (`public.conversations` and the tables beside it).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid, Varchar};
use uuid::Uuid;

use super::context::Context;
use crate::db::schema_public::{
    accounts, conversation_files, conversation_messages, conversation_participants, conversations,
    memberships,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Conversation {
    pub id: Uuid,
    pub context_type: String,
    pub organization_id: Option<Uuid>,
    pub context_id: Option<Uuid>,
    pub subject: String,
    pub member_link: String,
    pub party_link: String,
    pub last_message_at: Option<DateTime<Utc>>,
    pub message_count: i32,
}

impl Conversation {
    pub fn context(&self) -> Context {
        Context::parse(&self.context_type).unwrap_or(Context::Direct)
    }
}

/// A context's thread about to be opened.
pub struct NewThread<'a> {
    pub context: Context,
    pub organization_id: Uuid,
    pub context_id: Uuid,
    pub subject: &'a str,
    pub member_link: &'a str,
    pub party_link: &'a str,
    pub created_by: Uuid,
}

/// The thread of a context, opened if it was not yet (two people opening it at once get one).
pub fn thread_of(conn: &mut PgConnection, new: &NewThread) -> QueryResult<Uuid> {
    let subject: String = new.subject.chars().take(200).collect();
    diesel::insert_into(conversations::table)
        .values((
            conversations::context_type.eq(new.context.as_str()),
            conversations::organization_id.eq(new.organization_id),
            conversations::context_id.eq(new.context_id),
            conversations::subject.eq(&subject),
            conversations::member_link.eq(new.member_link),
            conversations::party_link.eq(new.party_link),
            conversations::created_by.eq(new.created_by),
        ))
        .on_conflict((conversations::context_type, conversations::context_id))
        .do_nothing()
        .execute(conn)?;
    conversations::table
        .filter(conversations::context_type.eq(new.context.as_str()))
        .filter(conversations::context_id.eq(new.context_id))
        .select(conversations::id)
        .first(conn)
}

/// The one direct conversation of two accounts, opened if it was not yet.
pub fn direct_between(conn: &mut PgConnection, from: Uuid, to: Uuid) -> QueryResult<Uuid> {
    let key = if from < to {
        format!("{from}:{to}")
    } else {
        format!("{to}:{from}")
    };
    diesel::insert_into(conversations::table)
        .values((
            conversations::context_type.eq(Context::Direct.as_str()),
            conversations::direct_key.eq(&key),
            conversations::created_by.eq(from),
        ))
        .on_conflict(conversations::direct_key)
        .do_nothing()
        .execute(conn)?;
    conversations::table
        .filter(conversations::direct_key.eq(&key))
        .select(conversations::id)
        .first(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Conversation> {
    conversations::table
        .find(id)
        .select(Conversation::as_select())
        .first(conn)
}

/// Puts accounts on a conversation; one already on it becomes a party if `party` says so.
pub fn join(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    accounts: &[Uuid],
    party: bool,
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    let rows: Vec<_> = accounts
        .iter()
        .map(|account| {
            (
                conversation_participants::conversation_id.eq(conversation_id),
                conversation_participants::account_id.eq(*account),
                conversation_participants::party.eq(party),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let insert = diesel::insert_into(conversation_participants::table)
        .values(rows)
        .on_conflict((
            conversation_participants::conversation_id,
            conversation_participants::account_id,
        ));
    if party {
        insert
            .do_update()
            .set(conversation_participants::party.eq(excluded(conversation_participants::party)))
            .execute(conn)?;
    } else {
        insert.do_nothing().execute(conn)?;
    }
    Ok(())
}

/// Whether the account is on the conversation, and as a party.
pub fn participation(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    account_id: Uuid,
) -> QueryResult<Option<bool>> {
    conversation_participants::table
        .find((conversation_id, account_id))
        .select(conversation_participants::party)
        .first(conn)
        .optional()
}

/// Marks everything in the conversation read by the account; whether anything was unread.
pub fn mark_read(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    account_id: Uuid,
) -> QueryResult<bool> {
    let changed = diesel::sql_query(
        "UPDATE conversation_participants p SET last_read_at = now() \
         FROM conversations c \
         WHERE c.id = p.conversation_id AND p.conversation_id = $1 AND p.account_id = $2 \
           AND c.last_message_at IS NOT NULL \
           AND (p.last_read_at IS NULL OR p.last_read_at < c.last_message_at)",
    )
    .bind::<SqlUuid, _>(conversation_id)
    .bind::<SqlUuid, _>(account_id)
    .execute(conn)?;
    Ok(changed > 0)
}

/// Someone on a conversation, with how they stand in its organization.
#[derive(Debug, Clone, Queryable)]
pub struct Participant {
    pub account_id: Uuid,
    pub display_name: String,
    pub party: bool,
    pub last_read_at: Option<DateTime<Utc>>,
    /// Their role in the conversation's organization, if a member.
    pub role: Option<String>,
}

pub fn participants(
    conn: &mut PgConnection,
    conversation: &Conversation,
) -> QueryResult<Vec<Participant>> {
    conversation_participants::table
        .inner_join(accounts::table)
        .left_join(
            memberships::table.on(memberships::account_id
                .eq(conversation_participants::account_id)
                .and(
                    memberships::organization_id
                        .nullable()
                        .eq(conversation.organization_id),
                )),
        )
        .filter(conversation_participants::conversation_id.eq(conversation.id))
        .filter(accounts::is_active)
        .order(accounts::display_name)
        .select((
            conversation_participants::account_id,
            accounts::display_name,
            conversation_participants::party,
            conversation_participants::last_read_at,
            memberships::role.nullable(),
        ))
        .load(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Message {
    pub id: Uuid,
    pub author_account_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Up to `limit` messages before `before` (the newest when `None`), oldest first.
pub fn messages(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> QueryResult<Vec<Message>> {
    let mut query = conversation_messages::table
        .inner_join(accounts::table)
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(conversation_messages::created_at.lt(before));
    }
    let mut newest_first: Vec<Message> = query
        .order((
            conversation_messages::created_at.desc(),
            conversation_messages::id.desc(),
        ))
        .limit(limit)
        .select((
            conversation_messages::id,
            conversation_messages::author_account_id,
            accounts::display_name,
            conversation_messages::body,
            conversation_messages::created_at,
        ))
        .load(conn)?;
    newest_first.reverse();
    Ok(newest_first)
}

/// When a message of this conversation was written (to page back from it).
pub fn message_time(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    message_id: Uuid,
) -> QueryResult<Option<DateTime<Utc>>> {
    conversation_messages::table
        .filter(conversation_messages::conversation_id.eq(conversation_id))
        .filter(conversation_messages::id.eq(message_id))
        .select(conversation_messages::created_at)
        .first(conn)
        .optional()
}

/// Adds a message and moves the conversation's last-message time; returns the message's id.
pub fn insert_message(
    conn: &mut PgConnection,
    conversation_id: Uuid,
    author: Uuid,
    body: &str,
) -> QueryResult<Uuid> {
    let id: Uuid = diesel::insert_into(conversation_messages::table)
        .values((
            conversation_messages::conversation_id.eq(conversation_id),
            conversation_messages::author_account_id.eq(author),
            conversation_messages::body.eq(body),
        ))
        .returning(conversation_messages::id)
        .get_result(conn)?;
    diesel::update(conversations::table.find(conversation_id))
        .set((
            conversations::last_message_at.eq(diesel::dsl::now),
            conversations::message_count.eq(conversations::message_count + 1),
        ))
        .execute(conn)?;
    Ok(id)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversation_files)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct File {
    pub id: Uuid,
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i32,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
}

impl File {
    pub fn is_image(&self) -> bool {
        self.thumbnail_key.is_some()
    }
}

#[derive(Insertable)]
#[diesel(table_name = conversation_files)]
pub struct NewFile<'a> {
    pub id: Uuid,
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub byte_size: i32,
    pub storage_key: &'a str,
    pub thumbnail_key: Option<&'a str>,
}

pub fn insert_file(conn: &mut PgConnection, file: &NewFile) -> QueryResult<()> {
    diesel::insert_into(conversation_files::table)
        .values(file)
        .execute(conn)
        .map(|_| ())
}

/// The files of these messages.
pub fn files_of(conn: &mut PgConnection, message_ids: &[Uuid]) -> QueryResult<Vec<File>> {
    conversation_files::table
        .filter(conversation_files::message_id.eq_any(message_ids))
        .order(conversation_files::created_at)
        .select(File::as_select())
        .load(conn)
}

/// File `id` of the conversation (one of another conversation is not found).
pub fn file(conn: &mut PgConnection, conversation_id: Uuid, id: Uuid) -> QueryResult<File> {
    conversation_files::table
        .filter(conversation_files::conversation_id.eq(conversation_id))
        .filter(conversation_files::id.eq(id))
        .select(File::as_select())
        .first(conn)
}

/// One line of the inbox.
#[derive(Debug, Clone, QueryableByName)]
pub struct InboxRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Varchar)]
    pub context_type: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub organization_id: Option<Uuid>,
    #[diesel(sql_type = Varchar)]
    pub subject: String,
    #[diesel(sql_type = Bool)]
    pub party: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_message_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    pub unread: bool,
    /// The other side of a direct conversation.
    #[diesel(sql_type = Nullable<Text>)]
    pub other_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_author: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_excerpt: Option<String>,
}

/// The account's conversations, the latest first (threads with no message yet last).
pub fn inbox(
    conn: &mut PgConnection,
    account_id: Uuid,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<InboxRow>> {
    diesel::sql_query(
        "SELECT c.id, c.context_type, c.organization_id, c.subject, p.party, c.last_message_at, \
           coalesce(c.last_message_at > coalesce(p.last_read_at, '-infinity'), false) AS unread, \
           (SELECT a.display_name FROM conversation_participants o \
              JOIN accounts a ON a.id = o.account_id \
             WHERE c.context_type = 'direct' AND o.conversation_id = c.id \
               AND o.account_id <> p.account_id LIMIT 1)::text AS other_name, \
           last.author AS last_author, last.excerpt AS last_excerpt \
         FROM conversation_participants p \
         JOIN conversations c ON c.id = p.conversation_id \
         LEFT JOIN LATERAL (SELECT a.display_name::text AS author, left(m.body, 140) AS excerpt \
              FROM conversation_messages m JOIN accounts a ON a.id = m.author_account_id \
             WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1) last \
           ON true \
         WHERE p.account_id = $1 \
         ORDER BY c.last_message_at DESC NULLS LAST, c.created_at DESC \
         OFFSET $2 LIMIT $3",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

pub fn inbox_count(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<i64> {
    conversation_participants::table
        .filter(conversation_participants::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

/// Conversations with a message the account has not seen: the header's count when it
/// refreshes (the page itself has it from the session preload, by the same SQL).
pub fn unread_count(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }
    diesel::sql_query(format!("SELECT {} AS value", unread_count_sql("$1")))
        .bind::<SqlUuid, _>(account_id)
        .get_result::<Count>(conn)
        .map(|c| c.value)
}

/// The SQL the session preload counts unread conversations with (see
/// `auth::identity::signed_in_json`); `account` is an SQL expression for the account's id.
pub fn unread_count_sql(account: &str) -> String {
    format!(
        "(SELECT count(*) FROM conversation_participants p \
           JOIN conversations c ON c.id = p.conversation_id \
          WHERE p.account_id = {account} \
            AND c.last_message_at > coalesce(p.last_read_at, '-infinity'))"
    )
}

/// Someone the account may write to directly.
#[derive(Debug, Clone, QueryableByName)]
pub struct Contact {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    /// The organizations they share, for telling two of the same name apart.
    #[diesel(sql_type = Text)]
    pub organizations: String,
}

/// Who the account may write to: the members of the organizations it works in, and in an
/// organization where it is a tenant, those who handle fault reports.
pub fn contacts(
    conn: &mut PgConnection,
    account_id: Uuid,
    triage_roles: &[&str],
) -> QueryResult<Vec<Contact>> {
    diesel::sql_query(
        "SELECT a.id, a.display_name::text AS display_name, \
                string_agg(DISTINCT o.name, ', ' ORDER BY o.name) AS organizations \
         FROM memberships mine \
         JOIN memberships theirs ON theirs.organization_id = mine.organization_id \
         JOIN organizations o ON o.id = mine.organization_id \
         JOIN accounts a ON a.id = theirs.account_id \
         WHERE mine.account_id = $1 AND theirs.account_id <> $1 \
           AND a.is_active AND o.deleted_at IS NULL AND o.suspended_at IS NULL \
           AND (mine.role <> 'tenant' OR theirs.role = ANY($2)) \
         GROUP BY a.id, a.display_name ORDER BY a.display_name",
    )
    .bind::<SqlUuid, _>(account_id)
    .bind::<diesel::sql_types::Array<Text>, _>(triage_roles)
    .load(conn)
}

/// Takes an account off the conversations it held through a membership that is ending.
pub fn leave_organization(
    conn: &mut PgConnection,
    organization_id: Uuid,
    account_id: Uuid,
) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM conversation_participants p USING conversations c \
         WHERE c.id = p.conversation_id AND c.organization_id = $1 AND p.account_id = $2 \
           AND (NOT p.party OR c.context_type = 'service_request')",
    )
    .bind::<SqlUuid, _>(organization_id)
    .bind::<SqlUuid, _>(account_id)
    .execute(conn)
}
