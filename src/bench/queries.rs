//! The one query both benchmark routes run, and the organization lookup they share.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
use uuid::Uuid;

use crate::db::schema_org::sites;
use crate::orgs::naming;

/// A site as the benchmark page lists it.
#[derive(Debug, Clone, Queryable, QueryableByName)]
pub struct Fortune {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub city: Option<String>,
}

/// How many rows the page shows: a dozen, as in TechEmpower's Fortunes.
pub const ROWS: i64 = 12;

/// Through the search_path, as organization pages query (`idx_sites_name`).
pub fn first_sites(conn: &mut PgConnection) -> QueryResult<Vec<Fortune>> {
    sites::table
        .filter(sites::deleted_at.is_null())
        .order((sql::<Text>("lower(name)"), sites::id))
        .select((sites::id, sites::name, sites::code, sites::city))
        .limit(ROWS)
        .load(conn)
}

/// The same rows with the schema named in the query, so no search_path is needed.
pub fn first_sites_in(conn: &mut PgConnection, schema_name: &str) -> QueryResult<Vec<Fortune>> {
    let Some(schema) = naming::quote_ident(schema_name) else {
        return Err(diesel::result::Error::NotFound);
    };
    diesel::sql_query(format!(
        "SELECT id, name, code, city FROM {schema}.sites WHERE deleted_at IS NULL \
         ORDER BY lower(name), id LIMIT {ROWS}"
    ))
    .load(conn)
}

/// Holds the connection for `millis` inside the database, as a slow report would.
pub fn hold(conn: &mut PgConnection, millis: u32) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_sleep($1::float8 / 1000)")
        .bind::<diesel::sql_types::Integer, _>(i32::try_from(millis).unwrap_or(i32::MAX))
        .execute(conn)
        .map(|_| ())
}
