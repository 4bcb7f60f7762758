//! The members page: list, invite, change roles, remove; and accepting an invitation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::forms::{InviteForm, RoleForm};
use super::queries::{self, Invitation};
use super::views::{InvitationPage, MembersPage, RemovePage};
use crate::audit::{self, AuditEvent};
use crate::auth::forms::{PersonFields, SignUpForm};
use crate::auth::identity::Viewer;
use crate::auth::roles::{Permission, Role};
use crate::auth::{accounts, password};
use crate::orgs::context::{Actor, OrgCtx, OrgScope};
use crate::orgs::{queries as orgs, tenancy};
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, AppError};
use crate::AppState;

const INVITATION_DAYS: i64 = 7;

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

struct Listing {
    members: Vec<queries::MemberView>,
    invitations: Vec<Invitation>,
}

fn load_listing(conn: &mut PgConnection, ctx: &OrgCtx) -> Result<Listing, AppError> {
    Ok(Listing {
        members: queries::list(conn, ctx.org.organization_id)?,
        invitations: if ctx.role.can(Permission::ManageMembers) {
            queries::open_invitations(conn, ctx.org.organization_id)?
        } else {
            Vec::new()
        },
    })
}

fn members_page(
    scope: &OrgScope,
    listing: Listing,
    invite: InviteForm,
    errors: FieldErrors,
    new_link: Option<(String, String)>,
) -> MembersPage {
    MembersPage {
        layout: scope.layout("Members", "members"),
        slug: scope.slug().to_string(),
        members: listing.members,
        invitations: listing.invitations,
        can_manage: scope.can(Permission::ManageMembers),
        my_role: scope.role(),
        my_account: scope.viewer.signed_in().map(|a| a.id).unwrap_or_default(),
        invite,
        errors,
        new_link,
        roles: Role::ALL,
    }
}

pub async fn list(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let listing = scope.run(Permission::ViewMembers, load_listing).await?;
    render(&members_page(
        &scope,
        listing,
        InviteForm {
            role: Role::Technician.as_str().into(),
            ..Default::default()
        },
        FieldErrors::default(),
        None,
    ))
}

/// The absolute base of links we hand out (`https://host`).
fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

pub async fn invite(
    scope: OrgScope,
    req: HttpRequest,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageMembers)?;
    let form = form.into_inner();
    let role = form.validate(scope.role());
    let mut token_bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut token_bytes);
    let token = hex::encode(token_bytes);
    let hash = token_hash(&token);
    let email = accounts::normalize_email(&form.email);
    let (listing, outcome) = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            let outcome = match role {
                Ok(role) => {
                    let invitation = queries::create_invitation(
                        conn,
                        ctx.org.organization_id,
                        &email,
                        role,
                        None,
                        &hash,
                        ctx.actor.account_id,
                        Utc::now() + Duration::days(INVITATION_DAYS),
                    )?;
                    audit::record(
                        conn,
                        &ctx.actor,
                        AuditEvent::new("member_invited", "invitation", invitation.id)
                            .data(json!({ "email": email, "role": role.as_str() })),
                    )?;
                    Ok(email)
                }
                Err(errors) => Err(errors),
            };
            Ok((load_listing(conn, ctx)?, outcome))
        })
        .await?;
    match outcome {
        Ok(email) => {
            let link = format!("{}/invitations/{token}", base_url(&req));
            render(&members_page(
                &scope,
                listing,
                InviteForm {
                    role: Role::Technician.as_str().into(),
                    ..Default::default()
                },
                FieldErrors::default(),
                Some((email, link)),
            ))
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &members_page(&scope, listing, form, errors, None),
        ),
    }
}

pub async fn revoke_invitation(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let invitation_id = path.into_inner().1;
    scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            if queries::revoke_invitation(conn, ctx.org.organization_id, invitation_id)? == 0 {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("invitation_revoked", "invitation", invitation_id),
            )?;
            Ok(())
        })
        .await?;
    scope.viewer.flash(
        "success",
        "The invitation was revoked; its link no longer works.",
    );
    Ok(see_other(&format!("/o/{}/members", scope.slug())))
}

/// Owners are the only ones who may change owners, and an organization always keeps one.
fn check_change(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    member: &queries::MemberView,
    new_role: Option<Role>,
) -> Result<(), AppError> {
    let current = member.role();
    let touches_owner = current == Role::Owner || new_role == Some(Role::Owner);
    if touches_owner && ctx.role != Role::Owner {
        return Err(AppError::Forbidden(
            "Only an owner can change an owner's membership or make someone an owner.".into(),
        ));
    }
    if let Some(role) = new_role {
        if role > ctx.role {
            return Err(AppError::Forbidden(
                "You cannot grant a role above your own.".into(),
            ));
        }
    }
    if current == Role::Owner && new_role != Some(Role::Owner) {
        queries::lock_organization(conn, ctx.org.organization_id)?;
        if queries::count_owners(conn, ctx.org.organization_id)? <= 1 {
            return Err(AppError::Conflict(
                "An organization needs at least one owner. Make someone else an owner first."
                    .into(),
            ));
        }
    }
    Ok(())
}

pub async fn change_role(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let membership_id = path.into_inner().1;
    let role = Role::parse(&form.role)
        .ok_or_else(|| AppError::BadRequest("Choose one of the listed roles.".into()))?;
    let name = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            let member = queries::find(conn, ctx.org.organization_id, membership_id)?;
            check_change(conn, ctx, &member, Some(role))?;
            queries::set_role(conn, ctx.org.organization_id, membership_id, role)?;
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
        })
        .await?;
    scope
        .viewer
        .flash("success", format!("{name} is now {}.", role.label()));
    Ok(see_other(&format!("/o/{}/members", scope.slug())))
}

pub async fn remove_page(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let membership_id = path.into_inner().1;
    let member = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            Ok(queries::find(conn, ctx.org.organization_id, membership_id)?)
        })
        .await?;
    render(&RemovePage {
        layout: scope.layout("Remove member", "members"),
        slug: scope.slug().to_string(),
        member,
    })
}

pub async fn remove(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let membership_id = path.into_inner().1;
    let name = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            let member = queries::find(conn, ctx.org.organization_id, membership_id)?;
            check_change(conn, ctx, &member, None)?;
            queries::remove(conn, ctx.org.organization_id, membership_id)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("member_removed", "membership", membership_id)
                    .data(json!({ "email": member.email }))
                    .change(Some(json!({ "role": member.role })), None),
            )?;
            Ok(member.display_name)
        })
        .await?;
    scope.viewer.flash(
        "success",
        format!("{name} was removed from the organization."),
    );
    Ok(see_other(&format!("/o/{}/members", scope.slug())))
}

struct Found {
    invitation: Invitation,
    organization_name: String,
    organization_slug: String,
}

async fn find_invitation(state: &AppState, token: &str) -> Result<Found, AppError> {
    let hash = token_hash(token);
    state
        .db
        .run(move |conn| -> Result<Found, AppError> {
            let (invitation, organization_name, organization_slug) =
                queries::invitation_by_token(conn, &hash)?.ok_or(AppError::NotFound)?;
            Ok(Found {
                invitation,
                organization_name,
                organization_slug,
            })
        })
        .await
}

fn problem_with(found: &Found, signed_in_email: Option<&str>) -> Option<String> {
    let invitation = &found.invitation;
    if invitation.accepted_at.is_some() {
        Some("This invitation has already been used.".into())
    } else if invitation.revoked_at.is_some() {
        Some("This invitation was withdrawn. Ask for a new one.".into())
    } else if invitation.expires_at <= Utc::now() {
        Some("This invitation has expired. Ask for a new one.".into())
    } else if signed_in_email.is_some_and(|e| e != invitation.email) {
        Some(format!(
            "This invitation is for {}. Sign out and sign in (or sign up) with that email to accept it.",
            invitation.email
        ))
    } else {
        None
    }
}

fn invitation_page(
    viewer: &Viewer,
    token: String,
    found: &Found,
    form: Option<PersonFields>,
    errors: FieldErrors,
) -> InvitationPage {
    let signed_in_as = viewer.signed_in().map(|a| a.email.clone());
    let mut person = form.unwrap_or_default();
    person.email = found.invitation.email.clone();
    InvitationPage {
        layout: viewer.form_layout(format!("Join {}", found.organization_name)),
        token,
        organization_name: found.organization_name.clone(),
        role: found.invitation.role(),
        email: found.invitation.email.clone(),
        problem: problem_with(found, signed_in_as.as_deref()),
        signed_in_as,
        form: SignUpForm { person, next: None },
        errors,
    }
}

pub async fn invitation(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = find_invitation(&state, &token).await?;
    render(&invitation_page(
        &viewer,
        token,
        &found,
        None,
        FieldErrors::default(),
    ))
}

/// Adds the membership, uses up the invitation and records both, in one transaction.
fn join(
    conn: &mut PgConnection,
    found_id: Uuid,
    slug: &str,
    account: &accounts::Account,
    viewer_meta: &crate::web::request_meta::RequestMeta,
) -> Result<(), AppError> {
    let org = orgs::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    let (invitation_role, tenant_id) = {
        use crate::db::schema_public::invitations::dsl as i;
        i::invitations
            .find(found_id)
            .select((i::role, i::tenant_id))
            .first::<(String, Option<Uuid>)>(conn)?
    };
    let role = Role::parse(&invitation_role).unwrap_or(Role::ReadOnly);
    if !queries::consume_invitation(conn, found_id, account.id)? {
        return Err(AppError::Conflict(
            "This invitation can no longer be used.".into(),
        ));
    }
    let membership_id = queries::upsert_with_tenant(conn, account.id, org.id, role, tenant_id)?;
    tenancy::enter(conn, &org.schema_name, &org.role_name)?;
    if let Some(tenant) = tenant_id {
        use crate::db::schema_org::tenants;
        diesel::update(tenants::table.find(tenant))
            .set(tenants::portal_account_id.eq(account.id))
            .execute(conn)?;
    }
    let actor = Actor {
        account_id: account.id,
        email: account.email.clone(),
        display_name: account.display_name.clone(),
        meta: viewer_meta.clone(),
    };
    audit::record(
        conn,
        &actor,
        AuditEvent::new("member_joined", "membership", membership_id)
            .data(json!({ "email": account.email, "role": role.as_str() })),
    )?;
    Ok(())
}

pub async fn accept(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let account_id = viewer.require_account()?.id;
    let found = find_invitation(&state, &token).await?;
    if let Some(problem) = problem_with(&found, viewer.signed_in().map(|a| a.email.as_str())) {
        return Err(AppError::Conflict(problem));
    }
    let (invitation_id, slug, meta) = (
        found.invitation.id,
        found.organization_slug.clone(),
        viewer.meta.clone(),
    );
    state
        .db
        .run(move |conn| {
            conn.transaction(|conn| {
                let account = accounts::find(conn, account_id)?;
                join(conn, invitation_id, &slug, &account, &meta)
            })
        })
        .await?;
    viewer.flash(
        "success",
        format!("Welcome to {}!", found.organization_name),
    );
    Ok(see_other(&landing(&found)))
}

/// Tenants land in their portal; everyone else on the organization's home page.
fn landing(found: &Found) -> String {
    if found.invitation.role() == Role::Tenant {
        format!("/o/{}/portal", found.organization_slug)
    } else {
        format!("/o/{}", found.organization_slug)
    }
}

/// Accepting as someone new: create the account and join in one go.
pub async fn accept_with_signup(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<PersonFields>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let found = find_invitation(&state, &token).await?;
    if let Some(problem) = problem_with(&found, None) {
        return Err(AppError::Conflict(problem));
    }
    let mut person = form.into_inner();
    person.email = found.invitation.email.clone();
    let mut errors = FieldErrors::default();
    person.validate(&mut errors);
    if errors.is_empty() {
        let (invitation_id, slug, meta, person) = (
            found.invitation.id,
            found.organization_slug.clone(),
            viewer.meta.clone(),
            person.clone(),
        );
        let created = state
            .db
            .run(move |conn| {
                conn.transaction(|conn| -> Result<accounts::Account, AppError> {
                    let hash = password::hash(&person.password).map_err(AppError::internal)?;
                    let account = accounts::insert(
                        conn,
                        &accounts::AccountInsertForm {
                            email: &person.email,
                            password_hash: &hash,
                            first_name: person.first_name.trim(),
                            last_name: person.last_name.trim(),
                            display_name: &person.display_name(),
                            timezone: "Australia/Sydney",
                        },
                    )
                    .map_err(|e| match e {
                        accounts::InsertError::EmailTaken => {
                            let mut errors = FieldErrors::default();
                            errors.add("email", "An account with this email exists: sign in to accept the invitation.");
                            AppError::Rejected(errors)
                        }
                        accounts::InsertError::Database(e) => e.into(),
                    })?;
                    join(conn, invitation_id, &slug, &account, &meta)?;
                    Ok(account)
                })
            })
            .await;
        match created {
            Ok(account) => {
                viewer.sign_in(&account)?;
                viewer.flash(
                    "success",
                    format!("Welcome to {}!", found.organization_name),
                );
                return Ok(see_other(&landing(&found)));
            }
            Err(AppError::Rejected(more)) => {
                for (field, message) in more.messages() {
                    errors.add(field, message.clone());
                }
            }
            Err(other) => return Err(other),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &invitation_page(
            &viewer,
            token,
            &found,
            Some(person.without_passwords()),
            errors,
        ),
    )
}
