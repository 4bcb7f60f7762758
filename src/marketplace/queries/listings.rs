//! Listings: writing them, their life (renew, withdraw, expire), finding one, and a seller's own.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::{marketplace_listings, organizations};
use crate::marketplace::lifecycle::{ListingStatus, PartCondition};
use crate::marketplace::money;

/// How long a listing stays up unless renewed.
pub const LISTING_DAYS: i64 = 60;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = marketplace_listings)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Listing {
    pub id: Uuid,
    pub seller_org_id: Uuid,
    pub seller_account_id: Uuid,
    pub part_number: String,
    pub part_name: String,
    pub manufacturer: Option<String>,
    pub model_compatibility: Vec<Option<String>>,
    pub description: String,
    pub condition: PartCondition,
    pub condition_notes: Option<String>,
    pub quantity_available: i32,
    pub unit_price: BigDecimal,
    pub currency: String,
    pub location_city: Option<String>,
    pub location_state: Option<String>,
    pub location_country: String,
    pub shipping_available: bool,
    pub shipping_cost: Option<BigDecimal>,
    pub local_pickup: bool,
    pub status: ListingStatus,
    pub view_count: i32,
    pub inquiry_count: i32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Listing {
    /// Active but past its expiry date counts as expired, whether or not a page has
    /// written that down yet.
    pub fn effective_status(&self) -> ListingStatus {
        if self.status == ListingStatus::Active && self.expires_at <= Utc::now() {
            ListingStatus::Expired
        } else {
            self.status
        }
    }

    pub fn is_buyable(&self) -> bool {
        self.effective_status() == ListingStatus::Active && self.quantity_available > 0
    }

    pub fn price(&self) -> String {
        money::display(&self.unit_price)
    }

    pub fn shipping(&self) -> String {
        money::display(self.shipping_cost.as_ref().unwrap_or(&money::zero()))
    }

    pub fn models(&self) -> String {
        self.model_compatibility
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn location(&self) -> String {
        [&self.location_city, &self.location_state]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a seller types, checked.
#[derive(Debug, Clone)]
pub struct ListingInput {
    pub part_number: String,
    pub part_name: String,
    pub manufacturer: Option<String>,
    pub model_compatibility: Vec<String>,
    pub description: String,
    pub condition: PartCondition,
    pub condition_notes: Option<String>,
    pub quantity_available: i32,
    pub unit_price: BigDecimal,
    pub currency: String,
    pub location_city: Option<String>,
    pub location_state: Option<String>,
    pub location_country: String,
    pub shipping_available: bool,
    pub shipping_cost: Option<BigDecimal>,
    pub local_pickup: bool,
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = marketplace_listings)]
struct ListingWrite<'a> {
    part_number: &'a str,
    part_name: &'a str,
    manufacturer: Option<&'a str>,
    model_compatibility: Vec<Option<String>>,
    description: &'a str,
    condition: PartCondition,
    condition_notes: Option<&'a str>,
    quantity_available: i32,
    unit_price: &'a BigDecimal,
    currency: &'a str,
    location_city: Option<&'a str>,
    location_state: Option<&'a str>,
    location_country: &'a str,
    shipping_available: bool,
    // Cleared when shipping is off, so an old cost cannot linger.
    #[diesel(treat_none_as_null = true)]
    shipping_cost: Option<&'a BigDecimal>,
    local_pickup: bool,
}

impl ListingInput {
    fn write(&self) -> ListingWrite<'_> {
        ListingWrite {
            part_number: &self.part_number,
            part_name: &self.part_name,
            manufacturer: self.manufacturer.as_deref(),
            model_compatibility: self.model_compatibility.iter().cloned().map(Some).collect(),
            description: &self.description,
            condition: self.condition,
            condition_notes: self.condition_notes.as_deref(),
            quantity_available: self.quantity_available,
            unit_price: &self.unit_price,
            currency: &self.currency,
            location_city: self.location_city.as_deref(),
            location_state: self.location_state.as_deref(),
            location_country: &self.location_country,
            shipping_available: self.shipping_available,
            shipping_cost: self
                .shipping_cost
                .as_ref()
                .filter(|_| self.shipping_available),
            local_pickup: self.local_pickup,
        }
    }
}

pub fn insert_listing(
    conn: &mut PgConnection,
    seller_org_id: Uuid,
    seller_account_id: Uuid,
    input: &ListingInput,
) -> QueryResult<Uuid> {
    diesel::insert_into(marketplace_listings::table)
        .values((
            input.write(),
            marketplace_listings::seller_org_id.eq(seller_org_id),
            marketplace_listings::seller_account_id.eq(seller_account_id),
            marketplace_listings::status.eq(if input.quantity_available > 0 {
                ListingStatus::Active
            } else {
                ListingStatus::Sold
            }),
            marketplace_listings::expires_at.eq(Utc::now() + Duration::days(LISTING_DAYS)),
        ))
        .returning(marketplace_listings::id)
        .get_result(conn)
}

/// Edits a listing that is still for sale; `false` when it was sold or withdrawn meanwhile.
pub fn update_listing(
    conn: &mut PgConnection,
    listing_id: Uuid,
    input: &ListingInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        marketplace_listings::table
            .filter(marketplace_listings::id.eq(listing_id))
            .filter(marketplace_listings::status.eq_any([
                ListingStatus::Active,
                ListingStatus::Reserved,
                ListingStatus::Expired,
            ])),
    )
    .set((
        input.write(),
        marketplace_listings::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    if updated == 1 && input.quantity_available == 0 {
        mark_sold_if_empty(conn, listing_id)?;
    }
    Ok(updated == 1)
}

/// Marks the listing sold once nothing is left of it.
pub fn mark_sold_if_empty(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        marketplace_listings::table
            .filter(marketplace_listings::id.eq(listing_id))
            .filter(marketplace_listings::quantity_available.eq(0)),
    )
    .set(marketplace_listings::status.eq(ListingStatus::Sold))
    .execute(conn)
}

/// Puts a listing back up for another 60 days (also a withdrawn one, as long as parts remain).
pub fn renew(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<bool> {
    diesel::update(
        marketplace_listings::table
            .filter(marketplace_listings::id.eq(listing_id))
            .filter(marketplace_listings::quantity_available.gt(0))
            .filter(marketplace_listings::status.ne(ListingStatus::Sold)),
    )
    .set((
        marketplace_listings::status.eq(ListingStatus::Active),
        marketplace_listings::expires_at.eq(Utc::now() + Duration::days(LISTING_DAYS)),
        marketplace_listings::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn withdraw(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<bool> {
    diesel::update(
        marketplace_listings::table
            .filter(marketplace_listings::id.eq(listing_id))
            .filter(
                marketplace_listings::status
                    .ne_all([ListingStatus::Sold, ListingStatus::Withdrawn]),
            ),
    )
    .set((
        marketplace_listings::status.eq(ListingStatus::Withdrawn),
        marketplace_listings::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Writes down the expiry of the given organizations' overdue listings.
pub fn expire_overdue(conn: &mut PgConnection, org_ids: &[Uuid]) -> QueryResult<usize> {
    diesel::update(
        marketplace_listings::table
            .filter(marketplace_listings::seller_org_id.eq_any(org_ids))
            .filter(marketplace_listings::status.eq(ListingStatus::Active))
            .filter(marketplace_listings::expires_at.le(Utc::now())),
    )
    .set(marketplace_listings::status.eq(ListingStatus::Expired))
    .execute(conn)
}

/// A listing with what its pages say of the seller.
#[derive(Debug, Clone)]
pub struct ListingWithSeller {
    pub listing: Listing,
    pub seller_name: String,
    /// The platform suspended the seller: the listing is hidden until it is reinstated.
    pub seller_suspended: bool,
}

pub fn find_listing(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<ListingWithSeller> {
    marketplace_listings::table
        .inner_join(
            organizations::table.on(organizations::id.eq(marketplace_listings::seller_org_id)),
        )
        .filter(marketplace_listings::id.eq(listing_id))
        .select((
            Listing::as_select(),
            organizations::name,
            organizations::suspended_at.is_not_null(),
        ))
        .first::<(Listing, String, bool)>(conn)
        .map(
            |(listing, seller_name, seller_suspended)| ListingWithSeller {
                listing,
                seller_name,
                seller_suspended,
            },
        )
}

/// Locks the listing row for the rest of the transaction.
pub fn lock_listing(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<Listing> {
    marketplace_listings::table
        .filter(marketplace_listings::id.eq(listing_id))
        .select(Listing::as_select())
        .for_update()
        .first(conn)
}

pub fn record_view(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<usize> {
    diesel::update(marketplace_listings::table.filter(marketplace_listings::id.eq(listing_id)))
        .set(marketplace_listings::view_count.eq(marketplace_listings::view_count + 1))
        .execute(conn)
}

// ---------------------------------------------------------------------------------------------
// A seller's own listings

#[derive(Debug, Clone, Queryable)]
pub struct MyListingRow {
    pub listing: Listing,
    pub seller_name: String,
}

pub fn my_listings_count(
    conn: &mut PgConnection,
    org_ids: &[Uuid],
    status: Option<ListingStatus>,
) -> QueryResult<i64> {
    let mut query = marketplace_listings::table
        .filter(marketplace_listings::seller_org_id.eq_any(org_ids))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(marketplace_listings::status.eq(status));
    }
    query.count().get_result(conn)
}

pub fn my_listings(
    conn: &mut PgConnection,
    org_ids: &[Uuid],
    status: Option<ListingStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<MyListingRow>> {
    let mut query = marketplace_listings::table
        .inner_join(
            organizations::table.on(organizations::id.eq(marketplace_listings::seller_org_id)),
        )
        .filter(marketplace_listings::seller_org_id.eq_any(org_ids))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(marketplace_listings::status.eq(status));
    }
    query
        .order((
            marketplace_listings::created_at.desc(),
            marketplace_listings::id,
        ))
        .offset(offset)
        .limit(limit)
        .select((Listing::as_select(), organizations::name))
        .load::<(Listing, String)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(listing, seller_name)| MyListingRow {
                    listing,
                    seller_name,
                })
                .collect()
        })
}

/// How many of these organizations' listings are in each status.
pub fn status_counts(
    conn: &mut PgConnection,
    org_ids: &[Uuid],
) -> QueryResult<Vec<(ListingStatus, i64)>> {
    marketplace_listings::table
        .filter(marketplace_listings::seller_org_id.eq_any(org_ids))
        .group_by(marketplace_listings::status)
        .select((marketplace_listings::status, diesel::dsl::count_star()))
        .order(marketplace_listings::status)
        .load(conn)
}
