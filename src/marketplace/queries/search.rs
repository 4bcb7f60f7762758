//! Search and browse: the listing cards a query finds, in the order asked for, and the seller
//! ratings shown with them.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{
    BigInt, Bool, Int4, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use uuid::Uuid;

use super::organizations::SELLER_NOT_SUSPENDED;
use crate::db::schema_public::{marketplace_listings, organizations};
use crate::db::sql_types;
use crate::marketplace::lifecycle::{ListingStatus, PartCondition};
use crate::marketplace::money;

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
    let mut conditions = vec![
        if filter.include_closed {
            "l.status <> 'withdrawn'".to_string()
        } else {
            "l.status = 'active' AND l.expires_at > now() AND l.quantity_available > 0".to_string()
        },
        SELLER_NOT_SUSPENDED.to_string(),
    ];
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
    let suspended = organizations::table
        .filter(organizations::suspended_at.is_not_null())
        .select(organizations::id);
    marketplace_listings::table
        .filter(marketplace_listings::status.eq(ListingStatus::Active))
        .filter(marketplace_listings::seller_org_id.ne_all(suspended))
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
