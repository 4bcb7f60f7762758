//! Categories: the list a viewer may read, the platform admins' writes, moderators, and the
//! category counters.

use std::collections::HashMap;

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::Error::NotFound;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use crate::db::schema_public::{
    accounts, forum_categories, forum_category_moderators, forum_threads, organizations,
};
use crate::forum::access::{self, Access};
use crate::forum::model::Category;
use crate::forum::{Scope, Visibility};

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
) -> QueryResult<Category> {
    visible_categories(conn, access)?
        .into_iter()
        .find(|c| c.slug == slug)
        .ok_or(NotFound)
}

pub fn readable_category(
    conn: &mut PgConnection,
    access: &Access,
    id: Uuid,
) -> QueryResult<Category> {
    visible_categories(conn, access)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(NotFound)
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

/// Top-level categories other than `except`: where a category may go (two levels only).
pub fn possible_parents(all: &[Category], except: Option<Uuid>) -> Vec<Category> {
    all.iter()
        .filter(|c| c.parent_id.is_none() && Some(c.id) != except)
        .cloned()
        .collect()
}
