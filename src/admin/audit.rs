//! The platform's own audit trail: what administrators and operators did to organizations
//! and accounts. It outlives what it names (an organization's row stays as a tombstone).

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::platform_audit;

/// Who did it: a signed-in administrator, or an operator at the command line.
#[derive(Debug, Clone)]
pub struct PlatformActor {
    pub account_id: Option<Uuid>,
    pub label: String,
}

impl PlatformActor {
    pub fn account(id: Uuid, email: &str) -> PlatformActor {
        PlatformActor {
            account_id: Some(id),
            label: email.to_string(),
        }
    }

    /// The command line: named by the OS user who ran it.
    pub fn operator() -> PlatformActor {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        PlatformActor {
            account_id: None,
            label: format!("operator ({user}) at the command line"),
        }
    }
}

pub fn record(
    conn: &mut PgConnection,
    actor: &PlatformActor,
    action: &str,
    organization_id: Option<Uuid>,
    subject: &str,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(platform_audit::table)
        .values((
            platform_audit::actor_account_id.eq(actor.account_id),
            platform_audit::actor_label.eq(&actor.label),
            platform_audit::action.eq(action),
            platform_audit::organization_id.eq(organization_id),
            platform_audit::subject.eq(subject),
            platform_audit::detail.eq(detail),
        ))
        .execute(conn)
        .map(drop)
}
