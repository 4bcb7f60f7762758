//! Reads and writes of `public.organizations`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::organizations;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub schema_name: String,
    pub role_name: String,
    pub organization_type: String,
    pub suspended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = organizations)]
pub struct OrganizationInsertForm<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub schema_name: &'a str,
    pub role_name: &'a str,
    pub organization_type: &'a str,
}

pub fn find_by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<Organization>> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .filter(organizations::deleted_at.is_null())
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

pub fn slug_taken(conn: &mut PgConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        organizations::table.filter(organizations::slug.eq(slug)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut PgConnection, form: &OrganizationInsertForm) -> QueryResult<Organization> {
    diesel::insert_into(organizations::table)
        .values(form)
        .returning(Organization::as_returning())
        .get_result(conn)
}
