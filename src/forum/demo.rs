//! Demo forum content.
use diesel::prelude::*;

pub fn ensure(_conn: &mut PgConnection) -> QueryResult<()> {
    Ok(())
}
