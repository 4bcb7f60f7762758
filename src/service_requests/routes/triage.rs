//! The managers' triage queue: the list, one request, and the actions on it.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use crate::attachments::views::Gallery;
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::service_requests::forms::TriageForm;
use crate::service_requests::operations;
use crate::service_requests::queries::{self as sr, QueueQuery};
use crate::service_requests::views;
use crate::web::pagination::Pagination;
use crate::web::{render, see_other, AppError};
use crate::work_orders::operations::Acting;

pub async fn queue(
    scope: OrgScope,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let path = format!("/o/{}/service-requests", scope.slug());
    let (rows, pagination, site_options) = {
        let query = query.clone();
        scope
            .run(Permission::ManageServiceRequests, move |conn, _| {
                let total = sr::count(conn, &query, None)?;
                let pagination = Pagination::new(&path, query.page, 30, total).keeping(&query);
                let rows = sr::page(conn, &query, None, pagination.offset(), 30)?;
                Ok((rows, pagination, crate::sites::queries::options(conn)?))
            })
            .await?
    };
    render(&views::QueuePage {
        layout: scope.layout("Service requests", "service_requests"),
        slug: scope.slug().to_string(),
        query,
        rows,
        pagination,
        sites: site_options,
    })
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let slug = scope.slug().to_string();
    let (request, events, site_name, site_zone, lift, work_order, gallery) = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            let request = sr::find(conn, id)?;
            let (site_name, site_zone) = sr::site_place(conn, request.site_id)?;
            let lift = match request.elevator_id {
                Some(e) => Some(sr::lift_unit(conn, e)?),
                None => None,
            };
            let work_order = match request.assigned_work_order_id {
                Some(w) => Some((w, crate::work_orders::queries::number_of(conn, w)?)),
                None => None,
            };
            Ok((
                request.clone(),
                sr::events(conn, id)?,
                site_name,
                site_zone,
                lift,
                work_order,
                Gallery::of_service_request(conn, &slug, id, true)?,
            ))
        })
        .await?;
    render(&views::RequestPage {
        layout: scope.layout(format!("Request {}", request.reference), "service_requests"),
        slug: scope.slug().to_string(),
        request,
        events,
        site_name,
        site_zone,
        lift,
        work_order,
        gallery,
    })
}

/// A triage action's answer: its message flashed, and the request's page again.
fn done(scope: &OrgScope, id: Uuid, message: String) -> HttpResponse {
    scope.viewer.flash("success", message);
    see_other(format!("/o/{}/service-requests/{id}", scope.slug()))
}

pub async fn acknowledge(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let reference = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::acknowledge(conn, &Acting::member(ctx), id)
        })
        .await?;
    Ok(done(&scope, id, format!("{reference} acknowledged.")))
}

pub async fn set_priority(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let priority = form.into_inner().priority;
    let (reference, priority) = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            let reference = operations::set_priority(conn, &Acting::member(ctx), id, &priority)?;
            Ok((reference, priority))
        })
        .await?;
    Ok(done(
        &scope,
        id,
        format!("{reference} is now {priority} priority."),
    ))
}

pub async fn reject(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let reason = form.reason().map_err(AppError::BadRequest)?;
    let reference = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::reject(conn, &Acting::member(ctx), id, &reason)
        })
        .await?;
    Ok(done(&scope, id, format!("{reference} was declined.")))
}

/// A work order pre-filled from the request; the request follows it from then on.
pub async fn convert(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let (order, reference) = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            operations::convert(conn, &Acting::member(ctx), id)
        })
        .await?;
    scope.viewer.flash(
        "success",
        format!("{} was created from {reference}.", order.work_order_number),
    );
    Ok(see_other(format!(
        "/o/{}/work-orders/{}",
        scope.slug(),
        order.id
    )))
}
