//! Membership rules: inviting, changing roles, removing, and joining by invitation.
//!
//! Every change to someone's membership — a role change on the members page, a removal, an
//! invitation accepted by a person who is already a member — passes [`check_role_change`]:
//! only owners touch owners, nobody grants above their own role, an organization always keeps
//! an owner, and the tenant role goes only with a tenant record.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, Invitation};
use crate::audit::{self, AuditEvent};
use crate::auth::accounts::{self, Account};
use crate::auth::operations::{self as account_operations, NewAccount};
use crate::auth::roles::{Permission, Role};
use crate::auth::tokens;
use crate::db::{PooledConn, SchemaLedger};
use crate::mail::{self, messages, Email};
use crate::orgs::{self, queries as registry, Actor, As, OrgCtx, OrgHandle};
use crate::web::forms::FieldErrors;
use crate::web::local_time;
use crate::web::request_meta::RequestMeta;
use crate::web::AppError;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Why a membership change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MembershipError {
    #[error("Only an owner can change an owner's membership or make someone an owner.")]
    OwnersOnly,
    #[error("You cannot grant a role above your own.")]
    AboveOwnRole,
    #[error("An organization needs at least one owner. Make someone else an owner first.")]
    LastOwner,
    #[error("Tenants are building occupants: they get portal access from their tenant record on the Tenants page, not a role on the members page.")]
    TenantFromMembers,
    #[error("{email} is already a member of this organization ({role}). Change their role on this page instead of inviting them again.")]
    AlreadyMember { email: String, role: &'static str },
    #[error("You are already a member of {organization} as {current}. This invitation is for {offered}, which would lower your role; ask an administrator to change it on the members page instead.")]
    WouldLower {
        organization: String,
        current: &'static str,
        offered: &'static str,
    },
    #[error("This invitation can no longer be used: the person who sent it no longer manages {0}'s members. Ask for a new one.")]
    InviterGone(String),
    #[error("This invitation can no longer be used.")]
    InvitationUsed,
}

impl From<MembershipError> for AppError {
    fn from(e: MembershipError) -> Self {
        match e {
            MembershipError::OwnersOnly | MembershipError::AboveOwnRole => {
                AppError::Forbidden(e.to_string())
            }
            MembershipError::TenantFromMembers | MembershipError::AlreadyMember { .. } => {
                let mut errors = FieldErrors::default();
                errors.add(
                    match e {
                        MembershipError::AlreadyMember { .. } => "email",
                        _ => "role",
                    },
                    e.to_string(),
                );
                AppError::Rejected(errors)
            }
            _ => AppError::Conflict(e.to_string()),
        }
    }
}

/// The rules for `acting` (a member's role) moving a membership from `current` to `new`
/// (`None`: removing it). Takes the organization's owner lock when an owner may be lost.
pub fn check_role_change(
    conn: &mut PgConnection,
    organization_id: Uuid,
    acting: Role,
    current: Role,
    new: Option<Role>,
) -> Result<(), AppError> {
    if new == Some(Role::Tenant) && current != Role::Tenant {
        return Err(MembershipError::TenantFromMembers.into());
    }
    let touches_owner = current == Role::Owner || new == Some(Role::Owner);
    if touches_owner && !acting.can(Permission::ManageOwners) {
        return Err(MembershipError::OwnersOnly.into());
    }
    if new.is_some_and(|role| role > acting) {
        return Err(MembershipError::AboveOwnRole.into());
    }
    if current == Role::Owner && new != Some(Role::Owner) {
        queries::lock_organization(conn, organization_id)?;
        if queries::count_owners(conn, organization_id)? <= 1 {
            return Err(MembershipError::LastOwner.into());
        }
    }
    Ok(())
}

/// A new invitation: its id and the secret token for the link (only its hash is stored).
pub struct Invited {
    pub invitation: Invitation,
    pub token: String,
}

/// Invites `email` to join with `role`. Someone who is already a member is not invited again:
/// their role is changed on the members page, under the same rules as any role change.
pub fn invite(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    email: &str,
    role: Role,
    link_base: &str,
) -> Result<Invited, AppError> {
    if role == Role::Tenant {
        return Err(MembershipError::TenantFromMembers.into());
    }
    if role > ctx.role {
        return Err(MembershipError::AboveOwnRole.into());
    }
    let email = accounts::normalize_email(email);
    if let Some(existing) = queries::member_role_by_email(conn, ctx.org.id, &email)? {
        return Err(MembershipError::AlreadyMember {
            email,
            role: existing.label(),
        }
        .into());
    }
    let token = tokens::new_token();
    let invitation = queries::create_invitation(
        conn,
        ctx.org.id,
        &email,
        role,
        None,
        &tokens::hash(&token),
        ctx.actor.account_id,
        Utc::now() + Duration::days(INVITATION_DAYS),
    )?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("member_invited", "invitation", invitation.id)
            .data(json!({ "email": email, "role": role.as_str() })),
    )?;
    let zone = crate::orgs::settings::default_zone(conn, &ctx.choices, ctx.org.id)?;
    email_invitation(
        conn,
        &ctx.org,
        &ctx.actor,
        &invitation,
        &token,
        link_base,
        zone,
    )?;
    Ok(Invited { invitation, token })
}

/// Emails `invitation` (its link carries `token`) in the inviting transaction; the page
/// still shows the link to copy, for an address that does not receive the mail.
pub fn email_invitation(
    conn: &mut PgConnection,
    org: &OrgHandle,
    inviter: &Actor,
    invitation: &Invitation,
    token: &str,
    link_base: &str,
    zone: chrono_tz::Tz,
) -> Result<(), AppError> {
    let content = messages::Invitation {
        organization: org.name.clone(),
        inviter: inviter.display_name.clone(),
        role: invitation.role().label().to_lowercase(),
        link: format!("{link_base}/invitations/{token}"),
        expires: local_time::date_time(&invitation.expires_at, &zone),
    }
    .render()?;
    mail::send(
        conn,
        &Email {
            kind: "invitation",
            to_address: &invitation.email,
            to_name: None,
            content,
            account_id: None,
            organization_id: Some(org.id),
            correlation_id: Some(format!("invitation:{}", invitation.id)),
        },
    )?;
    Ok(())
}

pub fn revoke_invitation(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    invitation_id: Uuid,
) -> Result<(), AppError> {
    if queries::revoke_invitation(conn, ctx.org.id, invitation_id)? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("invitation_revoked", "invitation", invitation_id),
    )?;
    Ok(())
}

/// Changes a member's role; returns their name. A tenant given a staff role loses the tenant
/// link (and the portal that comes with it).
pub fn change_role(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    membership_id: Uuid,
    role: Role,
) -> Result<String, AppError> {
    let member = queries::find(conn, ctx.org.id, membership_id)?;
    check_role_change(conn, ctx.org.id, ctx.role, member.role(), Some(role))?;
    if member.role() == Role::Tenant && role != Role::Tenant {
        unlink_portal(conn, member.account_id)?;
    }
    queries::set_role(conn, ctx.org.id, membership_id, role)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("member_role_changed", "membership", membership_id)
            .data(json!({ "email": member.email }))
            .change(
                Some(json!({ "role": member.role })),
                Some(json!({ "role": role.as_str() })),
            ),
    )?;
    Ok(member.display_name)
}

/// Removes a member; returns their name.
pub fn remove(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    membership_id: Uuid,
) -> Result<String, AppError> {
    let member = queries::find(conn, ctx.org.id, membership_id)?;
    check_role_change(conn, ctx.org.id, ctx.role, member.role(), None)?;
    if member.role() == Role::Tenant {
        unlink_portal(conn, member.account_id)?;
    }
    queries::remove(conn, ctx.org.id, membership_id)?;
    crate::conversations::queries::leave_organization(conn, ctx.org.id, member.account_id)?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("member_removed", "membership", membership_id)
            .data(json!({ "email": member.email }))
            .change(Some(json!({ "role": member.role })), None),
    )?;
    Ok(member.display_name)
}

/// The tenant record no longer points at an account that stopped being its portal login.
fn unlink_portal(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<usize> {
    use crate::db::schema_org::tenants;
    diesel::update(tenants::table.filter(tenants::portal_account_id.eq(account_id)))
        .set(tenants::portal_account_id.eq(None::<Uuid>))
        .execute(conn)
}

/// Accepts the invitation as the signed-in account `account_id`.
pub fn accept(
    conn: &mut PooledConn,
    invitation_id: Uuid,
    slug: &str,
    account_id: Uuid,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let ledger = conn.ledger();
    conn.transaction(|conn| {
        let account = accounts::find(conn, account_id)?;
        let elsewhere = queries::for_account(conn, account.id)?
            .iter()
            .any(|m| m.org.slug != slug);
        if account.email_verified_at.is_none() && elsewhere {
            return Err(AppError::Conflict(UNVERIFIED_SECOND_ORGANIZATION.into()));
        }
        join(conn, &ledger, invitation_id, slug, &account, meta)
    })
}

/// Why an account whose address is not confirmed cannot join another organization yet.
pub const UNVERIFIED_SECOND_ORGANIZATION: &str = "Confirm your email address before you join \
     another organization: open the link we emailed you when you signed up, or send a new one \
     from your account page. This invitation stays valid meanwhile.";

/// Creates the invited person's account and accepts the invitation with it, in one
/// transaction.
pub fn accept_with_new_account(
    conn: &mut PooledConn,
    invitation_id: Uuid,
    slug: &str,
    new: &NewAccount,
    meta: &RequestMeta,
) -> Result<Account, AppError> {
    let ledger = conn.ledger();
    conn.transaction(|conn| {
        let Some(account) = account_operations::create_account(conn, new, meta)? else {
            let mut errors = FieldErrors::default();
            errors.add(
                "email",
                "An account with this email exists: sign in to accept the invitation.",
            );
            return Err(AppError::Rejected(errors));
        };
        // The invitation reached this address, which proves it.
        crate::auth::accounts::mark_verified(conn, account.id)?;
        join(conn, &ledger, invitation_id, slug, &account, meta)?;
        Ok(account)
    })
}

/// Uses up the invitation and adds the membership — or, for someone already a member, applies
/// it as a role change the inviter could have made, never lowering it — and records it, in the
/// caller's transaction.
fn join(
    conn: &mut PgConnection,
    ledger: &SchemaLedger,
    invitation_id: Uuid,
    slug: &str,
    account: &Account,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let org = registry::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    let invitation = queries::invitation_for_update(conn, invitation_id)?;
    let offered = invitation.role();
    let existing = queries::membership_of(conn, org.id, account.id)?;
    let before = existing.as_ref().and_then(|(_, role, _)| Role::parse(role));
    if let Some(current) = before {
        if offered < current {
            return Err(MembershipError::WouldLower {
                organization: org.name.clone(),
                current: current.label(),
                offered: offered.label(),
            }
            .into());
        }
        if offered != current {
            let inviter = match invitation.invited_by {
                Some(inviter) => queries::role_of(conn, org.id, inviter)?,
                None => None,
            }
            .filter(|role| role.can(Permission::ManageMembers))
            .ok_or_else(|| MembershipError::InviterGone(org.name.clone()))?;
            check_role_change(conn, org.id, inviter, current, Some(offered))?;
        }
    }
    if !queries::consume_invitation(conn, invitation_id, account.id)? {
        return Err(MembershipError::InvitationUsed.into());
    }
    let membership_id = match (&existing, before) {
        (Some((id, _, _)), Some(current)) if current == offered => *id,
        _ => queries::upsert_with_tenant(conn, account.id, org.id, offered, invitation.tenant_id)?,
    };
    orgs::enter_in(conn, ledger, &org.handle(), As::Organization)?;
    if before == Some(Role::Tenant) && offered != Role::Tenant {
        unlink_portal(conn, account.id)?;
    }
    if let Some(tenant) = invitation.tenant_id {
        use crate::db::schema_org::tenants;
        diesel::update(tenants::table.find(tenant))
            .set(tenants::portal_account_id.eq(account.id))
            .execute(conn)?;
    }
    let actor = Actor::new(
        account.id,
        &account.email,
        &account.display_name,
        meta.clone(),
    );
    let event = match before {
        None => AuditEvent::new("member_joined", "membership", membership_id)
            .data(json!({ "email": account.email, "role": offered.as_str() })),
        Some(current) => AuditEvent::new("member_role_changed", "membership", membership_id)
            .data(json!({ "email": account.email, "by_invitation": invitation_id }))
            .change(
                Some(json!({ "role": current.as_str() })),
                Some(json!({ "role": offered.as_str() })),
            ),
    };
    audit::record(conn, &actor, event)?;
    Ok(())
}
