//! The rules of conversations: who may open, read and write in one, what a message may carry,
//! who hears of it. Every check goes through [`context::may_take_part`]; an account that may not
//! take part finds nothing (404), whatever id it tries.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use super::context::{self, Context, Standing};
use super::queries::{self, Conversation, File, Message, NewFile, NewThread, Participant};
use crate::attachments::files::Accepted;
use crate::attachments::operations::put_file;
use crate::auth::identity::SignedIn;
use crate::auth::roles::{Permission, Role};
use crate::live::{self, Event};
use crate::marketplace::traders::Trader;
use crate::notifications::{notify, NewNotification};
use crate::storage::{FileStore, StorageError};
use crate::web::pagination::Pagination;
use crate::web::AppError;

/// Messages shown at once; older ones a page back.
pub const PAGE: i64 = 50;
pub const MAX_MESSAGE_CHARS: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    /// Not there, or not this account's to see.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for ConversationError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => ConversationError::NotFound,
            other => ConversationError::Database(other),
        }
    }
}

impl From<ConversationError> for AppError {
    fn from(e: ConversationError) -> Self {
        match e {
            ConversationError::NotFound => AppError::NotFound,
            ConversationError::Refused(why) => AppError::Forbidden(why),
            ConversationError::Storage(e) => e.into(),
            ConversationError::Database(e) => AppError::internal(e),
        }
    }
}

/// The account's role in `organization`, from the memberships it signed in with.
fn role_in(account: &SignedIn, organization: Option<Uuid>) -> Option<Role> {
    let organization = organization?;
    account
        .memberships
        .iter()
        .find(|m| m.org.id == organization && !m.suspended)
        .map(|m| m.role)
}

fn standing(account: &SignedIn, conversation: &Conversation, party: bool) -> Standing {
    Standing {
        role: role_in(account, conversation.organization_id),
        party,
    }
}

fn participant_standing(participant: &Participant) -> Standing {
    Standing {
        role: participant.role.as_deref().and_then(Role::parse),
        party: participant.party,
    }
}

/// The conversation, if `account` may take part in it.
fn entered(
    conn: &mut PgConnection,
    account: &SignedIn,
    id: Uuid,
) -> Result<(Conversation, bool), ConversationError> {
    let conversation = queries::find(conn, id)?;
    let participation = queries::participation(conn, id, account.id)?;
    let party = participation.unwrap_or(false);
    if context::may_take_part(
        conversation.context(),
        standing(account, &conversation, party),
    ) {
        Ok((conversation, participation.is_some()))
    } else {
        Err(ConversationError::NotFound)
    }
}

/// Who a context's thread is between, as the context's own pages found it.
#[derive(Debug, Clone, Copy)]
pub enum Sides {
    /// A work order: its organization's staff, and its assignee (a party when from outside).
    WorkOrder { assignee: Option<Uuid> },
    /// A fault report: the managers, and the accounts of the tenant who reported it.
    FaultReport {
        tenant: Option<Uuid>,
        by_tenant: bool,
    },
    /// A job application: the hiring members, and the applicant.
    JobApplication { applicant: Uuid, by_applicant: bool },
}

/// Opens (or finds) the thread of a context the caller has checked `opener` may see, and
/// puts its sides on it, so each hears of the messages; returns its id.
pub fn open_thread(
    conn: &mut PgConnection,
    opener: Uuid,
    new: &NewThread,
    sides: Sides,
) -> Result<Uuid, ConversationError> {
    use crate::members::queries as members;
    conn.transaction(|conn| {
        let id = queries::thread_of(conn, new)?;
        let org = new.organization_id;
        let (opener_is_party, parties, others) = match sides {
            Sides::WorkOrder { assignee } => {
                let mut parties = Vec::new();
                let mut others = Vec::new();
                if let Some(assignee) = assignee {
                    if members::role_of(conn, org, assignee)?.is_some() {
                        others.push(assignee);
                    } else {
                        parties.push(assignee);
                    }
                }
                (false, parties, others)
            }
            Sides::FaultReport { tenant, by_tenant } => {
                let parties = match tenant {
                    Some(tenant) => members::tenant_accounts(conn, org, tenant)?,
                    None => Vec::new(),
                };
                let managers = if by_tenant {
                    members::with_permission(conn, org, Permission::ManageServiceRequests)?
                } else {
                    Vec::new()
                };
                (by_tenant, parties, managers)
            }
            Sides::JobApplication {
                applicant,
                by_applicant,
            } => {
                let hiring = if by_applicant {
                    members::with_permission(conn, org, Permission::Hire)?
                } else {
                    Vec::new()
                };
                (by_applicant, vec![applicant], hiring)
            }
        };
        queries::join(conn, id, &[opener], opener_is_party)?;
        queries::join(conn, id, &parties, true)?;
        queries::join(conn, id, &others, false)?;
        Ok(id)
    })
}

/// A conversation as one of its people sees it.
pub struct Thread {
    pub conversation: Conversation,
    pub participants: Vec<Participant>,
    pub messages: Vec<Message>,
    pub files: HashMap<Uuid, Vec<File>>,
    /// The oldest message shown, when there are older ones to page back to.
    pub earlier_than: Option<Uuid>,
    /// Where its context is shown to this account.
    pub context_link: String,
}

/// Reads a conversation (the newest page, or the page before message `before`) and marks it
/// read. Reading a context's thread one may take part in puts one on it, to hear of replies.
pub fn read(
    conn: &mut PgConnection,
    account: &SignedIn,
    id: Uuid,
    before: Option<Uuid>,
) -> Result<Thread, ConversationError> {
    conn.transaction(|conn| {
        let (conversation, on_it) = entered(conn, account, id)?;
        if !on_it {
            queries::join(conn, id, &[account.id], false)?;
        }
        let before_time = match before {
            Some(message) => {
                Some(queries::message_time(conn, id, message)?.ok_or(ConversationError::NotFound)?)
            }
            None => None,
        };
        let mut messages = queries::messages(conn, id, before_time, PAGE + 1)?;
        let earlier_than = if messages.len() as i64 > PAGE {
            messages.remove(0);
            messages.first().map(|m| m.id)
        } else {
            None
        };
        let ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
        let mut files: HashMap<Uuid, Vec<File>> = HashMap::new();
        for file in queries::files_of(conn, &ids)? {
            files.entry(file.message_id).or_default().push(file);
        }
        let newly_read = before.is_none() && queries::mark_read(conn, id, account.id)?;
        let participants = queries::participants(conn, &conversation)?;
        if newly_read {
            seen(conn, &conversation, &participants, account.id)?;
        }
        let context_link = context_link(account, &conversation);
        Ok(Thread {
            conversation,
            participants,
            messages,
            files,
            earlier_than,
            context_link,
        })
    })
}

/// The account saw the newest messages: the others' read receipts and its own header change,
/// and its notifications of this conversation are read too.
fn seen(
    conn: &mut PgConnection,
    conversation: &Conversation,
    participants: &[Participant],
    account: Uuid,
) -> Result<(), ConversationError> {
    let others: Vec<Uuid> = participants
        .iter()
        .map(|p| p.account_id)
        .filter(|p| *p != account)
        .collect();
    live::publish(conn, &thread_event(conversation.id, &others))?;
    live::publish(conn, &Event::for_accounts("inbox", &[account]))?;
    if crate::notifications::queries::mark_read_by_link(
        conn,
        account,
        &thread_path(conversation.id),
    )? > 0
    {
        live::publish(conn, &Event::for_accounts("bell", &[account]))?;
    }
    Ok(())
}

pub fn thread_path(id: Uuid) -> String {
    format!("/messages/{id}")
}

fn thread_event(id: Uuid, accounts: &[Uuid]) -> Event {
    Event::for_accounts(format!("conversation-{id}"), accounts)
}

fn context_link(account: &SignedIn, conversation: &Conversation) -> String {
    let by_role = context::may_take_part(
        conversation.context(),
        standing(account, conversation, false),
    );
    if by_role {
        conversation.member_link.clone()
    } else {
        conversation.party_link.clone()
    }
}

/// Checks a message before anything is stored: its text, or at least a file.
pub fn check_message(body: &str, has_files: bool) -> Result<String, String> {
    let body = body.trim();
    if body.is_empty() && !has_files {
        Err("Write a message or attach a file.".into())
    } else if body.chars().count() > MAX_MESSAGE_CHARS {
        Err(format!(
            "A message may be at most {MAX_MESSAGE_CHARS} characters long (this one has {}).",
            body.chars().count()
        ))
    } else {
        Ok(body.to_string())
    }
}

/// Whether `account` may write in conversation `id` (checked before an upload is read).
pub fn check_may_write(
    conn: &mut PgConnection,
    account: &SignedIn,
    id: Uuid,
) -> Result<(), ConversationError> {
    entered(conn, account, id).map(|_| ())
}

/// Writes a message (checked with [`check_message`]) with its files; everyone else on the
/// conversation who may still take part hears of it. Returns the message's id.
pub fn post(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    account: &SignedIn,
    id: Uuid,
    body: &str,
    files: &[Accepted],
) -> Result<Uuid, ConversationError> {
    let mut stored = Vec::new();
    let outcome = conn.transaction(|conn| {
        let (conversation, on_it) = entered(conn, account, id)?;
        if !on_it {
            queries::join(conn, id, &[account.id], false)?;
        }
        let message = queries::insert_message(conn, id, account.id, body)?;
        for file in files {
            let file_id = Uuid::new_v4();
            let folder = format!("conversations/{id}");
            let (key, thumbnail_key) = put_file(store, &folder, file_id, file, &mut stored)?;
            queries::insert_file(
                conn,
                &NewFile {
                    id: file_id,
                    message_id: message,
                    conversation_id: id,
                    file_name: &file.file_name,
                    content_type: file.kind.content_type(),
                    byte_size: i32::try_from(file.bytes.len()).unwrap_or(i32::MAX),
                    storage_key: &key,
                    thumbnail_key: thumbnail_key.as_deref(),
                },
            )?;
        }
        queries::mark_read(conn, id, account.id)?;
        tell_the_others(conn, account, &conversation, body, files.len())?;
        Ok(message)
    });
    if outcome.is_err() {
        for key in &stored {
            let _ = store.delete(key);
        }
    }
    outcome
}

fn tell_the_others(
    conn: &mut PgConnection,
    author: &SignedIn,
    conversation: &Conversation,
    body: &str,
    file_count: usize,
) -> Result<(), ConversationError> {
    let context = conversation.context();
    let recipients: Vec<Uuid> = queries::participants(conn, conversation)?
        .iter()
        .filter(|p| p.account_id != author.id)
        .filter(|p| context::may_take_part(context, participant_standing(p)))
        .map(|p| p.account_id)
        .collect();
    let title = if context == Context::Direct {
        format!("{} sent you a message", author.display_name)
    } else {
        format!(
            "{} wrote about {}",
            author.display_name, conversation.subject
        )
    };
    let excerpt: String = if body.is_empty() {
        match file_count {
            1 => "Sent a file.".into(),
            n => format!("Sent {n} files."),
        }
    } else {
        body.chars().take(300).collect()
    };
    notify(
        conn,
        &recipients,
        &NewNotification {
            kind: "message",
            title: &title,
            body: &excerpt,
            link: &thread_path(conversation.id),
            organization_id: conversation.organization_id,
        },
    )?;
    let mut everyone = recipients.clone();
    everyone.push(author.id);
    live::publish(conn, &thread_event(conversation.id, &everyone))?;
    live::publish(conn, &Event::for_accounts("inbox", &recipients))?;
    Ok(())
}

/// The roles of those a tenant may write to: whoever handles fault reports.
pub fn triage_roles() -> Vec<&'static str> {
    Permission::ManageServiceRequests.role_names()
}

/// Who `account` may start a direct conversation with.
pub fn contacts(
    conn: &mut PgConnection,
    account: &SignedIn,
) -> Result<Vec<queries::Contact>, ConversationError> {
    Ok(queries::contacts(conn, account.id, &triage_roles())?)
}

/// Writes to `to` directly, in the one conversation the two have (opened if need be);
/// returns the conversation's id. Only someone among [`contacts`] may be written to.
pub fn write_directly(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    account: &SignedIn,
    to: Uuid,
    body: &str,
    files: &[Accepted],
) -> Result<Uuid, ConversationError> {
    conn.transaction(|conn| {
        if !contacts(conn, account)?.iter().any(|c| c.id == to) {
            return Err(ConversationError::Refused(
                "You can write only to people you share an organization with.".into(),
            ));
        }
        let id = queries::direct_between(conn, account.id, to)?;
        queries::join(conn, id, &[account.id, to], true)?;
        post(conn, store, account, id, body, files)?;
        Ok(id)
    })
}

/// File `file_id` of conversation `id`, for someone who may take part in it.
pub fn file(
    conn: &mut PgConnection,
    account: &SignedIn,
    id: Uuid,
    file_id: Uuid,
) -> Result<File, ConversationError> {
    entered(conn, account, id)?;
    Ok(queries::file(conn, id, file_id)?)
}

/// Conversations on one page of the inbox.
pub const INBOX_PAGE: i64 = 30;
/// Marketplace inquiries shown beside them, on the first page.
const INQUIRIES_SHOWN: i64 = 5;

/// One page of the account's inbox.
pub struct Inbox {
    /// Its conversations, leaving out those it may no longer take part in.
    pub rows: Vec<queries::InboxRow>,
    pub pagination: Pagination,
    /// The latest marketplace inquiries it asked or answers, on the first page.
    pub inquiries: Vec<crate::marketplace::queries::Inquiry>,
}

pub fn inbox(
    conn: &mut PgConnection,
    account: &SignedIn,
    page: Option<i64>,
) -> Result<Inbox, ConversationError> {
    let total = queries::inbox_count(conn, account.id)?;
    let pagination = Pagination::new("/messages", page, INBOX_PAGE, total);
    let rows = queries::inbox(conn, account.id, pagination.offset(), INBOX_PAGE)?
        .into_iter()
        .filter(|row| {
            let context = Context::parse(&row.context_type).unwrap_or(Context::Direct);
            let standing = Standing {
                role: role_in(account, row.organization_id),
                party: row.party,
            };
            context::may_take_part(context, standing)
        })
        .collect();
    let inquiries = if pagination.page == 1 {
        crate::marketplace::queries::inbox(
            conn,
            account.id,
            &Trader::of(account).trading_org_ids(),
            0,
            INQUIRIES_SHOWN,
        )?
    } else {
        Vec::new()
    };
    Ok(Inbox {
        rows,
        pagination,
        inquiries,
    })
}
