//! Reads and writes of `public.organizations`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::handle::OrgHandle;
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

impl Organization {
    /// What it takes to enter this organization.
    pub fn handle(&self) -> OrgHandle {
        OrgHandle {
            id: self.id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            schema_name: self.schema_name.clone(),
            role_name: self.role_name.clone(),
        }
    }
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

/// Every organization that has a schema (not deleted), by slug.
pub fn all_handles(conn: &mut PgConnection) -> QueryResult<Vec<OrgHandle>> {
    organizations::table
        .filter(organizations::deleted_at.is_null())
        .order(organizations::slug)
        .select(Organization::as_select())
        .load(conn)
        .map(|orgs| orgs.iter().map(Organization::handle).collect())
}

/// The organization with this id, to enter it (background jobs carry the id).
pub fn handle_by_id(conn: &mut PgConnection, id: Uuid) -> QueryResult<OrgHandle> {
    organizations::table
        .find(id)
        .filter(organizations::deleted_at.is_null())
        .select(Organization::as_select())
        .first(conn)
        .map(|org| org.handle())
}

/// Whether the organization is suspended (its platform activity frozen, its public listings
/// and jobs hidden).
pub fn is_suspended(conn: &mut PgConnection, id: Uuid) -> QueryResult<bool> {
    organizations::table
        .find(id)
        .select(organizations::suspended_at.is_not_null())
        .first(conn)
        .optional()
        .map(|suspended| suspended.unwrap_or(true))
}
