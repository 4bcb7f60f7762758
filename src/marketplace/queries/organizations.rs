//! The organizations behind listings and orders: who trades for them, their names, and whether
//! the platform suspended them.

use diesel::prelude::*;
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::db::schema_public::organizations;

/// Who hears about an organization's marketplace business: the members who trade for it.
pub fn org_traders(conn: &mut PgConnection, org_id: Uuid) -> QueryResult<Vec<Uuid>> {
    crate::members::queries::with_permission(conn, org_id, Permission::TradeParts)
}

/// Organization names by id, for a handful of ids in one query.
pub fn org_names(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<OrgNames> {
    organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)
        .map(OrgNames)
}

pub struct OrgNames(Vec<(Uuid, String)>);

impl OrgNames {
    pub fn of(&self, org_id: Uuid) -> String {
        self.0
            .iter()
            .find(|(id, _)| *id == org_id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }
}

/// The condition (on a listing aliased `l`) that leaves out listings of suspended
/// organizations. The suspended organizations are read once per statement (an init plan), so
/// the listing side keeps the plan and indexes it had without the condition.
pub const SELLER_NOT_SUSPENDED: &str =
    "l.seller_org_id <> ALL (ARRAY(SELECT o.id FROM organizations o \
     WHERE o.suspended_at IS NOT NULL))";
