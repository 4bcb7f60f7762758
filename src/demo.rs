//! `--demo`: a demo organization with people to sign in as, created once and kept on later
//! starts (nothing is duplicated).

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditEvent};
use crate::auth::accounts::{self, AccountInsertForm};
use crate::auth::password;
use crate::auth::roles::Role;
use crate::db::PooledConn;
use crate::members::queries as memberships;
use crate::orgs::context::Actor;
use crate::orgs::provision::{self, NewOrganization};
use crate::orgs::OrgHandle;
use crate::orgs::{self, queries as registry, As};
use crate::web::request_meta::RequestMeta;

pub const DEMO_SLUG: &str = "demo";

/// Other organizations of the demo platform (marketplace sellers, employers): slug, name, owner.
pub const OTHER_ORGS: &[(&str, &str, &str)] = &[
    (
        "coastal",
        "Coastal Lift Services",
        "owner@coastal.sitesync.test",
    ),
    ("summit", "Summit Elevators", "owner@summit.sitesync.test"),
];

/// A demo sign-in: (email, password, what it is).
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub what: &'static str,
}

/// The password of the other demo organizations' owners.
pub const OTHER_ORG_PASSWORD: &str = "harbour-partner-owner-2026";

/// Someone to sign in as in the demo.
struct DemoPerson {
    email: &'static str,
    password: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    /// Their role in the demo organization, if any.
    role: Option<Role>,
    platform_admin: bool,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        email: "owner@demo.sitesync.test",
        password: "harbour-lift-owner-2026",
        first_name: "Olivia",
        last_name: "Owner",
        role: Some(Role::Owner),
        platform_admin: false,
    },
    DemoPerson {
        email: "manager@demo.sitesync.test",
        password: "harbour-lift-manager-2026",
        first_name: "Marco",
        last_name: "Manager",
        role: Some(Role::Manager),
        platform_admin: false,
    },
    DemoPerson {
        email: "tech@demo.sitesync.test",
        password: "harbour-lift-tech-2026",
        first_name: "Tanvir",
        last_name: "Technician",
        role: Some(Role::Technician),
        platform_admin: false,
    },
    DemoPerson {
        email: "viewer@demo.sitesync.test",
        password: "harbour-lift-viewer-2026",
        first_name: "Rhea",
        last_name: "Reader",
        role: Some(Role::ReadOnly),
        platform_admin: false,
    },
    DemoPerson {
        email: "admin@demo.sitesync.test",
        password: "harbour-platform-admin-2026",
        first_name: "Priya",
        last_name: "Admin",
        role: None,
        platform_admin: true,
    },
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

impl From<orgs::TenancyError> for DemoError {
    fn from(e: orgs::TenancyError) -> Self {
        DemoError::Other(e.to_string())
    }
}

/// Creates what is missing of the demo; returns the logins to print.
pub fn ensure(conn: &mut PooledConn) -> Result<Vec<DemoLogin>, DemoError> {
    let mut logins = organizations(conn)?;
    let org = registry::find_by_slug(conn, DEMO_SLUG)?
        .ok_or_else(|| DemoError::Other("the demo organization is missing".into()))?
        .handle();
    let tenant = tenant_login(conn, &org)?;
    if tenant.is_some() {
        logins.push(DemoLogin {
            email: TENANT.email,
            password: TENANT.password,
            what: "Building tenant (portal)",
        });
    }
    let mut person = |email: &str| -> Result<Uuid, DemoError> {
        Ok(accounts::find_by_email(conn, email)?
            .ok_or_else(|| DemoError::Other(format!("demo account {email} is missing")))?
            .id)
    };
    let cast = crate::conversations::demo::Cast {
        owner: person(PEOPLE[0].email)?,
        manager: person(PEOPLE[1].email)?,
        technician: person(PEOPLE[2].email)?,
        tenant,
    };
    crate::conversations::demo::ensure(conn, &org, &cast)?;
    Ok(logins)
}

/// A building tenant who signs in to the portal: the tenant of the latest demo fault report.
const TENANT: DemoPerson = DemoPerson {
    email: "tenant@demo.sitesync.test",
    password: "harbour-lift-tenant-2026",
    first_name: "Tess",
    last_name: "Tenant",
    role: Some(Role::Tenant),
    platform_admin: false,
};

/// The tenant's account and tenants row, made once.
fn tenant_login(conn: &mut PooledConn, org: &OrgHandle) -> Result<Option<(Uuid, Uuid)>, DemoError> {
    use crate::db::schema_org::{service_requests, tenants};
    let row: Option<Uuid> = orgs::enter(conn, org, |conn| {
        service_requests::table
            .filter(service_requests::tenant_id.is_not_null())
            .order(service_requests::created_at.desc())
            .select(service_requests::tenant_id.assume_not_null())
            .first(conn)
            .optional()
            .map_err(DemoError::from)
    })?;
    let Some(row) = row else {
        return Ok(None);
    };
    let account = conn.transaction(|conn| -> Result<Uuid, DemoError> {
        let account = match accounts::find_by_email(conn, TENANT.email)? {
            Some(account) => account,
            None => {
                let hash =
                    password::hash(TENANT.password).map_err(|e| DemoError::Other(e.to_string()))?;
                accounts::insert(
                    conn,
                    &AccountInsertForm {
                        email: TENANT.email,
                        password_hash: &hash,
                        first_name: TENANT.first_name,
                        last_name: TENANT.last_name,
                        display_name: &format!("{} {}", TENANT.first_name, TENANT.last_name),
                        timezone: "Australia/Sydney",
                        email_verified_at: Some(chrono::Utc::now()),
                    },
                )
                .map_err(|e| DemoError::Other(e.to_string()))?
            }
        };
        memberships::upsert_with_tenant(conn, account.id, org.id, Role::Tenant, Some(row))?;
        Ok(account.id)
    })?;
    orgs::enter(conn, org, |conn| {
        diesel::update(tenants::table.find(row))
            .set(tenants::portal_account_id.eq(account))
            .execute(conn)
            .map_err(DemoError::from)
    })?;
    Ok(Some((account, row)))
}

/// The demo organization and the others, their people and their data.
fn organizations(conn: &mut PooledConn) -> Result<Vec<DemoLogin>, DemoError> {
    let ledger = conn.ledger();
    conn.transaction(|conn| {
        let org = match registry::find_by_slug(conn, DEMO_SLUG)? {
            Some(org) => org,
            None => provision::create_in_transaction(
                conn,
                &ledger,
                &NewOrganization {
                    name: "Harbour City Lifts (demo)",
                    slug: DEMO_SLUG,
                    organization_type: "service_company",
                },
            )?,
        };
        let mut owner = None;
        let mut technician = None;
        for person in PEOPLE {
            let account = match accounts::find_by_email(conn, person.email)? {
                Some(account) => account,
                None => {
                    let hash = password::hash(person.password)
                        .map_err(|e| DemoError::Other(e.to_string()))?;
                    let account = accounts::insert(
                        conn,
                        &AccountInsertForm {
                            email: person.email,
                            password_hash: &hash,
                            first_name: person.first_name,
                            last_name: person.last_name,
                            display_name: &format!("{} {}", person.first_name, person.last_name),
                            timezone: "Australia/Sydney",
                            email_verified_at: Some(chrono::Utc::now()),
                        },
                    )
                    .map_err(|e| DemoError::Other(e.to_string()))?;
                    if let Some(role) = person.role {
                        memberships::upsert(conn, account.id, org.id, role)?;
                    }
                    if person.platform_admin {
                        accounts::set_platform_admin(conn, person.email, true)?;
                    }
                    account
                }
            };
            if person.role == Some(Role::Technician) {
                technician = Some(account.id);
            }
            if person.role == Some(Role::Owner) {
                owner = Some(account);
            }
        }
        for (slug, name, email) in OTHER_ORGS {
            if registry::find_by_slug(conn, slug)?.is_some() {
                continue;
            }
            let other = provision::create_in_transaction(
                conn,
                &ledger,
                &NewOrganization {
                    name,
                    slug,
                    organization_type: "service_company",
                },
            )?;
            let hash =
                password::hash(OTHER_ORG_PASSWORD).map_err(|e| DemoError::Other(e.to_string()))?;
            let account = accounts::insert(
                conn,
                &AccountInsertForm {
                    email,
                    password_hash: &hash,
                    first_name: "Demo",
                    last_name: "Owner",
                    display_name: &format!("{name} owner"),
                    timezone: "Australia/Sydney",
                    email_verified_at: Some(chrono::Utc::now()),
                },
            )
            .map_err(|e| DemoError::Other(e.to_string()))?;
            memberships::upsert(conn, account.id, other.id, Role::Owner)?;
        }
        // Before entering the organization's role below, which cannot write platform tables.
        crate::forum::demo::ensure(conn, org.id).map_err(|e| DemoError::Other(e.to_string()))?;
        crate::marketplace::demo::ensure(conn)?;
        // Before entering an organization's schema and role, which cannot reach public tables.
        let job_board_logins = crate::jobs::demo::ensure(conn)?;
        if let Some(owner) = &owner {
            crate::api::keys::demo::ensure(conn, org.id, owner.id)?;
        }
        if let Some(owner) = owner {
            orgs::enter_in(conn, &ledger, &org.handle(), As::Organization)?;
            let seeded: i64 = crate::db::schema_org::audit_events::table
                .count()
                .get_result(conn)?;
            let actor = Actor::new(
                owner.id,
                &owner.email,
                &owner.display_name,
                RequestMeta {
                    ip: "127.0.0.1".into(),
                    user_agent: "sitesync --demo".into(),
                    request_id: "demo".into(),
                },
            );
            if seeded == 0 {
                audit::record(
                    conn,
                    &actor,
                    AuditEvent::new("organization_created", "organization", org.id)
                        .data(json!({ "name": org.name, "slug": org.slug })),
                )?;
            }
            crate::sites::demo::seed(conn, &actor).map_err(|e| DemoError::Other(e.to_string()))?;
            crate::service_requests::demo::seed(conn, &actor)
                .map_err(|e| DemoError::Other(e.to_string()))?;
            crate::work_orders::demo::seed(conn, &actor, technician)
                .map_err(|e| DemoError::Other(e.to_string()))?;
            crate::maintenance::demo::seed(conn, &org.handle(), &actor)
                .map_err(|e| DemoError::Other(e.to_string()))?;
            crate::inventory::demo::seed(conn, &org.handle(), &actor)
                .map_err(|e| DemoError::Other(e.to_string()))?;
            crate::dashboard::demo::seed(conn).map_err(|e| DemoError::Other(e.to_string()))?;
        }
        Ok(PEOPLE
            .iter()
            .map(|person| DemoLogin {
                email: person.email,
                password: person.password,
                what: match (person.role, person.platform_admin) {
                    (Some(role), _) => role.label(),
                    (None, true) => "Platform administrator",
                    _ => "Account",
                },
            })
            .chain(job_board_logins)
            .collect())
    })
}
