//! `--demo`: a demo organization with people to sign in as, created once and kept on later
//! starts (nothing is duplicated).

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditEvent};
use crate::auth::accounts::{self, AccountInsertForm};
use crate::auth::password;
use crate::auth::roles::Role;
use crate::members::queries as memberships;
use crate::orgs::context::Actor;
use crate::orgs::provision::{self, NewOrganization};
use crate::orgs::{queries as orgs, tenancy};
use crate::web::request_meta::RequestMeta;

pub const DEMO_SLUG: &str = "demo";

/// A demo sign-in: (email, password, what it is).
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub what: &'static str,
}

pub const LOGINS: &[(&str, &str, &str, &str, Option<Role>, bool)] = &[
    // email, password, first name, last name, role in the demo org, platform admin
    (
        "owner@demo.sitesync.test",
        "harbour-lift-owner-2026",
        "Olivia",
        "Owner",
        Some(Role::Owner),
        false,
    ),
    (
        "manager@demo.sitesync.test",
        "harbour-lift-manager-2026",
        "Marco",
        "Manager",
        Some(Role::Manager),
        false,
    ),
    (
        "tech@demo.sitesync.test",
        "harbour-lift-tech-2026",
        "Tanvir",
        "Technician",
        Some(Role::Technician),
        false,
    ),
    (
        "viewer@demo.sitesync.test",
        "harbour-lift-viewer-2026",
        "Rhea",
        "Reader",
        Some(Role::ReadOnly),
        false,
    ),
    (
        "admin@demo.sitesync.test",
        "harbour-platform-admin-2026",
        "Priya",
        "Admin",
        None,
        true,
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Organization(#[from] provision::CreateError),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Other(String),
}

impl From<tenancy::TenancyError> for DemoError {
    fn from(e: tenancy::TenancyError) -> Self {
        DemoError::Other(e.to_string())
    }
}

/// Creates what is missing of the demo; returns the logins to print.
pub fn ensure(conn: &mut PgConnection) -> Result<Vec<DemoLogin>, DemoError> {
    conn.transaction(|conn| {
        let org = match orgs::find_by_slug(conn, DEMO_SLUG)? {
            Some(org) => org,
            None => provision::create_in_transaction(
                conn,
                &NewOrganization {
                    name: "Harbour City Lifts (demo)",
                    slug: DEMO_SLUG,
                    organization_type: "service_company",
                },
            )?,
        };
        let mut owner = None;
        for (email, pass, first, last, role, admin) in LOGINS {
            let account = match accounts::find_by_email(conn, email)? {
                Some(account) => account,
                None => {
                    let hash = password::hash(pass).map_err(|e| DemoError::Other(e.to_string()))?;
                    let account = accounts::insert(
                        conn,
                        &AccountInsertForm {
                            email,
                            password_hash: &hash,
                            first_name: first,
                            last_name: last,
                            display_name: &format!("{first} {last}"),
                            timezone: "Australia/Sydney",
                        },
                    )
                    .map_err(|e| DemoError::Other(e.to_string()))?;
                    if let Some(role) = role {
                        memberships::upsert(conn, account.id, org.id, *role)?;
                    }
                    if *admin {
                        accounts::set_platform_admin(conn, email, true)?;
                    }
                    account
                }
            };
            if *role == Some(Role::Owner) {
                owner = Some(account);
            }
        }
        if let Some(owner) = owner {
            tenancy::enter(conn, &org.schema_name, &org.role_name)?;
            let seeded: i64 = crate::db::schema_org::audit_events::table
                .count()
                .get_result(conn)?;
            if seeded == 0 {
                let actor = Actor {
                    account_id: owner.id,
                    email: owner.email.clone(),
                    display_name: owner.display_name.clone(),
                    meta: RequestMeta {
                        ip: "127.0.0.1".into(),
                        user_agent: "sitesync --demo".into(),
                        request_id: "demo".into(),
                    },
                };
                audit::record(
                    conn,
                    &actor,
                    AuditEvent::new("organization_created", "organization", org.id)
                        .data(json!({ "name": org.name, "slug": org.slug })),
                )?;
            }
        }
        Ok(LOGINS
            .iter()
            .map(|(email, password, _, _, role, admin)| DemoLogin {
                email,
                password,
                what: match (role, admin) {
                    (Some(role), _) => role.label(),
                    (None, true) => "Platform administrator",
                    _ => "Account",
                },
            })
            .collect())
    })
}
