//! Queries over an organization's `sites`. Callers pass a connection already inside the org.

use diesel::prelude::*;

use crate::db::schema_org::sites;

pub fn count_active(conn: &mut PgConnection) -> QueryResult<i64> {
    sites::table
        .filter(sites::deleted_at.is_null())
        .count()
        .get_result(conn)
}
