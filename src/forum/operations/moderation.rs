//! A moderator's work: pinning, locking, featuring, deleting and moving threads, and deciding
//! on queued or flagged posts.

use diesel::PgConnection;
use uuid::Uuid;

use super::{actor, ForumError};
use crate::forum::access::Access;
use crate::forum::model::Category;
use crate::forum::queries::moderation::{self, ReviewItem, ThreadAction};
use crate::forum::queries::{categories, posts, threads};

const MODERATORS_ONLY: &str = "Only this category's moderators can do that.";

/// Pins, locks, features (or undoes these) or deletes a thread. Answers its category, where a
/// deleted thread's reader goes next.
pub fn moderate_thread(
    conn: &mut PgConnection,
    access: &Access,
    thread_id: Uuid,
    action: ThreadAction,
) -> Result<Category, ForumError> {
    actor(access)?;
    let (thread, category) = threads::readable_thread(conn, access, thread_id)?;
    if !access.moderates(category.id) {
        return Err(ForumError::NotAllowed(MODERATORS_ONLY));
    }
    moderation::moderate_thread(conn, &thread, action)?;
    Ok(category)
}

/// Moves a thread to another category; moving needs moderator rights in both. Answers the
/// category it is in now.
pub fn move_thread(
    conn: &mut PgConnection,
    access: &Access,
    thread_id: Uuid,
    to: Uuid,
) -> Result<Category, ForumError> {
    actor(access)?;
    let (thread, category) = threads::readable_thread(conn, access, thread_id)?;
    let target = categories::readable_category(conn, access, to)?;
    if !access.moderates(category.id) || !access.moderates(target.id) {
        return Err(ForumError::NotAllowed(
            "Moving needs moderator rights in both categories.",
        ));
    }
    if target.id != category.id {
        moderation::move_thread(conn, &thread, target.id)?;
    }
    Ok(target)
}

/// A moderator's decision on a queued or flagged post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// A queued post (and, for an opening post, its thread) becomes visible.
    Approve,
    /// The flags are dismissed and the post is shown again.
    Restore,
    Delete,
}

impl Review {
    pub fn parse(raw: &str) -> Option<Review> {
        match raw {
            "approve" => Some(Review::Approve),
            "restore" => Some(Review::Restore),
            "delete" => Some(Review::Delete),
            _ => None,
        }
    }

    pub fn done(self) -> &'static str {
        match self {
            Review::Approve => "The post is approved and visible to everyone.",
            Review::Restore => "The flags were dismissed and the post is shown again.",
            Review::Delete => "The post was deleted.",
        }
    }
}

pub fn review_post(
    conn: &mut PgConnection,
    access: &Access,
    post_id: Uuid,
    decision: Review,
) -> Result<(), ForumError> {
    let me = actor(access)?;
    let (post, _, category) = posts::readable_post(conn, access, post_id)?;
    if !access.moderates(category.id) {
        return Err(ForumError::NotAllowed(MODERATORS_ONLY));
    }
    match decision {
        Review::Approve => moderation::approve_post(conn, &post, me)?,
        Review::Restore => moderation::restore_post(conn, &post, me)?,
        Review::Delete => posts::delete_post(conn, &post, category.id, me)?,
    }
    Ok(())
}

/// The posts waiting for this moderator, over the categories they moderate; nothing at all
/// for someone who moderates nowhere.
pub fn queue(conn: &mut PgConnection, access: &Access) -> Result<Vec<ReviewItem>, ForumError> {
    if !access.is_moderator() {
        return Err(ForumError::NotFound);
    }
    let categories = categories::visible_categories(conn, access)?;
    Ok(moderation::review_queue(conn, access, &categories)?)
}
