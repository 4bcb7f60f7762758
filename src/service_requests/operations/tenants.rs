//! Tenants (a building's occupants): their records, their invitation to the portal, and the
//! rating they give a resolved request.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::require;
use crate::audit::{self, AuditEvent};
use crate::auth::roles::{Permission, Role};
use crate::db::schema_org::{service_requests, tenants};
use crate::service_requests::queries::{self as sr, Tenant};
use crate::web::forms::FieldErrors;
use crate::web::AppError;
use crate::work_orders::operations::Acting;

/// A tenant's record as entered.
#[derive(Debug, Clone)]
pub struct TenantValues {
    pub site_id: Uuid,
    pub name: String,
    pub unit_number: Option<String>,
    pub floor: Option<String>,
    pub primary_contact_name: Option<String>,
    pub primary_contact_email: Option<String>,
    pub primary_contact_phone: Option<String>,
    pub move_in_date: Option<NaiveDate>,
    pub move_out_date: Option<NaiveDate>,
}

/// A requester's rating of a resolved request.
#[derive(Debug, Clone)]
pub struct Rating {
    /// 1 to 5.
    pub stars: i32,
    pub feedback: Option<String>,
}

/// Creates a tenant (`id` none) or updates tenant `id`, at one of the current sites; returns
/// its id.
pub fn save_tenant(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Option<Uuid>,
    values: &TenantValues,
) -> Result<Uuid, AppError> {
    require(acting, Permission::ManageServiceRequests)?;
    match crate::sites::queries::find(conn, values.site_id) {
        Ok(site) if site.deleted_at.is_none() => {}
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            let mut errors = FieldErrors::default();
            errors.add("site_id", "Choose one of your current sites.");
            return Err(AppError::Rejected(errors));
        }
        Err(e) => return Err(e.into()),
    }
    let columns = (
        tenants::site_id.eq(values.site_id),
        tenants::name.eq(&values.name),
        tenants::unit_number.eq(&values.unit_number),
        tenants::floor.eq(&values.floor),
        tenants::primary_contact_name.eq(&values.primary_contact_name),
        tenants::primary_contact_email.eq(&values.primary_contact_email),
        tenants::primary_contact_phone.eq(&values.primary_contact_phone),
        tenants::move_in_date.eq(values.move_in_date),
        tenants::move_out_date.eq(values.move_out_date),
    );
    let tenant_id: Uuid = match id {
        Some(id) => diesel::update(tenants::table.find(id))
            .set((columns, tenants::updated_at.eq(Utc::now())))
            .returning(tenants::id)
            .get_result(conn)?,
        None => diesel::insert_into(tenants::table)
            .values(columns)
            .returning(tenants::id)
            .get_result(conn)?,
    };
    let event = if id.is_some() {
        "tenant_updated"
    } else {
        "tenant_created"
    };
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new(event, "tenant", tenant_id).data(json!({ "name": values.name })),
    )?;
    Ok(tenant_id)
}

/// Deactivates tenant `id` (moved out) or reactivates it.
pub fn set_tenant_active(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    active: bool,
) -> Result<(), AppError> {
    require(acting, Permission::ManageServiceRequests)?;
    let updated = diesel::update(tenants::table.find(id))
        .set((
            tenants::is_active.eq(active),
            tenants::updated_at.eq(Utc::now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    let event = if active {
        "tenant_reactivated"
    } else {
        "tenant_deactivated"
    };
    audit::record(conn, acting.actor, AuditEvent::new(event, "tenant", id))?;
    Ok(())
}

/// An invitation to the portal, and the secret its link carries (only its hash is stored).
pub struct PortalInvitation {
    pub tenant: Tenant,
    pub token: String,
}

/// Invites tenant `id`'s contact to the portal for seven days.
pub fn invite_tenant(
    conn: &mut PgConnection,
    acting: &Acting,
    id: Uuid,
    link_base: &str,
) -> Result<PortalInvitation, AppError> {
    require(acting, Permission::ManageServiceRequests)?;
    let tenant = sr::tenant(conn, id)?;
    let email = tenant.primary_contact_email.clone().ok_or_else(|| {
        AppError::Conflict(
            "Add the tenant contact's email before inviting them to the portal.".into(),
        )
    })?;
    let token = sr::new_token();
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let invitation = crate::members::queries::create_invitation(
        conn,
        acting.org.id,
        &email,
        Role::Tenant,
        Some(tenant.id),
        &hash,
        acting.actor.account_id,
        Utc::now() + chrono::Duration::days(7),
    )?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("tenant_invited", "tenant", id)
            .data(json!({ "email": email, "invitation": invitation.id })),
    )?;
    let zone = crate::work_orders::operations::site_zone(conn, tenant.site_id)?;
    crate::members::operations::email_invitation(
        conn,
        acting.org,
        acting.actor,
        &invitation,
        &token,
        link_base,
        zone,
    )?;
    Ok(PortalInvitation { tenant, token })
}

/// Tenant `tenant_id` rates their own request `id`, once it is resolved, once.
pub fn rate(
    conn: &mut PgConnection,
    acting: &Acting,
    tenant_id: Uuid,
    id: Uuid,
    rating: &Rating,
) -> Result<(), AppError> {
    require(acting, Permission::TenantPortal)?;
    let request = sr::find(conn, id)?;
    // Another tenant's request does not exist for this one.
    if request.tenant_id != Some(tenant_id) {
        return Err(AppError::NotFound);
    }
    if !request.can_be_rated() {
        return Err(AppError::Conflict(
            "Only a resolved request can be rated, once.".into(),
        ));
    }
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::satisfaction_rating.eq(rating.stars),
            service_requests::feedback_text.eq(&rating.feedback),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("service_request_rated", "service_request", id)
            .data(json!({ "rating": rating.stars })),
    )?;
    Ok(())
}
