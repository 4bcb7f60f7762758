//! Memberships and invitations (`public.memberships`, `public.invitations`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::auth::roles::{Permission, Role};
use crate::db::schema_public::{accounts, invitations, memberships, organizations};
use crate::orgs::queries::Organization;
use crate::orgs::OrgHandle;

/// One organization an account belongs to, with what is needed to enter it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct MembershipSummary {
    pub org: OrgHandle,
    pub role: Role,
    pub suspended: bool,
    /// For a tenant member: their row in the organization's `tenants`.
    pub tenant_id: Option<Uuid>,
    /// The organization's own time zone (its settings), for times with no site.
    #[serde(default)]
    pub timezone: Option<String>,
}

pub fn for_account(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> QueryResult<Vec<MembershipSummary>> {
    let rows: Vec<(Organization, String, Option<Uuid>, Option<String>)> = memberships::table
        .inner_join(organizations::table)
        .filter(memberships::account_id.eq(account_id))
        .filter(organizations::deleted_at.is_null())
        .order(organizations::name)
        .select((
            Organization::as_select(),
            memberships::role,
            memberships::tenant_id,
            crate::db::static_sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
                "organizations.settings->>'timezone'",
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(org, role, tenant_id, timezone)| {
            Some(MembershipSummary {
                role: Role::parse(&role)?,
                suspended: org.suspended_at.is_some(),
                org: org.handle(),
                tenant_id,
                timezone,
            })
        })
        .collect())
}

/// A member as the members page lists them.
#[derive(Debug, Clone, Queryable)]
pub struct MemberView {
    pub membership_id: Uuid,
    pub account_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub since: DateTime<Utc>,
}

impl MemberView {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::ReadOnly)
    }
}

pub fn list(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Vec<MemberView>> {
    memberships::table
        .inner_join(accounts::table)
        .filter(memberships::organization_id.eq(organization_id))
        .order((accounts::display_name, accounts::email))
        .select((
            memberships::id,
            accounts::id,
            accounts::display_name,
            accounts::email,
            memberships::role,
            memberships::created_at,
        ))
        .load(conn)
}

pub fn find(
    conn: &mut PgConnection,
    organization_id: Uuid,
    membership_id: Uuid,
) -> QueryResult<MemberView> {
    memberships::table
        .inner_join(accounts::table)
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::id.eq(membership_id))
        .select((
            memberships::id,
            accounts::id,
            accounts::display_name,
            accounts::email,
            memberships::role,
            memberships::created_at,
        ))
        .first(conn)
}

pub fn count_owners(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .count()
        .get_result(conn)
}

/// Adds a membership, or changes the role of an existing one.
pub fn upsert(
    conn: &mut PgConnection,
    account_id: Uuid,
    organization_id: Uuid,
    role: Role,
) -> QueryResult<Uuid> {
    upsert_with_tenant(conn, account_id, organization_id, role, None)
}

/// As [`upsert`], tying a `tenant` membership to its tenants row.
pub fn upsert_with_tenant(
    conn: &mut PgConnection,
    account_id: Uuid,
    organization_id: Uuid,
    role: Role,
    tenant_id: Option<Uuid>,
) -> QueryResult<Uuid> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::account_id.eq(account_id),
            memberships::organization_id.eq(organization_id),
            memberships::role.eq(role.as_str()),
            memberships::tenant_id.eq(tenant_id),
        ))
        .on_conflict((memberships::account_id, memberships::organization_id))
        .do_update()
        .set((
            memberships::role.eq(role.as_str()),
            memberships::tenant_id.eq(tenant_id),
            memberships::updated_at.eq(Utc::now()),
        ))
        .returning(memberships::id)
        .get_result(conn)
}

/// Sets a staff role; a tenant's link to their tenants row goes with the tenant role (the
/// table's check wants the two together).
pub fn set_role(
    conn: &mut PgConnection,
    organization_id: Uuid,
    membership_id: Uuid,
    role: Role,
) -> QueryResult<usize> {
    diesel::update(
        memberships::table
            .filter(memberships::organization_id.eq(organization_id))
            .filter(memberships::id.eq(membership_id)),
    )
    .set((
        memberships::role.eq(role.as_str()),
        memberships::tenant_id.eq(None::<Uuid>),
        memberships::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
}

pub fn remove(
    conn: &mut PgConnection,
    organization_id: Uuid,
    membership_id: Uuid,
) -> QueryResult<usize> {
    diesel::delete(
        memberships::table
            .filter(memberships::organization_id.eq(organization_id))
            .filter(memberships::id.eq(membership_id)),
    )
    .execute(conn)
}

/// Serialises changes to one organization's owners, so two admins demoting the last two
/// owners at once cannot leave none.
pub fn lock_organization(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(7400003, hashtext($1))")
        .bind::<diesel::sql_types::Text, _>(organization_id.to_string())
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Invitation {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub tenant_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
}

impl Invitation {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::ReadOnly)
    }

    pub fn is_open(&self) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && self.expires_at > Utc::now()
    }
}

#[allow(clippy::too_many_arguments)]
pub fn create_invitation(
    conn: &mut PgConnection,
    organization_id: Uuid,
    email: &str,
    role: Role,
    tenant_id: Option<Uuid>,
    token_hash: &[u8],
    invited_by: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<Invitation> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::tenant_id.eq(tenant_id),
            invitations::organization_id.eq(organization_id),
            invitations::email.eq(email),
            invitations::role.eq(role.as_str()),
            invitations::token_hash.eq(token_hash),
            invitations::invited_by.eq(invited_by),
            invitations::expires_at.eq(expires_at),
        ))
        .returning(Invitation::as_returning())
        .get_result(conn)
}

pub fn open_invitations(
    conn: &mut PgConnection,
    organization_id: Uuid,
) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(Utc::now()))
        .order(invitations::created_at.desc())
        .select(Invitation::as_select())
        .load(conn)
}

pub fn revoke_invitation(
    conn: &mut PgConnection,
    organization_id: Uuid,
    invitation_id: Uuid,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(organization_id))
            .filter(invitations::id.eq(invitation_id))
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::revoked_at.eq(Utc::now()))
    .execute(conn)
}

/// An invitation with its organization, looked up by the hash of the token in the link.
pub fn invitation_by_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<(Invitation, String, String)>> {
    invitations::table
        .inner_join(organizations::table)
        .filter(invitations::token_hash.eq(token_hash))
        .filter(organizations::deleted_at.is_null())
        .select((
            Invitation::as_select(),
            organizations::name,
            organizations::slug,
        ))
        .first(conn)
        .optional()
}

/// What an invitation grants and who sent it, locked until the transaction ends so two
/// acceptances of one link cannot both act on it.
pub fn invitation_for_update(
    conn: &mut PgConnection,
    invitation_id: Uuid,
) -> QueryResult<Invitation> {
    invitations::table
        .find(invitation_id)
        .select(Invitation::as_select())
        .for_update()
        .first(conn)
}

/// The members of an organization whose role grants `permission`.
pub fn with_permission(
    conn: &mut PgConnection,
    organization_id: Uuid,
    permission: Permission,
) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq_any(permission.role_names()))
        .select(memberships::account_id)
        .load(conn)
}

/// The accounts that are members for one tenant of the organization.
pub fn tenant_accounts(
    conn: &mut PgConnection,
    organization_id: Uuid,
    tenant_id: Uuid,
) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::tenant_id.eq(tenant_id))
        .select(memberships::account_id)
        .load(conn)
}

/// An account's membership in an organization, if any: its id, role and tenant link.
pub fn membership_of(
    conn: &mut PgConnection,
    organization_id: Uuid,
    account_id: Uuid,
) -> QueryResult<Option<(Uuid, String, Option<Uuid>)>> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::account_id.eq(account_id))
        .select((memberships::id, memberships::role, memberships::tenant_id))
        .for_update()
        .first(conn)
        .optional()
}

/// The current role of `account_id` in the organization (the inviter's, when an invitation
/// is accepted).
pub fn role_of(
    conn: &mut PgConnection,
    organization_id: Uuid,
    account_id: Uuid,
) -> QueryResult<Option<Role>> {
    Ok(memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::account_id.eq(account_id))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .and_then(|r| Role::parse(&r)))
}

/// Whether the email already belongs to a member of the organization, and as what.
pub fn member_role_by_email(
    conn: &mut PgConnection,
    organization_id: Uuid,
    email: &str,
) -> QueryResult<Option<Role>> {
    Ok(memberships::table
        .inner_join(accounts::table)
        .filter(memberships::organization_id.eq(organization_id))
        .filter(accounts::email.eq(email))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .and_then(|r| Role::parse(&r)))
}

/// Marks the invitation used; `false` when it was used, revoked or expired meanwhile.
pub fn consume_invitation(
    conn: &mut PgConnection,
    invitation_id: Uuid,
    account_id: Uuid,
) -> QueryResult<bool> {
    let updated = diesel::update(
        invitations::table
            .filter(invitations::id.eq(invitation_id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(Utc::now())),
    )
    .set((
        invitations::accepted_at.eq(Utc::now()),
        invitations::accepted_by.eq(account_id),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
