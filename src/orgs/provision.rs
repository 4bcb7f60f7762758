//! Creating an organization: its registry row, database role, schema and tables, all in one
//! transaction, so a failure leaves nothing half-made.

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::migrate;
use super::naming::{quote_ident, Slug, SlugError};
use super::queries::{self, Organization, OrganizationInsertForm};
use crate::db::migrations::{MigrationError, ORG_GROUP_ROLE};
use crate::db::{PooledConn, SchemaLedger};

pub const ORGANIZATION_TYPES: &[(&str, &str)] = &[
    ("service_company", "Lift service company"),
    ("building_owner", "Building owner or manager"),
    ("manufacturer", "Manufacturer"),
    ("supplier", "Parts supplier"),
    ("insurance", "Insurer"),
    ("trade_school", "Trade school"),
    ("regulatory_body", "Regulator"),
    ("individual", "Individual"),
];

pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub organization_type: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("Slug: {0}")]
    Slug(#[from] SlugError),
    #[error("The slug “{0}” is already taken")]
    Taken(String),
    #[error("Name: enter 1 to 255 characters")]
    Name,
    #[error("Unknown organization type")]
    OrganizationType,
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("{0}")]
    Migration(#[from] MigrationError),
}

impl From<DieselError> for CreateError {
    fn from(e: DieselError) -> Self {
        CreateError::Database(e)
    }
}

pub fn validate_name(name: &str) -> Result<&str, CreateError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(CreateError::Name);
    }
    Ok(name)
}

/// Creates the organization. Call within the caller's transaction when it must commit together
/// with other rows (the owner's membership); [`create`] wraps it in its own. `ledger` is the
/// pooled connection's (its migrations enter the new schema).
pub fn create_in_transaction(
    conn: &mut PgConnection,
    ledger: &SchemaLedger,
    new: &NewOrganization,
) -> Result<Organization, CreateError> {
    let org = register_in_transaction(conn, new)?;
    let schema = quoted(&org.schema_name)?;
    diesel::sql_query(format!("CREATE SCHEMA {schema}")).execute(conn)?;
    grant_schema(conn, &org)?;
    migrate::organization_in(conn, ledger, &org.handle())?;
    Ok(org)
}

/// The registry row and the database role of a new organization, without its schema: the
/// schema is then either created empty ([`create_in_transaction`]) or brought in from an
/// export (`orgs::restore`).
pub fn register_in_transaction(
    conn: &mut PgConnection,
    new: &NewOrganization,
) -> Result<Organization, CreateError> {
    let name = validate_name(new.name)?;
    let slug = Slug::parse(new.slug)?;
    if !ORGANIZATION_TYPES
        .iter()
        .any(|(key, _)| *key == new.organization_type)
    {
        return Err(CreateError::OrganizationType);
    }
    let schema_name = slug.schema_name();
    let role_name = slug.new_role_name();
    let org = queries::insert(
        conn,
        &OrganizationInsertForm {
            name,
            slug: slug.as_str(),
            schema_name: &schema_name,
            role_name: &role_name,
            organization_type: new.organization_type,
        },
    )
    .map_err(|e| match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            CreateError::Taken(slug.as_str().to_string())
        }
        other => CreateError::Database(other),
    })?;
    let role = quoted(&role_name)?;
    // The org role signs in with no password: it is only ever assumed with SET ROLE, and a
    // LOGIN role keeps working where a coordinator connects as the current role (Citus).
    diesel::sql_query(format!("CREATE ROLE {role} LOGIN IN ROLE {ORG_GROUP_ROLE}"))
        .execute(conn)?;
    diesel::sql_query(format!("GRANT {role} TO CURRENT_USER")).execute(conn)?;
    Ok(org)
}

/// Gives the organization's role its rights on its schema: through default privileges, on the
/// tables migrations add. Migrations may take some back (the audit trail is append-only).
pub fn grant_schema(conn: &mut PgConnection, org: &Organization) -> Result<(), CreateError> {
    let schema = quoted(&org.schema_name)?;
    let role = quoted(&org.role_name)?;
    let grant = format!("GRANT USAGE ON SCHEMA {schema} TO {role}");
    for statement in std::iter::once(&grant).chain(&default_privileges(&schema, &role)) {
        diesel::sql_query(statement).execute(conn)?;
    }
    Ok(())
}

/// Gives `role` its rights on the tables and sequences later made in `schema` (both quoted).
/// Default privileges belong to the user who runs them, which must be the one that will run
/// the organization's migrations: provisioning, and a restore (`backup::dump`).
pub fn default_privileges(schema: &str, role: &str) -> [String; 2] {
    [
        format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} \
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        ),
        format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        ),
    ]
}

fn quoted(name: &str) -> Result<String, CreateError> {
    quote_ident(name).ok_or(CreateError::Slug(SlugError::Format))
}

pub fn create(conn: &mut PooledConn, new: &NewOrganization) -> Result<Organization, CreateError> {
    let ledger = conn.ledger();
    conn.transaction(|conn| create_in_transaction(conn, &ledger, new))
}
