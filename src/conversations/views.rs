//! The inbox, a conversation, writing a new one, and the header's count.

use crate::web::local_time::filters;
use std::collections::HashMap;

use askama::Template;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::context::Context;
use super::operations::Thread;
use super::queries::{Contact, File, InboxRow, Message, Participant};
use crate::marketplace::queries::Inquiry;
use crate::web::pagination::Pagination;
use crate::web::Layout;

#[derive(Template)]
#[template(path = "conversations/count.html")]
pub struct Count {
    pub unread: i64,
}

#[derive(Template)]
#[template(path = "conversations/inbox.html")]
pub struct InboxPage {
    pub layout: Layout,
    pub rows: Vec<InboxRow>,
    pub pagination: Pagination,
    /// The latest marketplace inquiries, on the first page, for those who trade.
    pub inquiries: Vec<Inquiry>,
    pub account_id: Uuid,
}

impl InboxRow {
    pub fn title(&self) -> &str {
        match &self.other_name {
            Some(name) if self.context_type == "direct" => name,
            _ => &self.subject,
        }
    }

    pub fn context_label(&self) -> &'static str {
        Context::parse(&self.context_type)
            .unwrap_or(Context::Direct)
            .label()
    }
}

/// The thread page and its refreshable part share this.
pub struct ThreadView {
    pub id: Uuid,
    pub title: String,
    pub context_label: &'static str,
    pub context_link: String,
    pub people: Vec<Participant>,
    pub messages: Vec<MessageView>,
    pub earlier_than: Option<Uuid>,
    /// Paging back: the newest messages are not on this page.
    pub paged: bool,
    pub viewer: Uuid,
}

pub struct MessageView {
    pub message: Message,
    pub body_html: String,
    pub photos: Vec<File>,
    pub documents: Vec<File>,
    /// On the newest message: who else has seen it.
    pub seen_by: Vec<String>,
}

impl ThreadView {
    pub fn new(thread: Thread, viewer: Uuid, paged: bool) -> ThreadView {
        let Thread {
            conversation,
            participants,
            messages,
            mut files,
            earlier_than,
            context_link,
        } = thread;
        let context = conversation.context();
        let title = if context == Context::Direct {
            let others: Vec<&str> = participants
                .iter()
                .filter(|p| p.account_id != viewer)
                .map(|p| p.display_name.as_str())
                .collect();
            if others.is_empty() {
                "Direct message".to_string()
            } else {
                others.join(", ")
            }
        } else {
            conversation.subject.clone()
        };
        let newest = messages.last().map(|m| (m.id, m.created_at));
        let messages = messages
            .into_iter()
            .map(|message| {
                let (photos, documents) = files
                    .remove(&message.id)
                    .unwrap_or_default()
                    .into_iter()
                    .partition(File::is_image);
                let seen_by = match newest {
                    Some((id, at)) if id == message.id && !paged => {
                        seen_by(&participants, message.author_account_id, at)
                    }
                    _ => Vec::new(),
                };
                MessageView {
                    body_html: crate::web::markdown::render(&message.body),
                    message,
                    photos,
                    documents,
                    seen_by,
                }
            })
            .collect();
        ThreadView {
            id: conversation.id,
            title,
            context_label: context.label(),
            context_link,
            people: participants,
            messages,
            earlier_than,
            paged,
            viewer,
        }
    }
}

/// Who besides the author has read up to a message written at `at`.
fn seen_by(participants: &[Participant], author: Uuid, at: DateTime<Utc>) -> Vec<String> {
    participants
        .iter()
        .filter(|p| p.account_id != author)
        .filter(|p| p.last_read_at.is_some_and(|read| read >= at))
        .map(|p| p.display_name.clone())
        .collect()
}

#[derive(Template)]
#[template(path = "conversations/thread.html")]
pub struct ThreadPage {
    pub layout: Layout,
    pub thread: ThreadView,
    pub message: String,
    pub problem: Option<String>,
}

/// The messages alone, swapped in when the conversation changes.
#[derive(Template)]
#[template(path = "conversations/messages.html")]
pub struct MessagesFragment {
    pub layout: Layout,
    pub thread: ThreadView,
}

#[derive(Template)]
#[template(path = "conversations/new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub contacts: Vec<Contact>,
    pub to: Option<Uuid>,
    pub message: String,
    pub problems: HashMap<&'static str, String>,
}

impl File {
    pub fn size_label(&self) -> String {
        crate::storage::size_label(self.byte_size)
    }
}

impl NewPage {
    pub fn is_to(&self, id: &Uuid) -> bool {
        self.to.as_ref() == Some(id)
    }
}
