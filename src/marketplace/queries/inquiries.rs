//! Inquiries: one thread per listing and asking account, and its messages.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use uuid::Uuid;

use super::listings::Listing;
use crate::db::schema_public::{
    accounts, marketplace_inquiries, marketplace_inquiry_messages, marketplace_listings,
    organizations,
};

#[derive(Debug, Clone, Queryable)]
pub struct Inquiry {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub seller_org_id: Uuid,
    pub buyer_account_id: Uuid,
    pub last_message_at: DateTime<Utc>,
    pub part_number: String,
    pub part_name: String,
    pub seller_name: String,
    pub buyer_name: String,
}

fn inquiry_select() -> (
    marketplace_inquiries::id,
    marketplace_inquiries::listing_id,
    marketplace_inquiries::seller_org_id,
    marketplace_inquiries::buyer_account_id,
    marketplace_inquiries::last_message_at,
    marketplace_listings::part_number,
    marketplace_listings::part_name,
    organizations::name,
    accounts::display_name,
) {
    (
        marketplace_inquiries::id,
        marketplace_inquiries::listing_id,
        marketplace_inquiries::seller_org_id,
        marketplace_inquiries::buyer_account_id,
        marketplace_inquiries::last_message_at,
        marketplace_listings::part_number,
        marketplace_listings::part_name,
        organizations::name,
        accounts::display_name,
    )
}

/// Adds a question to the asker's thread on this listing, starting the thread if needed.
/// Returns the thread and whether it is new.
pub fn ask(
    conn: &mut PgConnection,
    listing: &Listing,
    buyer_account_id: Uuid,
    body: &str,
) -> QueryResult<(Uuid, bool)> {
    let existing = marketplace_inquiries::table
        .filter(marketplace_inquiries::listing_id.eq(listing.id))
        .filter(marketplace_inquiries::buyer_account_id.eq(buyer_account_id))
        .select(marketplace_inquiries::id)
        .first::<Uuid>(conn)
        .optional()?;
    let (inquiry_id, new) = match existing {
        Some(id) => (id, false),
        None => {
            let id = diesel::insert_into(marketplace_inquiries::table)
                .values((
                    marketplace_inquiries::listing_id.eq(listing.id),
                    marketplace_inquiries::seller_org_id.eq(listing.seller_org_id),
                    marketplace_inquiries::buyer_account_id.eq(buyer_account_id),
                ))
                .on_conflict((
                    marketplace_inquiries::listing_id,
                    marketplace_inquiries::buyer_account_id,
                ))
                .do_update()
                .set(marketplace_inquiries::last_message_at.eq(Utc::now()))
                .returning(marketplace_inquiries::id)
                .get_result(conn)?;
            diesel::update(
                marketplace_listings::table.filter(marketplace_listings::id.eq(listing.id)),
            )
            .set(marketplace_listings::inquiry_count.eq(marketplace_listings::inquiry_count + 1))
            .execute(conn)?;
            (id, true)
        }
    };
    add_message(conn, inquiry_id, buyer_account_id, false, body)?;
    Ok((inquiry_id, new))
}

pub fn add_message(
    conn: &mut PgConnection,
    inquiry_id: Uuid,
    author_account_id: Uuid,
    from_seller: bool,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(marketplace_inquiry_messages::table)
        .values((
            marketplace_inquiry_messages::inquiry_id.eq(inquiry_id),
            marketplace_inquiry_messages::author_account_id.eq(author_account_id),
            marketplace_inquiry_messages::from_seller.eq(from_seller),
            marketplace_inquiry_messages::body.eq(body),
        ))
        .execute(conn)?;
    diesel::update(marketplace_inquiries::table.filter(marketplace_inquiries::id.eq(inquiry_id)))
        .set(marketplace_inquiries::last_message_at.eq(Utc::now()))
        .execute(conn)?;
    Ok(())
}

pub fn find_inquiry(conn: &mut PgConnection, inquiry_id: Uuid) -> QueryResult<Inquiry> {
    marketplace_inquiries::table
        .inner_join(marketplace_listings::table)
        .inner_join(
            organizations::table.on(organizations::id.eq(marketplace_inquiries::seller_org_id)),
        )
        .inner_join(accounts::table.on(accounts::id.eq(marketplace_inquiries::buyer_account_id)))
        .filter(marketplace_inquiries::id.eq(inquiry_id))
        .select(inquiry_select())
        .first(conn)
}

#[derive(Debug, Clone, Queryable)]
pub struct Message {
    pub author_name: String,
    pub from_seller: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn messages(conn: &mut PgConnection, inquiry_id: Uuid) -> QueryResult<Vec<Message>> {
    marketplace_inquiry_messages::table
        .inner_join(accounts::table)
        .filter(marketplace_inquiry_messages::inquiry_id.eq(inquiry_id))
        .order(marketplace_inquiry_messages::created_at)
        .select((
            accounts::display_name,
            marketplace_inquiry_messages::from_seller,
            marketplace_inquiry_messages::body,
            marketplace_inquiry_messages::created_at,
        ))
        .load(conn)
}

/// Threads this account asked, or that were asked of its organizations.
fn inbox_query<'a>(
    account_id: Uuid,
    org_ids: &'a [Uuid],
) -> marketplace_inquiries::BoxedQuery<'a, Pg> {
    marketplace_inquiries::table
        .filter(
            marketplace_inquiries::buyer_account_id
                .eq(account_id)
                .or(marketplace_inquiries::seller_org_id.eq_any(org_ids)),
        )
        .into_boxed()
}

pub fn inbox_count(
    conn: &mut PgConnection,
    account_id: Uuid,
    org_ids: &[Uuid],
) -> QueryResult<i64> {
    inbox_query(account_id, org_ids).count().get_result(conn)
}

pub fn inbox(
    conn: &mut PgConnection,
    account_id: Uuid,
    org_ids: &[Uuid],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Inquiry>> {
    marketplace_inquiries::table
        .inner_join(marketplace_listings::table)
        .inner_join(
            organizations::table.on(organizations::id.eq(marketplace_inquiries::seller_org_id)),
        )
        .inner_join(accounts::table.on(accounts::id.eq(marketplace_inquiries::buyer_account_id)))
        .filter(
            marketplace_inquiries::buyer_account_id
                .eq(account_id)
                .or(marketplace_inquiries::seller_org_id.eq_any(org_ids)),
        )
        .order((
            marketplace_inquiries::last_message_at.desc(),
            marketplace_inquiries::id,
        ))
        .offset(offset)
        .limit(limit)
        .select(inquiry_select())
        .load(conn)
}
