//! Starting a thread, replying to one, and choosing its accepted answer.

use diesel::PgConnection;
use uuid::Uuid;

use super::{actor, refuse_invalid, ForumError};
use crate::forum::access::Access;
use crate::forum::forms::{ReplyForm, ThreadForm};
use crate::forum::queries::categories;
use crate::forum::queries::posts::{self, NewReply};
use crate::forum::queries::threads::{self, NewThread};

/// A new post, and whether it is visible at once or waits in the moderation queue.
#[derive(Debug, Clone, Copy)]
pub struct Posted {
    pub thread_id: Uuid,
    pub post_id: Uuid,
    pub approved: bool,
}

const LOCKED: &str = "This thread is locked: it takes no more replies.";

/// Starts a thread with its opening post in the category at `category_slug`. In a moderated
/// category it waits for a moderator (unless its author moderates there).
pub fn start_thread(
    conn: &mut PgConnection,
    access: &Access,
    category_slug: &str,
    form: &ThreadForm,
) -> Result<Posted, ForumError> {
    let author_id = actor(access)?;
    let category = categories::category_by_slug(conn, access, category_slug)?;
    let (edit, errors) = form.validate();
    refuse_invalid(errors)?;
    let approved = !category.requires_moderation || access.moderates(category.id);
    let (thread_id, post_id) = threads::create_thread(
        conn,
        &NewThread {
            category: &category,
            author_id,
            is_anonymous: form.anonymous() && category.allow_anonymous,
            title: edit.title,
            equipment_manufacturer: edit.equipment_manufacturer.clone(),
            equipment_model: edit.equipment_model.clone(),
            fault_code: edit.fault_code.clone(),
            tags: edit.tags.clone(),
            body: form.body.trim(),
            approved,
        },
    )?;
    Ok(Posted {
        thread_id,
        post_id,
        approved,
    })
}

/// Replies in a thread: refused when it is locked (checked again under the thread's row lock)
/// or still waits for approval itself.
pub fn reply(
    conn: &mut PgConnection,
    access: &Access,
    thread_id: Uuid,
    form: &ReplyForm,
) -> Result<Posted, ForumError> {
    let author_id = actor(access)?;
    let (thread, category) = threads::readable_thread(conn, access, thread_id)?;
    if thread.is_locked {
        return Err(ForumError::NotAllowed(LOCKED));
    }
    if !thread.is_approved {
        return Err(ForumError::Conflict(
            "This thread waits for a moderator's approval; replies can follow once it is approved.",
        ));
    }
    refuse_invalid(form.validate())?;
    let approved = !category.requires_moderation || access.moderates(category.id);
    let post_id = posts::add_reply(
        conn,
        &NewReply {
            thread_id: thread.id,
            author_id,
            is_anonymous: form.anonymous() && category.allow_anonymous,
            body: form.body.trim(),
            reply_to_post_id: form.reply_to(),
            approved,
        },
    )?
    .ok_or(ForumError::NotAllowed(LOCKED))?;
    Ok(Posted {
        thread_id: thread.id,
        post_id,
        approved,
    })
}

/// Marks `post_id` as the thread's accepted answer (`None` withdraws it). Only the thread's
/// author or a moderator chooses; the answer must be a live reply of the same thread. Answers
/// whether the thread now has an accepted answer.
pub fn accept_answer(
    conn: &mut PgConnection,
    access: &Access,
    thread_id: Uuid,
    post_id: Option<Uuid>,
) -> Result<bool, ForumError> {
    actor(access)?;
    let (thread, category) = threads::readable_thread(conn, access, thread_id)?;
    if !access.is(thread.author_id) && !access.moderates(category.id) {
        return Err(ForumError::NotAllowed(
            "Only the thread's author or a moderator can choose the accepted answer.",
        ));
    }
    let accepted = match post_id {
        None => None,
        Some(post_id) => {
            let (post, _, _) = posts::readable_post(conn, access, post_id)?;
            if post.thread_id != thread.id
                || post.is_opening
                || post.deleted_at.is_some()
                || !post.is_approved
                || post.is_hidden
            {
                return Err(ForumError::NotFound);
            }
            Some(post.id)
        }
    };
    threads::set_accepted(conn, thread.id, accepted)?;
    Ok(accepted.is_some())
}
