//! Every query of the marketplace: listings, search, photos, inquiries, purchases, reviews.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{
    BigInt, Bool, Int4, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use uuid::Uuid;

use super::lifecycle::{Action, ListingStatus, PartCondition, TransactionStatus};
use super::money::{self, Amounts};
use crate::auth::roles::Role;
use crate::db::schema_public::{
    accounts, marketplace_inquiries, marketplace_inquiry_messages, marketplace_listing_images,
    marketplace_listings, marketplace_transactions, memberships, organizations,
};
use crate::db::sql_types;

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

fn mark_sold_if_empty(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<usize> {
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

/// A listing with its seller organization's name and slug.
pub fn find_listing(
    conn: &mut PgConnection,
    listing_id: Uuid,
) -> QueryResult<(Listing, String, String)> {
    marketplace_listings::table
        .inner_join(
            organizations::table.on(organizations::id.eq(marketplace_listings::seller_org_id)),
        )
        .filter(marketplace_listings::id.eq(listing_id))
        .select((
            Listing::as_select(),
            organizations::name,
            organizations::slug,
        ))
        .first(conn)
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
// Search

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    PriceLow,
    PriceHigh,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::PriceLow,
        Sort::PriceHigh,
        Sort::Newest,
    ];

    pub fn parse(raw: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceLow => "price",
            Sort::PriceHigh => "price_desc",
            Sort::Newest => "newest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::PriceLow => "Price, lowest first",
            Sort::PriceHigh => "Price, highest first",
            Sort::Newest => "Newest first",
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            Sort::Relevance => {
                "tier DESC, closeness DESC, distance ASC, text_rank DESC, created_at DESC, id"
            }
            Sort::PriceLow => "unit_price ASC, created_at DESC, id",
            Sort::PriceHigh => "unit_price DESC, created_at DESC, id",
            Sort::Newest => "created_at DESC, id",
        }
    }
}

/// Upper case letters and digits only, as in the `part_number_normalized` column.
pub fn normalize_part_number(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub text: Option<String>,
    pub manufacturer: Option<String>,
    pub condition: Option<PartCondition>,
    pub min_price: Option<BigDecimal>,
    pub max_price: Option<BigDecimal>,
    pub state: Option<String>,
    pub city: Option<String>,
    pub shipping: bool,
    pub pickup: bool,
    /// Also sold and expired listings (never withdrawn ones).
    pub include_closed: bool,
    pub seller_org_id: Option<Uuid>,
    pub exclude_listing: Option<Uuid>,
    pub sort: Sort,
}

enum Bind {
    Text(String),
    Numeric(BigDecimal),
    Uuid(Uuid),
    Condition(PartCondition),
    Int(i64),
}

/// SQL text with its positional parameters, built up piece by piece; user input only ever
/// travels as a parameter.
#[derive(Default)]
struct Statement {
    binds: Vec<Bind>,
}

impl Statement {
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }

    fn query(self, sql: String) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let mut query = diesel::sql_query(sql).into_boxed::<Pg>();
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Numeric(v) => query.bind::<Numeric, _>(v),
                Bind::Uuid(v) => query.bind::<SqlUuid, _>(v),
                Bind::Condition(v) => query.bind::<sql_types::PartCondition, _>(v),
                Bind::Int(v) => query.bind::<BigInt, _>(v),
            };
        }
        query
    }
}

/// The listing's stored search document (`to_tsvector` of its part name and description).
const TEXT_DOCUMENT: &str = "l.search_document";

/// The WHERE clause and the three relevance columns of a search.
fn search_clauses(filter: &SearchFilter, statement: &mut Statement) -> (String, String) {
    let mut conditions = vec![if filter.include_closed {
        "l.status <> 'withdrawn'".to_string()
    } else {
        "l.status = 'active' AND l.expires_at > now() AND l.quantity_available > 0".to_string()
    }];
    let mut relevance =
        "0 AS tier, 0::real AS closeness, 0 AS distance, 0::real AS text_rank".to_string();
    if let Some(text) = &filter.text {
        let normalized = normalize_part_number(text);
        let words = statement.param(Bind::Text(text.clone()));
        let query = format!("websearch_to_tsquery('english', {words})");
        if normalized.len() >= 2 {
            let part = statement.param(Bind::Text(normalized.clone()));
            let prefix = statement.param(Bind::Text(format!("{normalized}%")));
            conditions.push(format!(
                "(l.part_number_normalized = {part} OR l.part_number_normalized % {part} \
                 OR l.part_number_normalized LIKE {prefix} OR {TEXT_DOCUMENT} @@ {query})"
            ));
            relevance = format!(
                "CASE WHEN l.part_number_normalized = {part} THEN 3 \
                 WHEN l.part_number_normalized % {part} OR l.part_number_normalized LIKE {prefix} THEN 2 \
                 WHEN {TEXT_DOCUMENT} @@ {query} THEN 1 ELSE 0 END AS tier, \
                 similarity(l.part_number_normalized, {part}) AS closeness, \
                 levenshtein(l.part_number_normalized, {part}) AS distance, \
                 ts_rank({TEXT_DOCUMENT}, {query}) AS text_rank"
            );
        } else {
            conditions.push(format!("{TEXT_DOCUMENT} @@ {query}"));
            relevance = format!(
                "1 AS tier, 0::real AS closeness, 0 AS distance, ts_rank({TEXT_DOCUMENT}, {query}) AS text_rank"
            );
        }
    }
    if let Some(manufacturer) = &filter.manufacturer {
        let p = statement.param(Bind::Text(manufacturer.to_lowercase()));
        conditions.push(format!("lower(l.manufacturer) = {p}"));
    }
    if let Some(condition) = filter.condition {
        let p = statement.param(Bind::Condition(condition));
        conditions.push(format!("l.condition = {p}"));
    }
    if let Some(min) = &filter.min_price {
        let p = statement.param(Bind::Numeric(min.clone()));
        conditions.push(format!("l.unit_price >= {p}"));
    }
    if let Some(max) = &filter.max_price {
        let p = statement.param(Bind::Numeric(max.clone()));
        conditions.push(format!("l.unit_price <= {p}"));
    }
    if let Some(state) = &filter.state {
        let p = statement.param(Bind::Text(state.to_lowercase()));
        conditions.push(format!("lower(l.location_state) = {p}"));
    }
    if let Some(city) = &filter.city {
        let p = statement.param(Bind::Text(city.to_lowercase()));
        conditions.push(format!("lower(l.location_city) = {p}"));
    }
    if filter.shipping {
        conditions.push("l.shipping_available".into());
    }
    if filter.pickup {
        conditions.push("l.local_pickup".into());
    }
    if let Some(org) = filter.seller_org_id {
        let p = statement.param(Bind::Uuid(org));
        conditions.push(format!("l.seller_org_id = {p}"));
    }
    if let Some(listing) = filter.exclude_listing {
        let p = statement.param(Bind::Uuid(listing));
        conditions.push(format!("l.id <> {p}"));
    }
    (conditions.join(" AND "), relevance)
}

/// A listing as search results show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListingCard {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub part_number: String,
    #[diesel(sql_type = Text)]
    pub part_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub manufacturer: Option<String>,
    #[diesel(sql_type = sql_types::PartCondition)]
    pub condition: PartCondition,
    #[diesel(sql_type = sql_types::ListingStatus)]
    pub status: ListingStatus,
    #[diesel(sql_type = Int4)]
    pub quantity_available: i32,
    #[diesel(sql_type = Numeric)]
    pub unit_price: BigDecimal,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub location_city: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub location_state: Option<String>,
    #[diesel(sql_type = Bool)]
    pub shipping_available: bool,
    #[diesel(sql_type = Bool)]
    pub local_pickup: bool,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub expires_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub seller_name: String,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub rating_average: Option<BigDecimal>,
    #[diesel(sql_type = BigInt)]
    pub rating_count: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub thumbnail_id: Option<Uuid>,
}

impl ListingCard {
    pub fn price(&self) -> String {
        money::display(&self.unit_price)
    }

    pub fn effective_status(&self) -> ListingStatus {
        if self.status == ListingStatus::Active && self.expires_at <= Utc::now() {
            ListingStatus::Expired
        } else {
            self.status
        }
    }

    pub fn location(&self) -> String {
        [&self.location_city, &self.location_state]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn rating(&self) -> RatingSummary {
        RatingSummary {
            average: self.rating_average.clone(),
            count: self.rating_count,
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub fn search_count(conn: &mut PgConnection, filter: &SearchFilter) -> QueryResult<i64> {
    let mut statement = Statement::default();
    let (conditions, _) = search_clauses(filter, &mut statement);
    let sql = format!("SELECT count(*) AS n FROM marketplace_listings l WHERE {conditions}");
    Ok(statement.query(sql).get_result::<Count>(conn)?.n)
}

/// One page of results. Ratings and the first photo are joined for the page's rows only.
pub fn search(
    conn: &mut PgConnection,
    filter: &SearchFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ListingCard>> {
    let mut statement = Statement::default();
    let (conditions, relevance) = search_clauses(filter, &mut statement);
    let sort = if filter.text.is_none() && filter.sort == Sort::Relevance {
        Sort::Newest
    } else {
        filter.sort
    };
    let limit = statement.param(Bind::Int(limit));
    let offset = statement.param(Bind::Int(offset));
    let order = sort.order_by();
    let sql = format!(
        "SELECT x.*, o.name AS seller_name, r.rating_average, r.rating_count, img.id AS thumbnail_id
         FROM (SELECT l.id, l.part_number, l.part_name, l.manufacturer, l.condition, l.status,
                      l.quantity_available, l.unit_price, l.currency, l.location_city,
                      l.location_state, l.shipping_available, l.local_pickup, l.created_at,
                      l.expires_at, l.seller_org_id, {relevance}
               FROM marketplace_listings l WHERE {conditions}
               ORDER BY {order} LIMIT {limit} OFFSET {offset}) x
         JOIN organizations o ON o.id = x.seller_org_id
         LEFT JOIN LATERAL (SELECT round(avg(t.buyer_rating), 1) AS rating_average,
                                   count(t.buyer_rating) AS rating_count
                            FROM marketplace_transactions t
                            WHERE t.seller_org_id = x.seller_org_id AND t.buyer_rating IS NOT NULL) r ON true
         LEFT JOIN LATERAL (SELECT i.id FROM marketplace_listing_images i
                            WHERE i.listing_id = x.id ORDER BY i.position LIMIT 1) img ON true
         ORDER BY {order}"
    );
    statement.query(sql).load(conn)
}

/// Manufacturers with something for sale, for the filter's list.
pub fn manufacturers(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    marketplace_listings::table
        .filter(marketplace_listings::status.eq(ListingStatus::Active))
        .filter(marketplace_listings::manufacturer.is_not_null())
        .select(marketplace_listings::manufacturer.assume_not_null())
        .distinct()
        .order(marketplace_listings::manufacturer.assume_not_null())
        .load(conn)
}

// ---------------------------------------------------------------------------------------------
// Ratings

#[derive(Debug, Clone, Default)]
pub struct RatingSummary {
    pub average: Option<BigDecimal>,
    pub count: i64,
}

impl RatingSummary {
    pub fn text(&self) -> String {
        match (&self.average, self.count) {
            (Some(average), count) if count > 0 => format!(
                "{} out of 5 from {count} review{}",
                average.with_scale_round(1, bigdecimal::RoundingMode::HalfUp),
                if count == 1 { "" } else { "s" }
            ),
            _ => "No reviews yet".into(),
        }
    }
}

#[derive(QueryableByName)]
struct RatingRow {
    #[diesel(sql_type = Nullable<Numeric>)]
    average: Option<BigDecimal>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

pub fn seller_rating(conn: &mut PgConnection, org_id: Uuid) -> QueryResult<RatingSummary> {
    let row: RatingRow = diesel::sql_query(
        "SELECT round(avg(buyer_rating), 1) AS average, count(buyer_rating) AS count
         FROM marketplace_transactions WHERE seller_org_id = $1 AND buyer_rating IS NOT NULL",
    )
    .bind::<SqlUuid, _>(org_id)
    .get_result(conn)?;
    Ok(RatingSummary {
        average: row.average,
        count: row.count,
    })
}

// ---------------------------------------------------------------------------------------------
// My listings

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

// ---------------------------------------------------------------------------------------------
// Photos

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = marketplace_listing_images)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ListingImage {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub position: i32,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: String,
    pub byte_size: i32,
}

pub fn images_of(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<Vec<ListingImage>> {
    marketplace_listing_images::table
        .filter(marketplace_listing_images::listing_id.eq(listing_id))
        .order((
            marketplace_listing_images::position,
            marketplace_listing_images::created_at,
        ))
        .select(ListingImage::as_select())
        .load(conn)
}

pub struct NewImage {
    pub id: Uuid,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: &'static str,
    pub byte_size: i32,
}

pub fn insert_images(
    conn: &mut PgConnection,
    listing_id: Uuid,
    first_position: i32,
    images: &[NewImage],
) -> QueryResult<usize> {
    let rows: Vec<_> = images
        .iter()
        .zip(first_position..)
        .map(|(image, position)| {
            (
                marketplace_listing_images::id.eq(image.id),
                marketplace_listing_images::listing_id.eq(listing_id),
                marketplace_listing_images::position.eq(position),
                marketplace_listing_images::storage_key.eq(&image.storage_key),
                marketplace_listing_images::thumbnail_key.eq(&image.thumbnail_key),
                marketplace_listing_images::content_type.eq(image.content_type),
                marketplace_listing_images::byte_size.eq(image.byte_size),
            )
        })
        .collect();
    diesel::insert_into(marketplace_listing_images::table)
        .values(rows)
        .execute(conn)
}

/// A photo with its listing's status and seller, to decide who may see it.
pub fn find_image(
    conn: &mut PgConnection,
    image_id: Uuid,
) -> QueryResult<(ListingImage, ListingStatus, Uuid)> {
    marketplace_listing_images::table
        .inner_join(marketplace_listings::table)
        .filter(marketplace_listing_images::id.eq(image_id))
        .select((
            ListingImage::as_select(),
            marketplace_listings::status,
            marketplace_listings::seller_org_id,
        ))
        .first(conn)
}

pub fn delete_image(
    conn: &mut PgConnection,
    listing_id: Uuid,
    image_id: Uuid,
) -> QueryResult<Option<ListingImage>> {
    diesel::delete(
        marketplace_listing_images::table
            .filter(marketplace_listing_images::id.eq(image_id))
            .filter(marketplace_listing_images::listing_id.eq(listing_id)),
    )
    .returning(ListingImage::as_returning())
    .get_result(conn)
    .optional()
}

// ---------------------------------------------------------------------------------------------
// Inquiries

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

/// Who hears about an organization's marketplace business: its managers and above.
pub fn org_managers(conn: &mut PgConnection, org_id: Uuid) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(org_id))
        .filter(
            memberships::role.eq_any([Role::Owner, Role::Admin, Role::Manager].map(Role::as_str)),
        )
        .select(memberships::account_id)
        .load(conn)
}

// ---------------------------------------------------------------------------------------------
// Purchases

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

/// Why a purchase could not be made.
#[derive(Debug)]
pub enum BuyError {
    /// Sold out, not enough left, withdrawn or expired since the page was shown.
    Unavailable,
    /// Shipping or pickup asked for but not offered.
    MethodNotOffered,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for BuyError {
    fn from(e: diesel::result::Error) -> Self {
        BuyError::Database(e)
    }
}

pub struct Purchase {
    pub listing_id: Uuid,
    pub buyer_org_id: Uuid,
    pub buyer_account_id: Uuid,
    pub quantity: i32,
    pub shipping: bool,
}

/// Takes `quantity` off the listing and records the purchase, in the caller's transaction.
/// The decrement is one conditional UPDATE: concurrent buyers queue on the row lock and each
/// re-checks the remaining quantity, so the listing can never be oversold.
pub fn buy(
    conn: &mut PgConnection,
    purchase: &Purchase,
    fee_percent: &BigDecimal,
) -> Result<(Uuid, Amounts), BuyError> {
    use marketplace_listings as l;
    let taken: Option<(Uuid, BigDecimal, Option<BigDecimal>, String, bool, bool)> = diesel::update(
        l::table
            .filter(l::id.eq(purchase.listing_id))
            .filter(l::status.eq(ListingStatus::Active))
            .filter(l::expires_at.gt(Utc::now()))
            .filter(l::quantity_available.ge(purchase.quantity))
            .filter(l::seller_org_id.ne(purchase.buyer_org_id)),
    )
    .set((
        l::quantity_available.eq(l::quantity_available - purchase.quantity),
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
    .get_result(conn)
    .optional()?;
    let Some((seller_org_id, unit_price, shipping_cost, currency, ships, pickup)) = taken else {
        return Err(BuyError::Unavailable);
    };
    if (purchase.shipping && !ships) || (!purchase.shipping && !pickup) {
        return Err(BuyError::MethodNotOffered);
    }
    mark_sold_if_empty(conn, purchase.listing_id)?;
    let shipping = if purchase.shipping {
        shipping_cost.unwrap_or_else(money::zero)
    } else {
        money::zero()
    };
    let amounts = money::amounts(&unit_price, purchase.quantity, &shipping, fee_percent);
    let id = diesel::insert_into(marketplace_transactions::table)
        .values((
            marketplace_transactions::listing_id.eq(purchase.listing_id),
            marketplace_transactions::seller_org_id.eq(seller_org_id),
            marketplace_transactions::buyer_org_id.eq(purchase.buyer_org_id),
            marketplace_transactions::buyer_account_id.eq(purchase.buyer_account_id),
            marketplace_transactions::quantity.eq(purchase.quantity),
            marketplace_transactions::unit_price.eq(&unit_price),
            marketplace_transactions::subtotal.eq(&amounts.subtotal),
            marketplace_transactions::shipping_cost.eq(&amounts.shipping),
            marketplace_transactions::platform_fee.eq(&amounts.platform_fee),
            marketplace_transactions::total_amount.eq(&amounts.total),
            marketplace_transactions::currency.eq(currency),
            marketplace_transactions::shipping_method.eq(if purchase.shipping {
                "shipping"
            } else {
                "pickup"
            }),
        ))
        .returning(marketplace_transactions::id)
        .get_result(conn)?;
    Ok((id, amounts))
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

/// Organization names by id, for a handful of ids in one query.
pub fn org_names(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, String)>> {
    organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)
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
