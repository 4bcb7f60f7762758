//! Watching threads and categories (the notifications follow from these rows).

use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use uuid::Uuid;

use crate::db::schema_public::forum_subscriptions;

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
