//! Tenants (a building's occupants): the list, their records, and their portal invitations.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::service_requests::forms::{TenantForm, TriageForm};
use crate::service_requests::operations;
use crate::service_requests::queries::{self as sr, QueueQuery, Tenant};
use crate::service_requests::views;
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError};
use crate::work_orders::operations::Acting;
use crate::AppState;

#[derive(Debug, Default, serde::Deserialize)]
pub struct TenantQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    inactive: String,
}

pub async fn tenants_list(
    scope: OrgScope,
    query: web::Query<TenantQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (site, search, inactive) = (
        Uuid::parse_str(&query.site).ok(),
        query.q.clone(),
        query.inactive == "1",
    );
    let (rows, site_options) = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            Ok((
                sr::tenants(conn, site, &search, inactive)?,
                crate::sites::queries::options(conn)?,
            ))
        })
        .await?;
    render(&views::TenantsPage {
        layout: scope.layout("Tenants", "tenants"),
        slug: scope.slug().to_string(),
        q: query.q,
        site: query.site,
        inactive,
        rows,
        sites: site_options,
    })
}

async fn tenant_form_page(
    scope: &OrgScope,
    status: StatusCode,
    id: Option<Uuid>,
    form: TenantForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let site_options = scope
        .run(Permission::ManageServiceRequests, |conn, _| {
            Ok(crate::sites::queries::options(conn)?)
        })
        .await?;
    render_status(
        status,
        &views::TenantFormPage {
            layout: scope.layout(
                if id.is_some() {
                    "Edit tenant"
                } else {
                    "New tenant"
                },
                "tenants",
            ),
            slug: scope.slug().to_string(),
            id,
            form,
            errors,
            sites: site_options,
        },
    )
}

pub async fn tenant_new(scope: OrgScope) -> Result<HttpResponse, AppError> {
    tenant_form_page(
        &scope,
        StatusCode::OK,
        None,
        TenantForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn tenant_save(
    scope: OrgScope,
    id: Option<Uuid>,
    form: TenantForm,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageServiceRequests)?;
    let values = match form.validate() {
        Ok(v) => v,
        Err(errors) => {
            return tenant_form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, id, form, errors)
                .await
        }
    };
    let saved = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::save_tenant(conn, &Acting::member(ctx), id, &values)
        })
        .await;
    match saved {
        Ok(tenant_id) => {
            scope.viewer.flash("success", "Tenant saved.");
            Ok(see_other(format!(
                "/o/{}/tenants/{tenant_id}",
                scope.slug()
            )))
        }
        Err(AppError::Rejected(errors)) => {
            tenant_form_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, id, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn tenant_create(
    scope: OrgScope,
    form: web::Form<TenantForm>,
) -> Result<HttpResponse, AppError> {
    tenant_save(scope, None, form.into_inner()).await
}

pub async fn tenant_update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TenantForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    tenant_save(scope, Some(id), form.into_inner()).await
}

/// A tenant's page: their record to edit, their requests, and a fresh invitation link.
async fn tenant_page(
    scope: &OrgScope,
    tenant: Tenant,
    form: TenantForm,
    invite_link: Option<String>,
) -> Result<HttpResponse, AppError> {
    let id = tenant.id;
    let (requests, site_options) = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            Ok((
                sr::page(conn, &QueueQuery::default(), Some(id), 0, 50)?,
                crate::sites::queries::options(conn)?,
            ))
        })
        .await?;
    render(&views::TenantPage {
        layout: scope.layout(tenant.name.clone(), "tenants"),
        slug: scope.slug().to_string(),
        tenant,
        requests,
        form,
        sites: site_options,
        invite_link,
    })
}

pub async fn tenant_detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let tenant = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            Ok(sr::tenant(conn, id)?)
        })
        .await?;
    let form = TenantForm {
        site_id: tenant.site_id.to_string(),
        name: tenant.name.clone(),
        unit_number: tenant.unit_number.clone().unwrap_or_default(),
        floor: tenant.floor.clone().unwrap_or_default(),
        primary_contact_name: tenant.primary_contact_name.clone().unwrap_or_default(),
        primary_contact_email: tenant.primary_contact_email.clone().unwrap_or_default(),
        primary_contact_phone: tenant.primary_contact_phone.clone().unwrap_or_default(),
        move_in_date: tenant
            .move_in_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        move_out_date: tenant
            .move_out_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
    };
    tenant_page(&scope, tenant, form, None).await
}

pub async fn tenant_set_active(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let active = form.reason == "activate";
    scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::set_tenant_active(conn, &Acting::member(ctx), id, active)
        })
        .await?;
    scope.viewer.flash(
        "success",
        if active {
            "Tenant reactivated."
        } else {
            "Tenant deactivated."
        },
    );
    Ok(see_other(format!("/o/{}/tenants/{id}", scope.slug())))
}

/// An invitation to the tenant portal for the tenant's contact.
pub async fn tenant_invite(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let link_base = state.config.link_base();
    let invitation = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::invite_tenant(conn, &Acting::member(ctx), id, &link_base)
        })
        .await?;
    let tenant = invitation.tenant;
    let form = TenantForm {
        site_id: tenant.site_id.to_string(),
        name: tenant.name.clone(),
        ..Default::default()
    };
    let link = format!(
        "{}/invitations/{}",
        state.config.link_base(),
        invitation.token
    );
    tenant_page(&scope, tenant, form, Some(link)).await
}
