//! The members page: list, invite, change roles, remove; and accepting an invitation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{InviteForm, RoleForm};
use super::operations;
use super::queries::{self, Invitation};
use super::views::{InvitationPage, MembersPage, RemovePage};
use crate::auth::forms::{PersonFields, SignUpForm};
use crate::auth::identity::Viewer;
use crate::auth::operations::NewAccount;
use crate::auth::roles::{Permission, Role};
use crate::orgs::context::{OrgCtx, OrgScope};
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError};
use crate::AppState;

struct Listing {
    members: Vec<queries::MemberView>,
    invitations: Vec<Invitation>,
}

fn load_listing(conn: &mut PgConnection, ctx: &OrgCtx) -> Result<Listing, AppError> {
    Ok(Listing {
        members: queries::list(conn, ctx.org.id)?,
        invitations: if ctx.role.can(Permission::ManageMembers) {
            queries::open_invitations(conn, ctx.org.id)?
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

pub async fn invite(
    scope: OrgScope,
    state: web::Data<AppState>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let role = form.validate(scope.role());
    let email = form.email.clone();
    let link_base = state.config.link_base();
    let (listing, outcome) = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            let outcome = match role {
                Ok(role) => match operations::invite(conn, ctx, &email, role, &link_base) {
                    Ok(invited) => Ok(invited),
                    Err(AppError::Rejected(errors)) => Err(errors),
                    Err(other) => return Err(other),
                },
                Err(errors) => Err(errors),
            };
            Ok((load_listing(conn, ctx)?, outcome))
        })
        .await?;
    match outcome {
        Ok(invited) => {
            let link = format!("{}/invitations/{}", state.config.link_base(), invited.token);
            render(&members_page(
                &scope,
                listing,
                InviteForm {
                    role: Role::Technician.as_str().into(),
                    ..Default::default()
                },
                FieldErrors::default(),
                Some((invited.invitation.email, link)),
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
            operations::revoke_invitation(conn, ctx, invitation_id)
        })
        .await?;
    scope.viewer.flash(
        "success",
        "The invitation was revoked; its link no longer works.",
    );
    Ok(see_other(format!("/o/{}/members", scope.slug())))
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
            operations::change_role(conn, ctx, membership_id, role)
        })
        .await
        .map_err(|e| match e {
            // A role offered by no control on the page: refused as such.
            AppError::Rejected(errors) => AppError::BadRequest(
                errors
                    .messages()
                    .map(|(_, message)| message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            other => other,
        })?;
    scope
        .viewer
        .flash("success", format!("{name} is now {}.", role.label()));
    Ok(see_other(format!("/o/{}/members", scope.slug())))
}

pub async fn remove_page(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let membership_id = path.into_inner().1;
    let member = scope
        .run(Permission::ManageMembers, move |conn, ctx| {
            Ok(queries::find(conn, ctx.org.id, membership_id)?)
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
            operations::remove(conn, ctx, membership_id)
        })
        .await?;
    scope.viewer.flash(
        "success",
        format!("{name} was removed from the organization."),
    );
    Ok(see_other(format!("/o/{}/members", scope.slug())))
}

struct Found {
    invitation: Invitation,
    organization_name: String,
    organization_slug: String,
}

async fn find_invitation(state: &AppState, token: &str) -> Result<Found, AppError> {
    let hash = crate::auth::tokens::hash(token);
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
        .run_pooled(move |conn| operations::accept(conn, invitation_id, &slug, account_id, &meta))
        .await?;
    viewer.flash(
        "success",
        format!("Welcome to {}!", found.organization_name),
    );
    Ok(see_other(landing(&found)))
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
        let password_hash = crate::auth::operations::hash_password(&person.password).await?;
        let created = state
            .db
            .run_pooled(move |conn| {
                operations::accept_with_new_account(
                    conn,
                    invitation_id,
                    &slug,
                    &NewAccount {
                        person: &person,
                        password_hash,
                    },
                    &meta,
                )
            })
            .await;
        match created {
            Ok(account) => {
                viewer.sign_in(&account)?;
                viewer.flash(
                    "success",
                    format!("Welcome to {}!", found.organization_name),
                );
                return Ok(see_other(landing(&found)));
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
