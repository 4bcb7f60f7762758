//! Moderation: approving queued posts, keeping flagged ones, pinning, locking, featuring,
//! deleting and moving threads, and the queue of posts waiting for a moderator.

use std::collections::HashMap;

use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::categories::recount_category;
use super::posts::publish;
use super::threads::recount_thread;
use crate::db::schema_public::{accounts, forum_flags, forum_posts, forum_threads};
use crate::forum::access::Access;
use crate::forum::model::{Category, Post, Thread};

/// A moderator keeps a flagged post: flags cleared, shown again.
pub fn restore_post(conn: &mut PgConnection, post: &Post, by: Uuid) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(forum_flags::table.filter(forum_flags::post_id.eq(post.id)))
            .execute(conn)?;
        diesel::update(forum_posts::table.find(post.id))
            .set((
                forum_posts::flag_count.eq(0),
                forum_posts::is_hidden.eq(false),
                forum_posts::moderated_by.eq(by),
                forum_posts::moderated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        recount_thread(conn, post.thread_id)
    })
}

/// A moderator lets a queued post (and, for an opening post, its thread) through.
pub fn approve_post(conn: &mut PgConnection, post: &Post, by: Uuid) -> QueryResult<()> {
    conn.transaction(|conn| {
        let updated = diesel::update(
            forum_posts::table
                .find(post.id)
                .filter(forum_posts::is_approved.eq(false)),
        )
        .set((
            forum_posts::is_approved.eq(true),
            forum_posts::moderated_by.eq(by),
            forum_posts::moderated_at.eq(Utc::now()),
            // Time in the queue does not count: the post is new to its readers now.
            forum_posts::created_at.eq(Utc::now()),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Ok(());
        }
        if post.is_opening {
            diesel::update(forum_threads::table.find(post.thread_id))
                .set(forum_threads::is_approved.eq(true))
                .execute(conn)?;
        }
        publish(conn, post.id)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    Pin(bool),
    Lock(bool),
    Feature(bool),
    Delete,
}

impl ThreadAction {
    pub fn parse(raw: &str) -> Option<ThreadAction> {
        Some(match raw {
            "pin" => ThreadAction::Pin(true),
            "unpin" => ThreadAction::Pin(false),
            "lock" => ThreadAction::Lock(true),
            "unlock" => ThreadAction::Lock(false),
            "feature" => ThreadAction::Feature(true),
            "unfeature" => ThreadAction::Feature(false),
            "delete" => ThreadAction::Delete,
            _ => return None,
        })
    }

    pub fn done(self) -> &'static str {
        match self {
            ThreadAction::Pin(true) => "The thread is pinned.",
            ThreadAction::Pin(false) => "The thread is no longer pinned.",
            ThreadAction::Lock(true) => "The thread is locked: no more replies.",
            ThreadAction::Lock(false) => "The thread is open for replies again.",
            ThreadAction::Feature(true) => "The thread is featured.",
            ThreadAction::Feature(false) => "The thread is no longer featured.",
            ThreadAction::Delete => "The thread was deleted.",
        }
    }
}

pub fn moderate_thread(
    conn: &mut PgConnection,
    thread: &Thread,
    action: ThreadAction,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        let target = forum_threads::table.find(thread.id);
        let now = Utc::now();
        match action {
            ThreadAction::Pin(on) => diesel::update(target)
                .set((
                    forum_threads::is_pinned.eq(on),
                    forum_threads::updated_at.eq(now),
                ))
                .execute(conn)?,
            ThreadAction::Lock(on) => diesel::update(target)
                .set((
                    forum_threads::is_locked.eq(on),
                    forum_threads::updated_at.eq(now),
                ))
                .execute(conn)?,
            ThreadAction::Feature(on) => diesel::update(target)
                .set((
                    forum_threads::is_featured.eq(on),
                    forum_threads::updated_at.eq(now),
                ))
                .execute(conn)?,
            ThreadAction::Delete => {
                diesel::update(target)
                    .set(forum_threads::deleted_at.eq(now))
                    .execute(conn)?;
                recount_category(conn, thread.category_id)?;
                0
            }
        };
        Ok(())
    })
}

/// Moves a thread to another category; both categories' counters follow.
pub fn move_thread(conn: &mut PgConnection, thread: &Thread, to: Uuid) -> QueryResult<()> {
    conn.transaction(|conn| {
        forum_threads::table
            .find(thread.id)
            .select(forum_threads::id)
            .for_update()
            .first::<Uuid>(conn)?;
        diesel::update(forum_threads::table.find(thread.id))
            .set(forum_threads::category_id.eq(to))
            .execute(conn)?;
        // A fixed order of category locks, so two moves in opposite directions cannot deadlock.
        let mut ids = [thread.category_id, to];
        ids.sort();
        for id in ids {
            recount_category(conn, id)?;
        }
        Ok(())
    })
}

/// A post waiting for a moderator: queued, or flagged.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub post: Post,
    pub author_name: String,
    pub thread_title: String,
    pub category_name: String,
    pub reasons: Vec<String>,
}

pub fn review_queue(
    conn: &mut PgConnection,
    access: &Access,
    categories: &[Category],
) -> QueryResult<Vec<ReviewItem>> {
    let mine: Vec<Uuid> = categories
        .iter()
        .filter(|c| access.moderates(c.id))
        .map(|c| c.id)
        .collect();
    let rows: Vec<(Post, String, String, Uuid)> = forum_posts::table
        .inner_join(forum_threads::table.on(forum_threads::id.eq(forum_posts::thread_id)))
        .inner_join(accounts::table.on(accounts::id.eq(forum_posts::author_id)))
        .filter(forum_threads::category_id.eq_any(&mine))
        .filter(forum_threads::deleted_at.is_null())
        .filter(forum_posts::deleted_at.is_null())
        .filter(
            forum_posts::is_approved
                .eq(false)
                .or(forum_posts::flag_count.gt(0)),
        )
        .order(forum_posts::created_at)
        .limit(200)
        .select((
            Post::as_select(),
            accounts::display_name,
            forum_threads::title,
            forum_threads::category_id,
        ))
        .load(conn)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0.id).collect();
    let mut reasons: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (post_id, reason) in forum_flags::table
        .filter(forum_flags::post_id.eq_any(&ids))
        .order(forum_flags::created_at)
        .select((forum_flags::post_id, forum_flags::reason))
        .load::<(Uuid, String)>(conn)?
    {
        reasons.entry(post_id).or_default().push(reason);
    }
    let names: HashMap<Uuid, &str> = categories.iter().map(|c| (c.id, c.name.as_str())).collect();
    Ok(rows
        .into_iter()
        .map(
            |(post, author_name, thread_title, category_id)| ReviewItem {
                reasons: reasons.remove(&post.id).unwrap_or_default(),
                category_name: names
                    .get(&category_id)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                post,
                author_name,
                thread_title,
            },
        )
        .collect())
}
