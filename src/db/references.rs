//! The platform tables that point at a row of another, read from the catalog: deleting an
//! organization or an account follows every reference, including ones added after this code.

use diesel::prelude::*;
use diesel::sql_types::Text;

/// One single-column foreign key in `public` that points at the table asked about.
#[derive(Debug, Clone, QueryableByName)]
pub struct Reference {
    #[diesel(sql_type = Text)]
    pub table: String,
    #[diesel(sql_type = Text)]
    pub column: String,
    /// `c` cascade, `n` set null, `a` no action, `r` restrict, `d` set default.
    #[diesel(sql_type = Text)]
    pub on_delete: String,
}

impl Reference {
    /// True when deleting the referenced row removes or clears this one by itself.
    pub fn follows_deletes(&self) -> bool {
        matches!(self.on_delete.as_str(), "c" | "n" | "d")
    }
}

/// Every foreign key in `public` that points at `public.<table>`.
pub fn to_table(conn: &mut PgConnection, table: &str) -> QueryResult<Vec<Reference>> {
    diesel::sql_query(
        "SELECT src.relname::text AS table, att.attname::text AS column, \
                con.confdeltype::text AS on_delete \
           FROM pg_constraint con \
           JOIN pg_class src ON src.oid = con.conrelid \
           JOIN pg_namespace ns ON ns.oid = src.relnamespace AND ns.nspname = 'public' \
           JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1] \
          WHERE con.contype = 'f' AND con.confrelid = ('public.' || $1)::regclass \
            AND array_length(con.conkey, 1) = 1 \
          ORDER BY src.relname, att.attname",
    )
    .bind::<Text, _>(table)
    .load(conn)
}

/// `"name"`, safe to splice into SQL (catalog names are the only input, but still).
pub fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
