//! The platform rows (`public`) that belong to one organization, table by table.
//!
//! Carried: the organization's registry row, the accounts of the people in it (names and
//! email only: never a password hash), memberships with their roles, its job listings with the
//! applications and their history, its marketplace listings with their photos, and its members'
//! notifications.
//!
//! Left where they are, on purpose:
//! - `api_keys`, `api_key_usage`: credentials; the organization issues new keys after moving.
//! - `invitations`, `account_tokens`, `sessions`: links and sign-ins of this installation only.
//! - `background_jobs`, `outbox_messages`: work in flight here, not data.
//! - `conversations` and their messages, `marketplace_inquiries`, `marketplace_transactions`:
//!   shared with people and organizations outside it; each side keeps its own copy.
//! - `forum_*`, `technician_profiles`, `employment_history`, `user_certifications`: the
//!   platform's and each person's own, not the organization's.

use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{columns, ident, text_rows, TextRows};
use crate::db::TextRow;

/// One public table's rows of the organization.
pub struct PublicTable {
    pub name: &'static str,
    /// Which rows belong to the organization (the table is `t`, the organization's id `$1`).
    filter: &'static str,
    /// The columns carried, when not all.
    only: Option<&'static [&'static str]>,
}

pub const ORGANIZATIONS: PublicTable = PublicTable {
    name: "organizations",
    filter: "t.id = $1",
    only: None,
};

pub const ACCOUNTS: PublicTable = PublicTable {
    name: "accounts",
    filter: "t.id IN ( \
        SELECT account_id FROM memberships WHERE organization_id = $1 \
        UNION SELECT posted_by FROM job_listings WHERE organization_id = $1 \
        UNION SELECT a.applicant_id FROM job_applications a \
          JOIN job_listings l ON l.id = a.job_listing_id WHERE l.organization_id = $1 \
        UNION SELECT e.changed_by FROM job_application_events e \
          JOIN job_applications a ON a.id = e.application_id \
          JOIN job_listings l ON l.id = a.job_listing_id WHERE l.organization_id = $1 \
        UNION SELECT seller_account_id FROM marketplace_listings WHERE seller_org_id = $1 \
        UNION SELECT account_id FROM notifications WHERE organization_id = $1)",
    only: Some(&[
        "id",
        "email",
        "first_name",
        "last_name",
        "display_name",
        "phone",
        "timezone",
    ]),
};

/// The rest, in an order that inserts a row after the rows it refers to.
pub const DEPENDENT: &[PublicTable] = &[
    PublicTable {
        name: "memberships",
        filter: "t.organization_id = $1",
        only: None,
    },
    PublicTable {
        name: "job_listings",
        filter: "t.organization_id = $1",
        only: None,
    },
    PublicTable {
        name: "job_applications",
        filter: "t.job_listing_id IN (SELECT id FROM job_listings WHERE organization_id = $1)",
        only: None,
    },
    PublicTable {
        name: "job_application_events",
        filter: "t.application_id IN (SELECT a.id FROM job_applications a \
                 JOIN job_listings l ON l.id = a.job_listing_id WHERE l.organization_id = $1)",
        only: None,
    },
    PublicTable {
        name: "marketplace_listings",
        filter: "t.seller_org_id = $1",
        only: None,
    },
    PublicTable {
        name: "marketplace_listing_images",
        filter: "t.listing_id IN (SELECT id FROM marketplace_listings WHERE seller_org_id = $1)",
        only: None,
    },
    PublicTable {
        name: "notifications",
        filter: "t.organization_id = $1",
        only: None,
    },
];

/// Every public table carried, in insert order.
pub fn all() -> impl Iterator<Item = &'static PublicTable> {
    [&ORGANIZATIONS, &ACCOUNTS].into_iter().chain(DEPENDENT)
}

/// Columns that hold file-store keys, wherever they appear (public rows and the org schema).
pub const FILE_KEY_COLUMNS: &[&str] = &["storage_key", "thumbnail_key", "resume_file_key"];

impl PublicTable {
    fn carried_columns(&self, conn: &mut PgConnection) -> QueryResult<Vec<String>> {
        let all = columns(conn, "public", self.name)?;
        Ok(match self.only {
            Some(only) => all
                .into_iter()
                .filter(|c| only.contains(&c.as_str()))
                .collect(),
            None => all,
        })
    }

    /// The FROM clause of the organization's rows, the table named `t`.
    fn source(&self) -> String {
        format!("public.{} t WHERE {}", ident(self.name), self.filter)
    }

    /// The organization's rows as a JSON array of objects.
    pub fn json(&self, conn: &mut PgConnection, org_id: Uuid) -> QueryResult<String> {
        let columns = self.carried_columns(conn)?;
        let list: Vec<String> = columns.iter().map(|c| format!("t.{}", ident(c))).collect();
        let row: TextRow = diesel::sql_query(format!(
            "SELECT coalesce(json_agg(r), '[]')::text AS value \
             FROM (SELECT {} FROM {} ORDER BY t.{}) r",
            list.join(", "),
            self.source(),
            ident(columns.first().map_or("id", String::as_str)),
        ))
        .bind::<SqlUuid, _>(org_id)
        .get_result(conn)?;
        Ok(row.value)
    }

    /// The organization's rows as text, under a header row: what the CSV export writes.
    pub fn text_rows(
        &self,
        conn: &mut PgConnection,
        org_id: Uuid,
    ) -> QueryResult<(Vec<String>, TextRows)> {
        let columns = self.carried_columns(conn)?;
        let rows = text_rows(conn, &columns, &self.source(), org_id)?;
        Ok((columns, rows))
    }
}

/// Inserts `rows` (objects as exported) into `public.table`, taking the columns both the
/// archive and this installation have, so an archive from an older version still loads.
pub fn insert(
    conn: &mut PgConnection,
    table: &str,
    rows: &[Map<String, Value>],
) -> QueryResult<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let list: Vec<String> = columns(conn, "public", table)?
        .into_iter()
        .filter(|c| first.contains_key(c))
        .map(|c| ident(&c))
        .collect();
    let list = list.join(", ");
    let table = ident(table);
    let json = Value::Array(rows.iter().cloned().map(Value::Object).collect()).to_string();
    diesel::sql_query(format!(
        "INSERT INTO public.{table} ({list}) \
         SELECT {list} FROM json_populate_recordset(NULL::public.{table}, $1::json)"
    ))
    .bind::<Text, _>(json)
    .execute(conn)
    .map(|_| ())
}

/// Which of `ids` already name a row of `public.table`.
pub fn taken_ids(conn: &mut PgConnection, table: &str, ids: &[String]) -> QueryResult<Vec<String>> {
    let rows: Vec<TextRow> = diesel::sql_query(format!(
        "SELECT id::text AS value FROM public.{} WHERE id = ANY($1::text[]::uuid[])",
        ident(table)
    ))
    .bind::<Array<Text>, _>(ids)
    .load(conn)?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}
