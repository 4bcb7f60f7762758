//! Applies `migrations/public` once and `migrations/org` to every organization's schema.
//!
//! This module knows the migrations; `orgs::migrate` decides where they run (it enters each
//! schema through the one door). An org schema's migrations run with the search_path pointing
//! at that schema first, so Diesel's unqualified `__diesel_schema_migrations` table is created
//! in, and records the versions of, that schema alone.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const PUBLIC: EmbeddedMigrations = embed_migrations!("migrations/public");
pub const ORG: EmbeddedMigrations = embed_migrations!("migrations/org");

/// The group role every organization's role belongs to: it carries the rights on the few
/// public tables that organization pages read or write.
pub const ORG_GROUP_ROLE: &str = "sitesync_org_member";

/// What an organization role may do on public tables, granted through [`ORG_GROUP_ROLE`].
/// Features that need more add a line here; nothing is granted wholesale.
const ORG_GROUP_GRANTS: &[&str] = &[
    "GRANT SELECT ON organizations TO sitesync_org_member",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO sitesync_org_member",
    "GRANT SELECT, INSERT, UPDATE ON invitations TO sitesync_org_member",
    "GRANT SELECT (id, email, first_name, last_name, display_name, is_active) ON accounts \
     TO sitesync_org_member",
    "GRANT INSERT ON notifications TO sitesync_org_member",
    // Email caused by a change inside an organization (an invitation) is queued in the same
    // transaction: writing the outbox and its delivery job, never reading either.
    "GRANT INSERT ON outbox_messages TO sitesync_org_member",
    "GRANT INSERT ON background_jobs TO sitesync_org_member",
    "GRANT USAGE ON SEQUENCE background_jobs_id_seq TO sitesync_org_member",
    // A member leaving an organization leaves its conversations (ids only, never messages).
    "GRANT SELECT (id, organization_id, context_type) ON conversations TO sitesync_org_member",
    "GRANT SELECT (conversation_id, account_id, party), DELETE ON conversation_participants \
     TO sitesync_org_member",
    "GRANT UPDATE (name, organization_type, contact_email, contact_phone, website_url, \
     address_line1, address_line2, city, state, postal_code, country, settings, updated_at) \
     ON organizations TO sitesync_org_member",
    // Inventory lists surplus stock in the marketplace for its organization (through the
    // marketplace's own rules) and receives the organization's marketplace purchases.
    // Listings are public; its photos are copied from the item's.
    "GRANT SELECT, INSERT, UPDATE (inventory_item_id) ON marketplace_listings \
     TO sitesync_org_member",
    "GRANT SELECT, INSERT ON marketplace_listing_images TO sitesync_org_member",
    "GRANT SELECT (id, listing_id, buyer_org_id, quantity, unit_price, status, created_at) \
     ON marketplace_transactions TO sitesync_org_member",
    // Owners and admins make and revoke their organization's API keys; the role never reads a
    // key's hash, and the key lookup of each API request runs outside any organization.
    "GRANT SELECT (id, organization_id, key_prefix, name, description, scopes, \
     rate_limit_per_hour, last_used_at, expires_at, revoked_at, created_at), INSERT, \
     UPDATE (revoked_at, revoked_by, is_active) ON api_keys TO sitesync_org_member",
];

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// Applies pending platform migrations and refreshes the org group's grants, in the caller's
/// transaction pointed at `public` (`orgs::migrate::platform`).
pub fn apply_public(conn: &mut PgConnection) -> Result<(), MigrationError> {
    // Serialises concurrent starts (an app server and a CLI run at once).
    diesel::sql_query("SELECT pg_advisory_xact_lock(7400001)").execute(conn)?;
    without_statement_timeout(conn)?;
    // Policies in the migrations name the group role, so it must exist first.
    ensure_group_role(conn)?;
    conn.run_pending_migrations(PUBLIC)
        .map_err(|e| MigrationError::Migration(e.to_string()))?;
    for grant in ORG_GROUP_GRANTS {
        diesel::sql_query(*grant).execute(conn)?;
    }
    Ok(())
}

/// A migration may rewrite a large table: the request-sized statement timeout does not apply
/// to the rest of the caller's transaction.
pub fn without_statement_timeout(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT set_config('statement_timeout', '0', true)")
        .execute(conn)
        .map(|_| ())
}

fn ensure_group_role(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(create_group_role_sql()).execute(conn)?;
    diesel::sql_query(format!("GRANT USAGE ON SCHEMA public TO {ORG_GROUP_ROLE}")).execute(conn)?;
    Ok(())
}

/// Creates [`ORG_GROUP_ROLE`] unless it exists. Roles are shared by every database of a
/// cluster, so another database (or an earlier restore) may have made it.
pub fn create_group_role_sql() -> String {
    format!(
        "DO $$ BEGIN CREATE ROLE {ORG_GROUP_ROLE} NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
}

/// Applies pending org migrations to `schema_name`, in the caller's transaction already
/// pointed at that schema (`orgs::migrate`), so Diesel's unqualified
/// `__diesel_schema_migrations` is the schema's own.
pub fn apply_org(conn: &mut PgConnection, schema_name: &str) -> Result<(), MigrationError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(7400002, hashtext($1))")
        .bind::<Text, _>(schema_name)
        .execute(conn)?;
    without_statement_timeout(conn)?;
    conn.run_pending_migrations(ORG)
        .map_err(|e| MigrationError::Migration(e.to_string()))?;
    Ok(())
}
