//! Watching a thread or a category: being told of what is posted there.

use diesel::PgConnection;
use uuid::Uuid;

use super::{actor, ForumError};
use crate::forum::access::Access;
use crate::forum::model::Category;
use crate::forum::queries::{categories, subscriptions, threads};

/// Starts (`on`) or stops watching a thread one may read.
pub fn watch_thread(
    conn: &mut PgConnection,
    access: &Access,
    thread_id: Uuid,
    on: bool,
) -> Result<(), ForumError> {
    let me = actor(access)?;
    let (thread, _) = threads::readable_thread(conn, access, thread_id)?;
    Ok(subscriptions::watch_thread(conn, me, thread.id, on)?)
}

/// Starts (`on`) or stops watching the category at `slug`; answers the category.
pub fn watch_category(
    conn: &mut PgConnection,
    access: &Access,
    slug: &str,
    on: bool,
) -> Result<Category, ForumError> {
    let me = actor(access)?;
    let category = categories::category_by_slug(conn, access, slug)?;
    subscriptions::watch_category(conn, me, category.id, on)?;
    Ok(category)
}
