//! Posts: those of a thread a viewer may see, replies and their publication (counters and
//! notifications), edits, deletion, votes and flags.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::Error::NotFound;
use uuid::Uuid;

use super::categories::recount_category;
use super::threads::{readable_thread, recount_thread};
use crate::db::schema_public::{
    accounts, forum_categories, forum_flags, forum_posts, forum_subscriptions, forum_threads,
    forum_votes, memberships,
};
use crate::forum::access::{self, Access};
use crate::forum::model::{Category, Post, Thread, FLAGS_TO_HIDE};
use crate::forum::Visibility;
use crate::notifications::{notify, NewNotification};

/// A post with its author's name.
#[derive(Debug, Clone)]
pub struct PostRow {
    pub post: Post,
    pub author_name: String,
}

/// The posts of a thread this viewer may see, oldest first. Queued posts are seen by their
/// author and moderators only.
pub fn thread_posts(
    conn: &mut PgConnection,
    access: &Access,
    thread: &Thread,
) -> QueryResult<Vec<PostRow>> {
    let mut query = forum_posts::table
        .inner_join(accounts::table.on(accounts::id.eq(forum_posts::author_id)))
        .filter(forum_posts::thread_id.eq(thread.id))
        .into_boxed();
    if !access.moderates(thread.category_id) {
        let me = access.account_id.unwrap_or_default();
        query = query.filter(
            forum_posts::is_approved
                .eq(true)
                .or(forum_posts::author_id.eq(me)),
        );
    }
    Ok(query
        .order((
            forum_posts::is_opening.desc(),
            forum_posts::created_at,
            forum_posts::id,
        ))
        .select((Post::as_select(), accounts::display_name))
        .load::<(Post, String)>(conn)?
        .into_iter()
        .map(|(post, author_name)| PostRow { post, author_name })
        .collect())
}

/// Which of `post_ids` this account has voted for.
pub fn my_votes(
    conn: &mut PgConnection,
    account_id: Option<Uuid>,
    post_ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let Some(account_id) = account_id else {
        return Ok(Vec::new());
    };
    forum_votes::table
        .filter(forum_votes::account_id.eq(account_id))
        .filter(forum_votes::post_id.eq_any(post_ids))
        .select(forum_votes::post_id)
        .load(conn)
}

pub fn my_flags(
    conn: &mut PgConnection,
    account_id: Option<Uuid>,
    post_ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    let Some(account_id) = account_id else {
        return Ok(Vec::new());
    };
    forum_flags::table
        .filter(forum_flags::account_id.eq(account_id))
        .filter(forum_flags::post_id.eq_any(post_ids))
        .select(forum_flags::post_id)
        .load(conn)
}

/// A post this viewer may see, with its thread and category.
pub fn readable_post(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> QueryResult<(Post, Thread, Category)> {
    let post: Post = forum_posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)?;
    let (thread, category) = readable_thread(conn, access, post.thread_id)?;
    if !post.is_approved && !access.is(post.author_id) && !access.moderates(category.id) {
        return Err(NotFound);
    }
    Ok((post, thread, category))
}

pub struct NewReply<'a> {
    pub thread_id: Uuid,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub body: &'a str,
    pub reply_to_post_id: Option<Uuid>,
    pub approved: bool,
}

/// Adds a reply. Refused (`Ok(None)`) when the thread was locked meanwhile: the lock is
/// checked under the thread's row lock.
pub fn add_reply(conn: &mut PgConnection, new: &NewReply) -> QueryResult<Option<Uuid>> {
    conn.transaction(|conn| {
        let locked: bool = forum_threads::table
            .find(new.thread_id)
            .select(forum_threads::is_locked)
            .for_update()
            .first(conn)?;
        if locked {
            return Ok(None);
        }
        // A quoted post must belong to the same thread.
        let reply_to = match new.reply_to_post_id {
            Some(id) => forum_posts::table
                .find(id)
                .filter(forum_posts::thread_id.eq(new.thread_id))
                .select(forum_posts::id)
                .first::<Uuid>(conn)
                .optional()?,
            None => None,
        };
        let post_id: Uuid = diesel::insert_into(forum_posts::table)
            .values((
                forum_posts::thread_id.eq(new.thread_id),
                forum_posts::author_id.eq(new.author_id),
                forum_posts::is_anonymous.eq(new.is_anonymous),
                forum_posts::body.eq(new.body),
                forum_posts::reply_to_post_id.eq(reply_to),
                forum_posts::is_approved.eq(new.approved),
            ))
            .returning(forum_posts::id)
            .get_result(conn)?;
        if new.approved {
            publish(conn, post_id)?;
        }
        Ok(Some(post_id))
    })
}

/// A post becomes visible to everyone: counters move and watchers are told.
pub fn publish(conn: &mut PgConnection, post_id: Uuid) -> QueryResult<()> {
    let post: Post = forum_posts::table
        .find(post_id)
        .select(Post::as_select())
        .first(conn)?;
    let (category_id, title): (Uuid, String) = forum_threads::table
        .find(post.thread_id)
        .select((forum_threads::category_id, forum_threads::title))
        .first(conn)?;
    recount_thread(conn, post.thread_id)?;
    recount_category(conn, category_id)?;
    let category: Category = forum_categories::table
        .find(category_id)
        .select(Category::as_select())
        .first(conn)?;
    let author = if post.is_anonymous {
        "Anonymous".to_string()
    } else {
        accounts::table
            .find(post.author_id)
            .select(accounts::display_name)
            .first(conn)?
    };
    let link = format!("/forum/t/{}#post-{}", post.thread_id, post.id);
    let (recipients, notification_title, body) = if post.is_opening {
        (
            category_watchers(conn, category_id)?,
            format!("New thread in {}: {title}", category.name),
            format!("{author} started a thread."),
        )
    } else {
        let mut recipients = category_watchers(conn, category_id)?;
        recipients.extend(
            forum_subscriptions::table
                .filter(forum_subscriptions::thread_id.eq(post.thread_id))
                .select(forum_subscriptions::account_id)
                .load::<Uuid>(conn)?,
        );
        (
            recipients,
            format!("New reply: {title}"),
            format!("{author} replied in {}.", category.name),
        )
    };
    let mut recipients = recipients;
    recipients.sort();
    recipients.dedup();
    recipients.retain(|id| *id != post.author_id);
    let recipients = may_read(conn, &category, recipients)?;
    notify(
        conn,
        &recipients,
        &NewNotification {
            kind: "forum_reply",
            title: &notification_title,
            body: &body,
            link: &link,
            organization_id: None,
        },
    )?;
    Ok(())
}

fn category_watchers(conn: &mut PgConnection, category_id: Uuid) -> QueryResult<Vec<Uuid>> {
    forum_subscriptions::table
        .filter(forum_subscriptions::category_id.eq(category_id))
        .select(forum_subscriptions::account_id)
        .load(conn)
}

/// Those of `accounts` who may still read the category: members leave organizations, and only
/// staff memberships open an organization's category.
fn may_read(
    conn: &mut PgConnection,
    category: &Category,
    ids: Vec<Uuid>,
) -> QueryResult<Vec<Uuid>> {
    match (category.visibility, category.organization_id) {
        (Visibility::Organization, Some(org)) => {
            let members: Vec<Uuid> = memberships::table
                .filter(memberships::organization_id.eq(org))
                .filter(memberships::account_id.eq_any(&ids))
                .filter(memberships::role.eq_any(access::staff_roles()))
                .select(memberships::account_id)
                .load(conn)?;
            let admins: Vec<Uuid> = accounts::table
                .filter(accounts::id.eq_any(&ids))
                .filter(accounts::is_platform_admin.eq(true))
                .select(accounts::id)
                .load(conn)?;
            Ok(ids
                .into_iter()
                .filter(|id| members.contains(id) || admins.contains(id))
                .collect())
        }
        _ => Ok(ids),
    }
}

pub struct PostEdit<'a> {
    pub body: &'a str,
    /// For the opening post: the thread's title and equipment.
    pub thread: Option<ThreadEdit<'a>>,
}

pub struct ThreadEdit<'a> {
    pub title: &'a str,
    pub equipment_manufacturer: Option<String>,
    pub equipment_model: Option<String>,
    pub fault_code: Option<String>,
    pub tags: Vec<String>,
}

pub fn edit_post(conn: &mut PgConnection, post: &Post, edit: &PostEdit) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(forum_posts::table.find(post.id))
            .set((
                forum_posts::body.eq(edit.body),
                forum_posts::edited_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        if let Some(thread) = &edit.thread {
            diesel::update(forum_threads::table.find(post.thread_id))
                .set((
                    forum_threads::title.eq(thread.title),
                    forum_threads::equipment_manufacturer.eq(&thread.equipment_manufacturer),
                    forum_threads::equipment_model.eq(&thread.equipment_model),
                    forum_threads::fault_code.eq(&thread.fault_code),
                    forum_threads::tags.eq(thread
                        .tags
                        .iter()
                        .map(|t| Some(t.clone()))
                        .collect::<Vec<_>>()),
                    forum_threads::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
        }
        recount_thread(conn, post.thread_id)
    })
}

/// Soft deletion: the post stays as a "[deleted]" placeholder so the thread reads on.
pub fn delete_post(
    conn: &mut PgConnection,
    post: &Post,
    category_id: Uuid,
    by: Uuid,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(forum_posts::table.find(post.id))
            .set((
                forum_posts::deleted_at.eq(Utc::now()),
                forum_posts::moderated_by.eq(by),
                forum_posts::moderated_at.eq(Utc::now()),
            ))
            .execute(conn)?;
        diesel::update(
            forum_threads::table
                .find(post.thread_id)
                .filter(forum_threads::accepted_post_id.eq(post.id)),
        )
        .set(forum_threads::accepted_post_id.eq(None::<Uuid>))
        .execute(conn)?;
        recount_thread(conn, post.thread_id)?;
        recount_category(conn, category_id)
    })
}

/// Records or withdraws this account's up-vote; returns the post's new count. The primary key
/// makes a second vote by the same account a no-op, and the count only moves when a row did.
pub fn set_vote(
    conn: &mut PgConnection,
    post_id: Uuid,
    account_id: Uuid,
    up: bool,
) -> QueryResult<i32> {
    conn.transaction(|conn| {
        let changed = if up {
            diesel::insert_into(forum_votes::table)
                .values((
                    forum_votes::post_id.eq(post_id),
                    forum_votes::account_id.eq(account_id),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?
        } else {
            diesel::delete(
                forum_votes::table
                    .filter(forum_votes::post_id.eq(post_id))
                    .filter(forum_votes::account_id.eq(account_id)),
            )
            .execute(conn)?
        };
        let delta = match (changed, up) {
            (0, _) => 0,
            (_, true) => 1,
            (_, false) => -1,
        };
        let (count, thread_id, is_opening): (i32, Uuid, bool) =
            diesel::update(forum_posts::table.find(post_id))
                .set(forum_posts::upvote_count.eq(forum_posts::upvote_count + delta))
                .returning((
                    forum_posts::upvote_count,
                    forum_posts::thread_id,
                    forum_posts::is_opening,
                ))
                .get_result(conn)?;
        if is_opening && delta != 0 {
            diesel::update(forum_threads::table.find(thread_id))
                .set(forum_threads::upvote_count.eq(forum_threads::upvote_count + delta))
                .execute(conn)?;
        }
        Ok(count)
    })
}

/// Records a flag (once per account); the post is hidden once enough accounts flagged it.
pub fn flag_post(
    conn: &mut PgConnection,
    post: &Post,
    account_id: Uuid,
    reason: &str,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let added = diesel::insert_into(forum_flags::table)
            .values((
                forum_flags::post_id.eq(post.id),
                forum_flags::account_id.eq(account_id),
                forum_flags::reason.eq(reason),
            ))
            .on_conflict((forum_flags::post_id, forum_flags::account_id))
            .do_nothing()
            .execute(conn)?;
        if added == 0 {
            return Ok(false);
        }
        let (flags, hidden): (i32, bool) = diesel::update(forum_posts::table.find(post.id))
            .set((
                forum_posts::flag_count.eq(forum_posts::flag_count + 1),
                forum_posts::is_hidden
                    .eq(forum_posts::is_hidden.or(forum_posts::flag_count.ge(FLAGS_TO_HIDE - 1))),
            ))
            .returning((forum_posts::flag_count, forum_posts::is_hidden))
            .get_result(conn)?;
        if hidden && flags == FLAGS_TO_HIDE {
            recount_thread(conn, post.thread_id)?;
        }
        Ok(true)
    })
}
