//! The forum's tables: `forum_categories`, `forum_threads`, `forum_posts`, `forum_votes`,
//! `forum_flags`, `forum_subscriptions`, `forum_thread_reads`, `forum_category_moderators`.
//!
//! Counters (replies, threads, posts, last activity) are recomputed by one statement each after
//! the row they summarise is locked, so two writers in the same thread take turns and the second
//! one's recount sees the first one's post. Votes move their count by one in the voting
//! transaction, guarded by the primary key of `forum_votes`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use super::access::{self, Access};
use super::{Scope, Visibility};
use crate::db::schema_public::{
    accounts, forum_categories, forum_category_moderators, forum_flags, forum_posts,
    forum_subscriptions, forum_thread_reads, forum_threads, forum_votes, memberships,
    organizations,
};
use crate::notifications::{notify, NewNotification};
use crate::web::AppError;

/// Flags from this many different accounts hide a post until a moderator reviews it.
pub const FLAGS_TO_HIDE: i32 = 3;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_categories)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Category {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub icon: String,
    pub colour: String,
    pub scope: Scope,
    pub scope_value: Option<String>,
    pub organization_id: Option<Uuid>,
    pub visibility: Visibility,
    pub is_active: bool,
    pub requires_moderation: bool,
    pub allow_anonymous: bool,
    pub display_order: i32,
    pub thread_count: i32,
    pub post_count: i32,
    pub last_post_at: Option<DateTime<Utc>>,
    pub last_thread_id: Option<Uuid>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_threads)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Thread {
    pub id: Uuid,
    pub category_id: Uuid,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub title: String,
    pub equipment_manufacturer: Option<String>,
    pub equipment_model: Option<String>,
    pub fault_code: Option<String>,
    pub tags: Vec<Option<String>>,
    pub is_pinned: bool,
    pub is_featured: bool,
    pub is_locked: bool,
    pub is_approved: bool,
    pub accepted_post_id: Option<Uuid>,
    pub upvote_count: i32,
    pub reply_count: i32,
    pub last_post_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Thread {
    pub fn is_answered(&self) -> bool {
        self.accepted_post_id.is_some()
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().flatten().map(String::as_str).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_posts)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Post {
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub is_opening: bool,
    pub body: String,
    pub reply_to_post_id: Option<Uuid>,
    pub is_approved: bool,
    pub is_hidden: bool,
    pub flag_count: i32,
    pub upvote_count: i32,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// Categories

pub fn all_categories(conn: &mut PgConnection) -> QueryResult<Vec<Category>> {
    forum_categories::table
        .order((
            forum_categories::display_order,
            forum_categories::name,
            forum_categories::id,
        ))
        .select(Category::as_select())
        .load(conn)
}

/// The categories this viewer may read, parents before their children.
pub fn visible_categories(conn: &mut PgConnection, access: &Access) -> QueryResult<Vec<Category>> {
    Ok(access::visible(access, all_categories(conn)?))
}

/// A readable category by slug; anything else is "not found".
pub fn category_by_slug(
    conn: &mut PgConnection,
    access: &Access,
    slug: &str,
) -> Result<Category, AppError> {
    visible_categories(conn, access)?
        .into_iter()
        .find(|c| c.slug == slug)
        .ok_or(AppError::NotFound)
}

pub fn readable_category(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> Result<Category, AppError> {
    visible_categories(conn, access)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = forum_categories)]
#[diesel(treat_none_as_null = true)]
pub struct CategoryWrite {
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub icon: String,
    pub colour: String,
    pub scope: Scope,
    pub scope_value: Option<String>,
    pub organization_id: Option<Uuid>,
    pub visibility: Visibility,
    pub is_active: bool,
    pub requires_moderation: bool,
    pub allow_anonymous: bool,
    pub display_order: i32,
}

pub fn organization_slug(conn: &mut PgConnection, id: Uuid) -> QueryResult<String> {
    organizations::table
        .find(id)
        .select(organizations::slug)
        .first(conn)
}

pub fn slug_taken(conn: &mut PgConnection, slug: &str, except: Option<Uuid>) -> QueryResult<bool> {
    let mut query = forum_categories::table
        .filter(forum_categories::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(forum_categories::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

pub fn insert_category(conn: &mut PgConnection, write: &CategoryWrite) -> QueryResult<Uuid> {
    diesel::insert_into(forum_categories::table)
        .values(write)
        .returning(forum_categories::id)
        .get_result(conn)
}

pub fn update_category(
    conn: &mut PgConnection,
    id: Uuid,
    write: &CategoryWrite,
) -> QueryResult<usize> {
    diesel::update(forum_categories::table.find(id))
        .set((write, forum_categories::updated_at.eq(Utc::now())))
        .execute(conn)
}

/// Swaps a category's place with its neighbour among its siblings (`up` = earlier).
pub fn reorder_category(conn: &mut PgConnection, id: Uuid, up: bool) -> QueryResult<()> {
    conn.transaction(|conn| {
        let all = all_categories(conn)?;
        let Some(me) = all.iter().find(|c| c.id == id) else {
            return Err(diesel::result::Error::NotFound);
        };
        let siblings: Vec<&Category> = all.iter().filter(|c| c.parent_id == me.parent_id).collect();
        let Some(at) = siblings.iter().position(|c| c.id == id) else {
            return Ok(());
        };
        let other = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|i| *i < siblings.len())
        };
        let Some(other) = other else { return Ok(()) };
        // Renumber the siblings in their new order, so equal orders cannot keep them stuck.
        let mut order: Vec<Uuid> = siblings.iter().map(|c| c.id).collect();
        order.swap(at, other);
        for (position, category_id) in order.iter().enumerate() {
            diesel::update(forum_categories::table.find(category_id))
                .set(forum_categories::display_order.eq((position as i32 + 1) * 10))
                .execute(conn)?;
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Queryable)]
pub struct Moderator {
    pub account_id: Uuid,
    pub display_name: String,
    pub email: String,
}

pub fn moderators(conn: &mut PgConnection, category_id: Uuid) -> QueryResult<Vec<Moderator>> {
    forum_category_moderators::table
        .inner_join(accounts::table)
        .filter(forum_category_moderators::category_id.eq(category_id))
        .order(accounts::display_name)
        .select((accounts::id, accounts::display_name, accounts::email))
        .load(conn)
}

pub fn add_moderator(
    conn: &mut PgConnection,
    category_id: Uuid,
    account_id: Uuid,
) -> QueryResult<usize> {
    diesel::insert_into(forum_category_moderators::table)
        .values((
            forum_category_moderators::category_id.eq(category_id),
            forum_category_moderators::account_id.eq(account_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn remove_moderator(
    conn: &mut PgConnection,
    category_id: Uuid,
    account_id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        forum_category_moderators::table
            .filter(forum_category_moderators::category_id.eq(category_id))
            .filter(forum_category_moderators::account_id.eq(account_id)),
    )
    .execute(conn)
}

/// Titles of the threads with the latest activity of each category, in one query.
pub fn thread_titles(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, String>> {
    Ok(forum_threads::table
        .filter(forum_threads::id.eq_any(ids))
        .select((forum_threads::id, forum_threads::title))
        .load::<(Uuid, String)>(conn)?
        .into_iter()
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Thread lists

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Latest,
    Newest,
    Top,
    Unanswered,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Latest, Sort::Newest, Sort::Top, Sort::Unanswered];

    pub fn parse(raw: Option<&str>) -> Sort {
        match raw {
            Some("newest") => Sort::Newest,
            Some("top") => Sort::Top,
            Some("unanswered") => Sort::Unanswered,
            _ => Sort::Latest,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Latest => "latest",
            Sort::Newest => "newest",
            Sort::Top => "top",
            Sort::Unanswered => "unanswered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Latest => "Latest activity",
            Sort::Newest => "Newest",
            Sort::Top => "Most votes",
            Sort::Unanswered => "Unanswered",
        }
    }
}

/// One row of a thread list, with who started it and whether it has news for this viewer.
#[derive(Debug, Clone)]
pub struct ThreadItem {
    pub thread: Thread,
    /// "Anonymous" unless this viewer may know.
    pub author: String,
    pub unread: bool,
}

type ThreadListQuery<'a> = forum_threads::BoxedQuery<'a, diesel::pg::Pg>;

fn listable<'a>(access: &Access, category: &Category) -> ThreadListQuery<'a> {
    let mut query = forum_threads::table
        .filter(forum_threads::category_id.eq(category.id))
        .filter(forum_threads::deleted_at.is_null())
        .into_boxed();
    if !access.moderates(category.id) {
        let me = access.account_id.unwrap_or_default();
        query = query.filter(
            forum_threads::is_approved
                .eq(true)
                .or(forum_threads::author_id.eq(me)),
        );
    }
    query
}

fn with_answered<'a>(query: ThreadListQuery<'a>, answered: Option<bool>) -> ThreadListQuery<'a> {
    match answered {
        Some(true) => query.filter(forum_threads::accepted_post_id.is_not_null()),
        Some(false) => query.filter(forum_threads::accepted_post_id.is_null()),
        None => query,
    }
}

pub fn count_threads(
    conn: &mut PgConnection,
    access: &Access,
    category: &Category,
    sort: Sort,
    answered: Option<bool>,
) -> QueryResult<i64> {
    let answered = if sort == Sort::Unanswered {
        Some(false)
    } else {
        answered
    };
    with_answered(listable(access, category), answered)
        .count()
        .get_result(conn)
}

pub fn list_threads(
    conn: &mut PgConnection,
    access: &Access,
    category: &Category,
    sort: Sort,
    answered: Option<bool>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ThreadItem>> {
    let answered = if sort == Sort::Unanswered {
        Some(false)
    } else {
        answered
    };
    let query = with_answered(listable(access, category), answered);
    let query = match sort {
        Sort::Latest | Sort::Unanswered => query.order((
            forum_threads::is_pinned.desc(),
            forum_threads::last_post_at.desc(),
            forum_threads::id,
        )),
        Sort::Newest => query.order((
            forum_threads::is_pinned.desc(),
            forum_threads::created_at.desc(),
            forum_threads::id,
        )),
        Sort::Top => query.order((
            forum_threads::is_pinned.desc(),
            forum_threads::upvote_count.desc(),
            forum_threads::last_post_at.desc(),
            forum_threads::id,
        )),
    };
    let threads: Vec<Thread> = query
        .offset(offset)
        .limit(limit)
        .select(Thread::as_select())
        .load(conn)?;
    decorate(conn, access, threads)
}

/// Adds author names and unread markers to threads, with one query for each, not one per row.
pub fn decorate(
    conn: &mut PgConnection,
    access: &Access,
    threads: Vec<Thread>,
) -> QueryResult<Vec<ThreadItem>> {
    let ids: Vec<Uuid> = threads.iter().map(|t| t.id).collect();
    let author_ids: Vec<Uuid> = threads.iter().map(|t| t.author_id).collect();
    let names = display_names(conn, &author_ids)?;
    let reads: HashMap<Uuid, DateTime<Utc>> = match access.account_id {
        Some(me) => forum_thread_reads::table
            .filter(forum_thread_reads::account_id.eq(me))
            .filter(forum_thread_reads::thread_id.eq_any(&ids))
            .select((forum_thread_reads::thread_id, forum_thread_reads::read_at))
            .load::<(Uuid, DateTime<Utc>)>(conn)?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    Ok(threads
        .into_iter()
        .map(|thread| {
            let name = names.get(&thread.author_id).cloned().unwrap_or_default();
            let author = author_label(
                access,
                thread.category_id,
                thread.author_id,
                thread.is_anonymous,
                &name,
            );
            let unread = access.signed_in()
                && !access.is(thread.author_id)
                && reads
                    .get(&thread.id)
                    .is_none_or(|read| *read < thread.last_post_at);
            ThreadItem {
                thread,
                author,
                unread,
            }
        })
        .collect())
}

pub fn display_names(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, String>> {
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::display_name))
        .load::<(Uuid, String)>(conn)?
        .into_iter()
        .collect())
}

/// How an author is shown: anonymous posts name their author only to moderators (and to the
/// author), so the name never reaches anyone else's page.
pub fn author_label(
    access: &Access,
    category_id: Uuid,
    author_id: Uuid,
    is_anonymous: bool,
    name: &str,
) -> String {
    if !is_anonymous {
        name.to_string()
    } else if access.moderates(category_id) {
        format!("Anonymous ({name})")
    } else if access.is(author_id) {
        "Anonymous (you)".to_string()
    } else {
        "Anonymous".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// One thread

/// A thread this viewer may read, with its category; anything else is "not found".
pub fn readable_thread(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> Result<(Thread, Category), AppError> {
    let thread: Thread = forum_threads::table
        .find(id)
        .filter(forum_threads::deleted_at.is_null())
        .select(Thread::as_select())
        .first(conn)?;
    let category = readable_category(conn, access, thread.category_id)?;
    if !thread.is_approved && !access.is(thread.author_id) && !access.moderates(category.id) {
        return Err(AppError::NotFound);
    }
    Ok((thread, category))
}

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

pub fn mark_read(conn: &mut PgConnection, account_id: Uuid, thread_id: Uuid) -> QueryResult<usize> {
    diesel::insert_into(forum_thread_reads::table)
        .values((
            forum_thread_reads::account_id.eq(account_id),
            forum_thread_reads::thread_id.eq(thread_id),
            forum_thread_reads::read_at.eq(Utc::now()),
        ))
        .on_conflict((
            forum_thread_reads::account_id,
            forum_thread_reads::thread_id,
        ))
        .do_update()
        .set(forum_thread_reads::read_at.eq(Utc::now()))
        .execute(conn)
}

/// A post this viewer may see, with its thread and category.
pub fn readable_post(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> Result<(Post, Thread, Category), AppError> {
    let post: Post = forum_posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)?;
    let (thread, category) = readable_thread(conn, access, post.thread_id)?;
    if !post.is_approved && !access.is(post.author_id) && !access.moderates(category.id) {
        return Err(AppError::NotFound);
    }
    Ok((post, thread, category))
}

// ---------------------------------------------------------------------------------------------
// Writing

pub struct NewThread<'a> {
    pub category: &'a Category,
    pub author_id: Uuid,
    pub is_anonymous: bool,
    pub title: &'a str,
    pub equipment_manufacturer: Option<String>,
    pub equipment_model: Option<String>,
    pub fault_code: Option<String>,
    pub tags: Vec<String>,
    pub body: &'a str,
    /// False when the post waits in the moderation queue.
    pub approved: bool,
}

/// Creates a thread with its opening post; the author watches it from then on.
pub fn create_thread(conn: &mut PgConnection, new: &NewThread) -> QueryResult<(Uuid, Uuid)> {
    conn.transaction(|conn| {
        let thread_id: Uuid = diesel::insert_into(forum_threads::table)
            .values((
                forum_threads::category_id.eq(new.category.id),
                forum_threads::author_id.eq(new.author_id),
                forum_threads::is_anonymous.eq(new.is_anonymous),
                forum_threads::title.eq(new.title),
                forum_threads::equipment_manufacturer.eq(&new.equipment_manufacturer),
                forum_threads::equipment_model.eq(&new.equipment_model),
                forum_threads::fault_code.eq(&new.fault_code),
                forum_threads::tags.eq(new
                    .tags
                    .iter()
                    .map(|t| Some(t.clone()))
                    .collect::<Vec<_>>()),
                forum_threads::is_approved.eq(new.approved),
            ))
            .returning(forum_threads::id)
            .get_result(conn)?;
        let post_id: Uuid = diesel::insert_into(forum_posts::table)
            .values((
                forum_posts::thread_id.eq(thread_id),
                forum_posts::author_id.eq(new.author_id),
                forum_posts::is_anonymous.eq(new.is_anonymous),
                forum_posts::is_opening.eq(true),
                forum_posts::body.eq(new.body),
                forum_posts::is_approved.eq(new.approved),
            ))
            .returning(forum_posts::id)
            .get_result(conn)?;
        watch_thread(conn, new.author_id, thread_id, true)?;
        if new.approved {
            publish(conn, post_id)?;
        } else {
            recount_thread(conn, thread_id)?;
        }
        Ok((thread_id, post_id))
    })
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

/// Those of `accounts` who may still read the category (members leave organizations).
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

/// Recomputes a thread's reply count, last activity and search text, under its row lock.
pub fn recount_thread(conn: &mut PgConnection, thread_id: Uuid) -> QueryResult<()> {
    forum_threads::table
        .find(thread_id)
        .select(forum_threads::id)
        .for_update()
        .first::<Uuid>(conn)?;
    diesel::sql_query(
        "UPDATE forum_threads t SET \
           reply_count = (SELECT count(*) FROM forum_posts p WHERE p.thread_id = t.id \
               AND NOT p.is_opening AND p.is_approved AND p.deleted_at IS NULL), \
           last_post_at = coalesce((SELECT max(p.created_at) FROM forum_posts p \
               WHERE p.thread_id = t.id AND p.is_approved AND p.deleted_at IS NULL), t.created_at), \
           search_body = coalesce((SELECT string_agg(p.body, E'\\n\\n' ORDER BY p.is_opening DESC, p.created_at) \
               FROM forum_posts p WHERE p.thread_id = t.id AND p.is_approved \
               AND p.deleted_at IS NULL AND NOT p.is_hidden), '') \
         WHERE t.id = $1",
    )
    .bind::<SqlUuid, _>(thread_id)
    .execute(conn)?;
    Ok(())
}

/// Recomputes a category's thread and post counts and latest activity, under its row lock.
pub fn recount_category(conn: &mut PgConnection, category_id: Uuid) -> QueryResult<()> {
    forum_categories::table
        .find(category_id)
        .select(forum_categories::id)
        .for_update()
        .first::<Uuid>(conn)?;
    diesel::sql_query(
        "UPDATE forum_categories c SET \
           thread_count = s.threads, post_count = s.posts, last_post_at = s.latest, \
           last_thread_id = (SELECT t.id FROM forum_threads t WHERE t.category_id = c.id \
               AND t.deleted_at IS NULL AND t.is_approved ORDER BY t.last_post_at DESC LIMIT 1) \
         FROM (SELECT count(*)::int AS threads, coalesce(sum(t.reply_count + 1), 0)::int AS posts, \
                 max(t.last_post_at) AS latest \
               FROM forum_threads t WHERE t.category_id = $1 AND t.deleted_at IS NULL \
               AND t.is_approved) s \
         WHERE c.id = $1",
    )
    .bind::<SqlUuid, _>(category_id)
    .execute(conn)?;
    Ok(())
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

pub fn set_accepted(
    conn: &mut PgConnection,
    thread_id: Uuid,
    post_id: Option<Uuid>,
) -> QueryResult<usize> {
    diesel::update(forum_threads::table.find(thread_id))
        .set(forum_threads::accepted_post_id.eq(post_id))
        .execute(conn)
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

// ---------------------------------------------------------------------------------------------
// Subscriptions

pub fn watch_thread(
    conn: &mut PgConnection,
    account_id: Uuid,
    thread_id: Uuid,
    on: bool,
) -> QueryResult<()> {
    if on {
        diesel::sql_query(
            "INSERT INTO forum_subscriptions (account_id, thread_id) VALUES ($1, $2) \
             ON CONFLICT (thread_id, account_id) WHERE thread_id IS NOT NULL DO NOTHING",
        )
        .bind::<SqlUuid, _>(account_id)
        .bind::<SqlUuid, _>(thread_id)
        .execute(conn)?;
    } else {
        diesel::delete(
            forum_subscriptions::table
                .filter(forum_subscriptions::account_id.eq(account_id))
                .filter(forum_subscriptions::thread_id.eq(thread_id)),
        )
        .execute(conn)?;
    }
    Ok(())
}

pub fn watch_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    category_id: Uuid,
    on: bool,
) -> QueryResult<()> {
    if on {
        diesel::sql_query(
            "INSERT INTO forum_subscriptions (account_id, category_id) VALUES ($1, $2) \
             ON CONFLICT (category_id, account_id) WHERE category_id IS NOT NULL DO NOTHING",
        )
        .bind::<SqlUuid, _>(account_id)
        .bind::<SqlUuid, _>(category_id)
        .execute(conn)?;
    } else {
        diesel::delete(
            forum_subscriptions::table
                .filter(forum_subscriptions::account_id.eq(account_id))
                .filter(forum_subscriptions::category_id.eq(category_id)),
        )
        .execute(conn)?;
    }
    Ok(())
}

pub fn watches_thread(
    conn: &mut PgConnection,
    account_id: Option<Uuid>,
    thread_id: Uuid,
) -> QueryResult<bool> {
    let Some(account_id) = account_id else {
        return Ok(false);
    };
    diesel::select(diesel::dsl::exists(
        forum_subscriptions::table
            .filter(forum_subscriptions::account_id.eq(account_id))
            .filter(forum_subscriptions::thread_id.eq(thread_id)),
    ))
    .get_result(conn)
}

pub fn watches_category(
    conn: &mut PgConnection,
    account_id: Option<Uuid>,
    category_id: Uuid,
) -> QueryResult<bool> {
    let Some(account_id) = account_id else {
        return Ok(false);
    };
    diesel::select(diesel::dsl::exists(
        forum_subscriptions::table
            .filter(forum_subscriptions::account_id.eq(account_id))
            .filter(forum_subscriptions::category_id.eq(category_id)),
    ))
    .get_result(conn)
}

// ---------------------------------------------------------------------------------------------
// Moderation queue

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
