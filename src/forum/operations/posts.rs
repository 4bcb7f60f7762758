//! What is done to one post: editing it, deleting it, voting for it and flagging it.

use diesel::PgConnection;
use uuid::Uuid;

use super::{actor, refuse_invalid, ForumError};
use crate::forum::access::Access;
use crate::forum::forms::{EditForm, FlagForm};
use crate::forum::model::{Post, Thread};
use crate::forum::queries::posts::{self, PostEdit};

/// A post its author may still edit, with its thread.
pub fn editable_post(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
) -> Result<(Post, Thread), ForumError> {
    actor(access)?;
    let (post, thread, _) = posts::readable_post(conn, access, post_id)?;
    if !access.is(post.author_id) {
        return Err(ForumError::NotAllowed("You can edit your own posts only."));
    }
    if post.deleted_at.is_some() {
        return Err(ForumError::NotFound);
    }
    Ok((post, thread))
}

/// Edits one's own post; the opening post carries the thread's title, equipment and tags too.
/// Answers the thread's id.
pub fn edit_post(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
    form: &EditForm,
) -> Result<Uuid, ForumError> {
    let (post, thread) = editable_post(conn, access, post_id)?;
    let (thread_edit, errors) = form.validate(post.is_opening);
    refuse_invalid(errors)?;
    posts::edit_post(
        conn,
        &post,
        &PostEdit {
            body: form.body.trim(),
            thread: thread_edit,
        },
    )?;
    Ok(thread.id)
}

/// Deletes a post (its author or a moderator), leaving a placeholder; deleting it again
/// changes nothing. Answers the thread's id.
pub fn delete_post(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
) -> Result<Uuid, ForumError> {
    let me = actor(access)?;
    let (post, thread, category) = posts::readable_post(conn, access, post_id)?;
    if !access.is(post.author_id) && !access.moderates(category.id) {
        return Err(ForumError::NotAllowed(
            "Only the author or a moderator can delete a post.",
        ));
    }
    if post.deleted_at.is_none() {
        posts::delete_post(conn, &post, category.id, me)?;
    }
    Ok(thread.id)
}

/// A post's vote count after a vote, and its thread.
#[derive(Debug, Clone, Copy)]
pub struct Voted {
    pub count: i32,
    pub thread_id: Uuid,
}

/// Votes for someone else's visible post (`up`), or withdraws the vote. Each account counts
/// once however often it votes.
pub fn vote(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
    up: bool,
) -> Result<Voted, ForumError> {
    let me = actor(access)?;
    let (post, thread, _) = posts::readable_post(conn, access, post_id)?;
    if post.author_id == me {
        return Err(ForumError::NotAllowed("You cannot vote for your own post."));
    }
    if post.deleted_at.is_some() || !post.is_approved {
        return Err(ForumError::Conflict("This post takes no votes."));
    }
    Ok(Voted {
        count: posts::set_vote(conn, post.id, me, up)?,
        thread_id: thread.id,
    })
}

/// Flags someone else's post for the moderators, once per account; enough flags from
/// different accounts hide it until a moderator reviews it. Answers the thread's id.
pub fn flag(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
    form: &FlagForm,
) -> Result<Uuid, ForumError> {
    let me = actor(access)?;
    let reason = form.validate().map_err(ForumError::Invalid)?;
    let (post, thread, _) = posts::readable_post(conn, access, post_id)?;
    if post.author_id == me {
        return Err(ForumError::NotAllowed("You cannot flag your own post."));
    }
    posts::flag_post(conn, &post, me, &reason)?;
    Ok(thread.id)
}
