//! Contractor pages: list with filters, new, detail with work orders and performance, edit,
//! deactivate and reactivate.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::forms::{ContractorForm, ContractorListQuery, CONTRACTOR_TYPES};
use super::queries::{self, Contractor, Performance};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::members::queries as members;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, AppError, Htmx, Layout};
use crate::work_orders::queries::{self as work_orders, Card};

const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "contractors/list.html")]
struct ListPage {
    layout: Layout,
    slug: String,
    query: ContractorListQuery,
    rows: Vec<Contractor>,
    pagination: Pagination,
    types: &'static [(&'static str, &'static str)],
    specializations: Vec<String>,
    today: NaiveDate,
    can_manage: bool,
}

#[derive(Template)]
#[template(path = "contractors/list.html", block = "results")]
struct ListResults {
    slug: String,
    rows: Vec<Contractor>,
    pagination: Pagination,
    today: NaiveDate,
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<ContractorListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = crate::web::local_time::today(&scope.viewer.zone(Some(scope.slug())));
    let path = format!("/o/{}/contractors", scope.slug());
    let (rows, pagination, specializations) = {
        let query = query.clone();
        scope
            .read(move |conn, _| {
                let total = queries::count(conn, &query, today)?;
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                let rows = queries::page(conn, &query, today, pagination.offset(), PER_PAGE)?;
                Ok((rows, pagination, queries::specializations(conn)?))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    if htmx.is_fragment() {
        return render(&ListResults {
            slug,
            rows,
            pagination,
            today,
        });
    }
    render(&ListPage {
        layout: scope.layout("Contractors", "contractors"),
        slug,
        query,
        rows,
        pagination,
        types: CONTRACTOR_TYPES,
        specializations,
        today,
        can_manage: scope.can(Permission::ManageContractors),
    })
}

#[derive(Template)]
#[template(path = "contractors/form.html")]
struct FormPage {
    layout: Layout,
    slug: String,
    contractor_id: Option<Uuid>,
    form: ContractorForm,
    errors: FieldErrors,
    types: &'static [(&'static str, &'static str)],
    members: Vec<(Uuid, String, String)>,
}

/// The organization's members, as (account id, name, email), for linking a contractor.
fn member_options(
    conn: &mut PgConnection,
    organization_id: Uuid,
) -> QueryResult<Vec<(Uuid, String, String)>> {
    Ok(members::list(conn, organization_id)?
        .into_iter()
        .map(|m| (m.account_id, m.display_name, m.email))
        .collect())
}

async fn form_page(
    scope: &OrgScope,
    status: StatusCode,
    contractor_id: Option<Uuid>,
    form: ContractorForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let members = scope
        .run(Permission::ManageContractors, |conn, ctx| {
            Ok(member_options(conn, ctx.org.id)?)
        })
        .await?;
    let title = if contractor_id.is_some() {
        "Edit contractor"
    } else {
        "New contractor"
    };
    render_status(
        status,
        &FormPage {
            layout: scope.layout(title, "contractors"),
            slug: scope.slug().to_string(),
            contractor_id,
            form,
            errors,
            types: CONTRACTOR_TYPES,
            members,
        },
    )
}

pub async fn new_form(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let form = ContractorForm {
        contractor_type: "employee".into(),
        emergency_rate_multiplier: "1.50".into(),
        ..Default::default()
    };
    form_page(&scope, StatusCode::OK, None, form, FieldErrors::default()).await
}

async fn save(
    scope: OrgScope,
    id: Option<Uuid>,
    form: ContractorForm,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageContractors)?;
    let submitted = form.clone();
    let saved = scope
        .run(Permission::ManageContractors, move |conn, ctx| {
            let members: Vec<Uuid> = member_options(conn, ctx.org.id)?
                .into_iter()
                .map(|m| m.0)
                .collect();
            let values = form.validate(&members).map_err(AppError::Rejected)?;
            if let Some(account) = values.account_id {
                let taken = queries::for_account(conn, account)?;
                if taken.is_some() && taken != id {
                    let mut errors = FieldErrors::default();
                    errors.add(
                        "account_id",
                        "This member is already linked to another contractor.",
                    );
                    return Err(AppError::Rejected(errors));
                }
            }
            let (contractor, event) = match id {
                Some(id) => (queries::update(conn, id, &values)?, "contractor_updated"),
                None => (queries::insert(conn, &values)?, "contractor_created"),
            };
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(event, "contractor", contractor.id)
                    .data(json!({ "name": contractor.contact_name }))
                    .change(None, serde_json::to_value(&values).ok()),
            )?;
            Ok(contractor)
        })
        .await;
    match saved {
        Ok(contractor) => {
            scope
                .viewer
                .flash("success", format!("{} was saved.", contractor.contact_name));
            Ok(HttpResponse::SeeOther()
                .insert_header((
                    "Location",
                    format!("/o/{}/contractors/{}", scope.slug(), contractor.id),
                ))
                .finish())
        }
        Err(AppError::Rejected(errors)) => {
            form_page(
                &scope,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                submitted,
                errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<ContractorForm>,
) -> Result<HttpResponse, AppError> {
    save(scope, None, form.into_inner()).await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<ContractorForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    save(scope, Some(id), form.into_inner()).await
}

fn form_of(c: &Contractor) -> ContractorForm {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: &Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let money =
        |v: &Option<bigdecimal::BigDecimal>| v.as_ref().map(|d| d.to_string()).unwrap_or_default();
    ContractorForm {
        contractor_type: c.contractor_type.clone(),
        company_name: text(&c.company_name),
        company_abn: text(&c.company_abn),
        company_license: text(&c.company_license),
        contact_name: c.contact_name.clone(),
        email: text(&c.email),
        phone: text(&c.phone),
        address_line1: text(&c.address_line1),
        city: text(&c.city),
        state: text(&c.state),
        postal_code: text(&c.postal_code),
        license_number: text(&c.license_number),
        license_expiry: date(&c.license_expiry),
        insurance_policy: text(&c.insurance_policy),
        insurance_expiry: date(&c.insurance_expiry),
        specializations: Contractor::list_of(&c.specializations),
        trade_types: Contractor::list_of(&c.trade_types),
        manufacturer_certifications: Contractor::list_of(&c.manufacturer_certifications),
        hourly_rate: money(&c.hourly_rate),
        callout_fee: money(&c.callout_fee),
        emergency_rate_multiplier: c.emergency_rate_multiplier.to_string(),
        is_preferred: if c.is_preferred {
            "1".into()
        } else {
            String::new()
        },
        account_id: c.account_id.map(|a| a.to_string()).unwrap_or_default(),
    }
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let contractor = scope
        .run(Permission::ManageContractors, move |conn, _| {
            Ok(queries::find(conn, id)?)
        })
        .await?;
    form_page(
        &scope,
        StatusCode::OK,
        Some(id),
        form_of(&contractor),
        FieldErrors::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "contractors/detail.html")]
struct DetailPage {
    layout: Layout,
    slug: String,
    contractor: Contractor,
    performance: Performance,
    reliability: crate::dashboard::queries::Reliability,
    work_orders: Vec<Card>,
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
    can_manage: bool,
    linked_member: Option<String>,
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let (contractor, performance, reliability, work_orders, linked_member) = scope
        .read(move |conn, ctx| {
            let contractor = queries::find(conn, id)?;
            let linked = match contractor.account_id {
                Some(account) => member_options(conn, ctx.org.id)?
                    .into_iter()
                    .find(|m| m.0 == account)
                    .map(|m| m.1),
                None => None,
            };
            Ok((
                contractor,
                queries::performance(conn, id)?,
                crate::dashboard::queries::reliability(
                    conn,
                    crate::dashboard::queries::Scope {
                        contractor_id: Some(id),
                        ..Default::default()
                    },
                    Utc::now(),
                )?,
                work_orders::for_contractor(conn, id, 50)?,
                linked,
            ))
        })
        .await?;
    render(&DetailPage {
        layout: scope.layout(contractor.contact_name.clone(), "contractors"),
        slug: scope.slug().to_string(),
        contractor,
        performance,
        reliability,
        work_orders,
        today: crate::web::local_time::today(&scope.viewer.zone(Some(scope.slug()))),
        now: Utc::now(),
        can_manage: scope.can(Permission::ManageContractors),
        linked_member,
    })
}

async fn set_active(scope: OrgScope, id: Uuid, active: bool) -> Result<HttpResponse, AppError> {
    let name = scope
        .run(Permission::ManageContractors, move |conn, ctx| {
            let contractor = queries::find(conn, id)?;
            queries::set_active(conn, id, active)?;
            let event = if active {
                "contractor_reactivated"
            } else {
                "contractor_deactivated"
            };
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(event, "contractor", id)
                    .data(json!({ "name": contractor.contact_name })),
            )?;
            Ok(contractor.contact_name)
        })
        .await?;
    let message = if active {
        format!("{name} is active again.")
    } else {
        format!("{name} was deactivated and can no longer be assigned work.")
    };
    scope.viewer.flash("success", message);
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", format!("/o/{}/contractors/{id}", scope.slug())))
        .finish())
}

pub async fn deactivate(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    set_active(scope, id, false).await
}

pub async fn reactivate(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    set_active(scope, id, true).await
}
