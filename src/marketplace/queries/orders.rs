//! Orders (purchases): taking parts off a listing, recording the purchase, its steps, its
//! reviews, and the lists of an organization's purchases and sales.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::{marketplace_listings, marketplace_transactions, organizations};
use crate::marketplace::lifecycle::{Action, ListingStatus, TransactionStatus};
use crate::marketplace::money::{self, Amounts};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = marketplace_transactions)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Transaction {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub seller_org_id: Uuid,
    pub buyer_org_id: Uuid,
    pub buyer_account_id: Uuid,
    pub quantity: i32,
    pub unit_price: BigDecimal,
    pub subtotal: BigDecimal,
    pub shipping_cost: BigDecimal,
    pub platform_fee: BigDecimal,
    pub total_amount: BigDecimal,
    pub currency: String,
    pub shipping_method: String,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub status: TransactionStatus,
    pub payment_method: Option<String>,
    pub payment_reference: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub disputed_at: Option<DateTime<Utc>>,
    pub dispute_reason: Option<String>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub buyer_rating: Option<i32>,
    pub buyer_review: Option<String>,
    pub seller_rating: Option<i32>,
    pub seller_review: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Transaction {
    pub fn subtotal_text(&self) -> String {
        money::display(&self.subtotal)
    }
    pub fn shipping_text(&self) -> String {
        money::display(&self.shipping_cost)
    }
    pub fn fee_text(&self) -> String {
        money::display(&self.platform_fee)
    }
    pub fn total_text(&self) -> String {
        money::display(&self.total_amount)
    }
    pub fn unit_price_text(&self) -> String {
        money::display(&self.unit_price)
    }
}

/// What taking parts off a listing read from it, for the purchase's record.
#[derive(Debug, Clone)]
pub struct Taken {
    pub seller_org_id: Uuid,
    pub unit_price: BigDecimal,
    pub shipping_cost: Option<BigDecimal>,
    pub currency: String,
    pub shipping_available: bool,
    pub local_pickup: bool,
}

/// Takes `quantity` off the listing, if it is for sale in that quantity, not the buyer's own
/// and its seller is not suspended; `None` otherwise. One conditional UPDATE: concurrent
/// buyers queue on the row lock and each re-checks the remaining quantity, so the listing can
/// never be oversold.
pub fn take_from_listing(
    conn: &mut PgConnection,
    listing_id: Uuid,
    quantity: i32,
    buyer_org_id: Uuid,
) -> QueryResult<Option<Taken>> {
    use marketplace_listings as l;
    let suspended = organizations::table
        .filter(organizations::suspended_at.is_not_null())
        .select(organizations::id);
    diesel::update(
        l::table
            .filter(l::id.eq(listing_id))
            .filter(l::status.eq(ListingStatus::Active))
            .filter(l::expires_at.gt(Utc::now()))
            .filter(l::quantity_available.ge(quantity))
            .filter(l::seller_org_id.ne(buyer_org_id))
            .filter(l::seller_org_id.ne_all(suspended)),
    )
    .set((
        l::quantity_available.eq(l::quantity_available - quantity),
        l::updated_at.eq(Utc::now()),
    ))
    .returning((
        l::seller_org_id,
        l::unit_price,
        l::shipping_cost,
        l::currency,
        l::shipping_available,
        l::local_pickup,
    ))
    .get_result::<(Uuid, BigDecimal, Option<BigDecimal>, String, bool, bool)>(conn)
    .optional()
    .map(|taken| {
        taken.map(
            |(seller_org_id, unit_price, shipping_cost, currency, ships, pickup)| Taken {
                seller_org_id,
                unit_price,
                shipping_cost,
                currency,
                shipping_available: ships,
                local_pickup: pickup,
            },
        )
    })
}

/// A purchase to record.
pub struct NewTransaction<'a> {
    pub listing_id: Uuid,
    pub buyer_org_id: Uuid,
    pub buyer_account_id: Uuid,
    pub quantity: i32,
    pub shipping: bool,
    pub taken: &'a Taken,
    pub amounts: &'a Amounts,
}

pub fn insert_transaction(conn: &mut PgConnection, new: &NewTransaction) -> QueryResult<Uuid> {
    use marketplace_transactions as t;
    diesel::insert_into(t::table)
        .values((
            t::listing_id.eq(new.listing_id),
            t::seller_org_id.eq(new.taken.seller_org_id),
            t::buyer_org_id.eq(new.buyer_org_id),
            t::buyer_account_id.eq(new.buyer_account_id),
            t::quantity.eq(new.quantity),
            t::unit_price.eq(&new.taken.unit_price),
            t::subtotal.eq(&new.amounts.subtotal),
            t::shipping_cost.eq(&new.amounts.shipping),
            t::platform_fee.eq(&new.amounts.platform_fee),
            t::total_amount.eq(&new.amounts.total),
            t::currency.eq(&new.taken.currency),
            t::shipping_method.eq(if new.shipping { "shipping" } else { "pickup" }),
        ))
        .returning(t::id)
        .get_result(conn)
}

/// A purchase with the names a page shows.
#[derive(Debug, Clone, Queryable)]
pub struct TransactionView {
    pub transaction: Transaction,
    pub part_number: String,
    pub part_name: String,
}

pub fn find_transaction(conn: &mut PgConnection, id: Uuid) -> QueryResult<TransactionView> {
    marketplace_transactions::table
        .inner_join(marketplace_listings::table)
        .filter(marketplace_transactions::id.eq(id))
        .select((
            Transaction::as_select(),
            marketplace_listings::part_number,
            marketplace_listings::part_name,
        ))
        .first(conn)
}

/// What a step records besides the new state.
#[derive(Debug, Clone, Default)]
pub struct StepDetails {
    pub payment_method: Option<String>,
    pub payment_reference: Option<String>,
    pub tracking_number: Option<String>,
    pub dispute_reason: Option<String>,
}

/// Moves a purchase one step, only if it is still in a state the step starts from; `false`
/// when someone else moved it first. Cancelling puts the quantity back on the listing.
pub fn apply_step(
    conn: &mut PgConnection,
    transaction: &Transaction,
    action: Action,
    details: &StepDetails,
) -> QueryResult<bool> {
    use marketplace_transactions as t;
    let (from, to, _) = action.rule();
    let target = t::table
        .filter(t::id.eq(transaction.id))
        .filter(t::status.eq_any(from));
    let now = Utc::now();
    let base = (t::status.eq(to), t::updated_at.eq(now));
    let updated = match action {
        Action::Pay => diesel::update(target)
            .set((
                base,
                t::paid_at.eq(now),
                t::payment_method.eq(&details.payment_method),
                t::payment_reference.eq(&details.payment_reference),
            ))
            .execute(conn)?,
        Action::Ship => diesel::update(target)
            .set((
                base,
                t::shipped_at.eq(now),
                t::tracking_number.eq(&details.tracking_number),
            ))
            .execute(conn)?,
        Action::Deliver => diesel::update(target)
            .set((base, t::delivered_at.eq(now)))
            .execute(conn)?,
        Action::Complete => diesel::update(target)
            .set((base, t::completed_at.eq(now)))
            .execute(conn)?,
        Action::Cancel => diesel::update(target)
            .set((base, t::cancelled_at.eq(now)))
            .execute(conn)?,
        Action::Dispute => diesel::update(target)
            .set((
                base,
                t::disputed_at.eq(now),
                t::dispute_reason.eq(&details.dispute_reason),
            ))
            .execute(conn)?,
        Action::Refund => diesel::update(target)
            .set((base, t::refunded_at.eq(now)))
            .execute(conn)?,
    };
    if updated == 1 && action == Action::Cancel {
        use marketplace_listings as l;
        diesel::update(l::table.filter(l::id.eq(transaction.listing_id)))
            .set(l::quantity_available.eq(l::quantity_available + transaction.quantity))
            .execute(conn)?;
        diesel::update(
            l::table
                .filter(l::id.eq(transaction.listing_id))
                .filter(l::status.eq(ListingStatus::Sold))
                .filter(l::quantity_available.gt(0)),
        )
        .set(l::status.eq(ListingStatus::Active))
        .execute(conn)?;
    }
    Ok(updated == 1)
}

/// Records one side's review of a completed purchase, once; `false` if already reviewed.
pub fn review(
    conn: &mut PgConnection,
    transaction_id: Uuid,
    as_buyer: bool,
    rating: i32,
    text: &str,
) -> QueryResult<bool> {
    use marketplace_transactions as t;
    let target = t::table
        .filter(t::id.eq(transaction_id))
        .filter(t::status.eq(TransactionStatus::Completed));
    let updated = if as_buyer {
        diesel::update(target.filter(t::buyer_rating.is_null()))
            .set((t::buyer_rating.eq(rating), t::buyer_review.eq(text)))
            .execute(conn)?
    } else {
        diesel::update(target.filter(t::seller_rating.is_null()))
            .set((t::seller_rating.eq(rating), t::seller_review.eq(text)))
            .execute(conn)?
    };
    Ok(updated == 1)
}

/// Purchases and sales of these organizations, newest first.
pub fn orders_count(conn: &mut PgConnection, org_ids: &[Uuid]) -> QueryResult<i64> {
    marketplace_transactions::table
        .filter(
            marketplace_transactions::buyer_org_id
                .eq_any(org_ids)
                .or(marketplace_transactions::seller_org_id.eq_any(org_ids)),
        )
        .count()
        .get_result(conn)
}

pub fn orders(
    conn: &mut PgConnection,
    org_ids: &[Uuid],
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<TransactionView>> {
    marketplace_transactions::table
        .inner_join(marketplace_listings::table)
        .filter(
            marketplace_transactions::buyer_org_id
                .eq_any(org_ids)
                .or(marketplace_transactions::seller_org_id.eq_any(org_ids)),
        )
        .order((
            marketplace_transactions::created_at.desc(),
            marketplace_transactions::id,
        ))
        .offset(offset)
        .limit(limit)
        .select((
            Transaction::as_select(),
            marketplace_listings::part_number,
            marketplace_listings::part_name,
        ))
        .load(conn)
}
