//! Threads: lists of a category, one thread as a viewer may read it, starting one, and the
//! thread counters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error::NotFound;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use super::categories::readable_category;
use super::posts::publish;
use super::subscriptions::watch_thread;
use crate::db::schema_public::{accounts, forum_posts, forum_thread_reads, forum_threads};
use crate::forum::access::Access;
use crate::forum::model::{Category, Thread};

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

/// A thread this viewer may read, with its category; anything else is "not found".
pub fn readable_thread(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> QueryResult<(Thread, Category)> {
    let thread: Thread = forum_threads::table
        .find(id)
        .filter(forum_threads::deleted_at.is_null())
        .select(Thread::as_select())
        .first(conn)?;
    let category = readable_category(conn, access, thread.category_id)?;
    if !thread.is_approved && !access.is(thread.author_id) && !access.moderates(category.id) {
        return Err(NotFound);
    }
    Ok((thread, category))
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

pub fn set_accepted(
    conn: &mut PgConnection,
    thread_id: Uuid,
    post_id: Option<Uuid>,
) -> QueryResult<usize> {
    diesel::update(forum_threads::table.find(thread_id))
        .set(forum_threads::accepted_post_id.eq(post_id))
        .execute(conn)
}
