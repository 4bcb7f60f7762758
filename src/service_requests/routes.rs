//! Fault reports: the public report form behind a site's or lift's QR code, the private status
//! page, the managers' triage queue, tenants and their portal, and the printable QR pages.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, Utc};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::forms::{RatingForm, ReportForm, TenantForm, TriageForm};
use super::queries::{self as sr, QueueQuery, ReportTarget, RequestInsert, ServiceRequest};
use super::views::{self, QrPage, ReportPage, StatusPage};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::{Permission, Role};
use crate::auth::Viewer;
use crate::db::schema_org::{elevators, service_requests, sites, tenants};
use crate::db::schema_public::memberships;
use crate::elevators::queries::{self as lifts, ChangedBy};
use crate::elevators::status::ElevatorStatus;
use crate::members::queries::MembershipSummary;
use crate::notifications::{notify, NewNotification};
use crate::orgs::context::{Actor, OrgCtx};
use crate::orgs::queries::Organization;
use crate::orgs::{tenancy, OrgScope};
use crate::web::choices::Choices;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, AppError};
use crate::work_orders::forms::NewWorkOrder;
use crate::work_orders::status::{Priority, WorkOrderStatus, WorkOrderType};
use crate::AppState;

const PER_IP: i64 = 5;
const PER_SITE: i64 = 30;

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// The organization behind a public link, acting as the report form (no account).
fn public_ctx(org: &Organization, meta: crate::web::request_meta::RequestMeta) -> OrgCtx {
    OrgCtx {
        org: MembershipSummary {
            organization_id: org.id,
            slug: org.slug.clone(),
            name: org.name.clone(),
            role: Role::ReadOnly,
            schema_name: org.schema_name.clone(),
            role_name: org.role_name.clone(),
            suspended: org.suspended_at.is_some(),
            tenant_id: None,
        },
        role: Role::ReadOnly,
        actor: Actor {
            account_id: Uuid::nil(),
            email: "public report form".into(),
            display_name: "Public report form".into(),
            meta,
        },
        // A report changes no filter choice (sites, lifts, contractors), and shows none.
        choices: Choices::new(Default::default(), &org.schema_name),
    }
}

/// Runs `work` inside the organization named by a public link; unknown, malformed or
/// suspended organizations are not found.
async fn in_public_org<T, F>(state: &AppState, slug: String, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection, &Organization) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    if crate::orgs::naming::Slug::parse(&slug).is_err() {
        return Err(AppError::NotFound);
    }
    state
        .db
        .run(move |conn| {
            tenancy::in_org(conn, &slug, |conn, org| {
                if org.suspended_at.is_some() {
                    return Err(AppError::NotFound);
                }
                work(conn, org)
            })
        })
        .await
}

fn report_page(
    viewer: &Viewer,
    slug: &str,
    token: &str,
    target: ReportTarget,
    form: ReportForm,
    errors: FieldErrors,
    message: Option<String>,
) -> ReportPage {
    ReportPage {
        layout: viewer.form_layout(format!("Report a problem — {}", target.site_name)),
        slug: slug.to_string(),
        token: token.to_string(),
        target,
        form,
        errors,
        message,
    }
}

pub async fn report_form(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let lookup = token.clone();
    let target = in_public_org(&state, slug.clone(), move |conn, _| {
        sr::find_target(conn, &lookup)?.ok_or(AppError::NotFound)
    })
    .await?;
    let form = ReportForm {
        request_type: "issue_report".into(),
        elevator_id: target
            .elevator_id
            .map(|e| e.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    render(&report_page(
        &viewer,
        &slug,
        &token,
        target,
        form,
        FieldErrors::default(),
        None,
    ))
}

/// Managers of the organization, who hear about every new request.
fn managers(conn: &mut PgConnection, organization_id: Uuid) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq_any(["owner", "admin", "manager"]))
        .select(memberships::account_id)
        .load(conn)
}

enum Submitted {
    Done(Box<ServiceRequest>),
    Refused(StatusCode, FieldErrors, Option<String>),
}

/// Records a request and tells the managers; someone trapped becomes an emergency work order
/// at once and the lift goes out of service — all in the caller's transaction.
fn submit(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    target: &ReportTarget,
    report: super::forms::Report,
    tenant_id: Option<Uuid>,
    account: Option<Uuid>,
) -> Result<ServiceRequest, AppError> {
    let now = Utc::now();
    let reference = sr::next_reference(conn, now.year())?;
    let request = sr::insert(
        conn,
        &RequestInsert {
            reference,
            status_token: sr::new_token(),
            site_id: target.site_id,
            elevator_id: report.elevator_id,
            tenant_id,
            request_type: report.request_type.clone(),
            subject: report.subject.clone(),
            description: report.description.clone(),
            contact_name: report.contact_name.clone(),
            contact_email: report.contact_email.clone(),
            contact_phone: report.contact_phone.clone(),
            entrapment: report.trapped,
            priority: if report.trapped { "urgent" } else { "normal" }.into(),
            submitted_ip: Some(ctx.actor.meta.ip.clone()),
            submitted_by_account: account,
        },
    )?;
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("service_request_created", "service_request", request.id)
            .data(json!({ "reference": request.reference, "subject": request.subject, "entrapment": request.entrapment })),
    )?;
    let mut link = format!("/o/{}/service-requests/{}", ctx.org.slug, request.id);
    let mut title = format!(
        "New fault report {}: {} at {}",
        request.reference, request.subject, target.site_name
    );
    if let (true, Some(elevator_id)) = (report.trapped, report.elevator_id) {
        let order = crate::work_orders::routes::create_in(
            conn,
            ctx,
            &NewWorkOrder {
                site_id: Some(target.site_id),
                elevator_id: Some(elevator_id),
                work_type: WorkOrderType::Breakdown,
                priority: Priority::Emergency,
                title: format!("Entrapment: {}", request.subject),
                description: request.description.clone(),
                fault_code: None,
                reported_symptoms: Some(
                    "Person trapped in the lift, reported through the building's report link."
                        .into(),
                ),
                affected_floors: None,
                entrapment: true,
                reported_by_name: request.contact_name.clone(),
                reported_by_phone: request.contact_phone.clone(),
                reported_by_email: request.contact_email.clone(),
                assigned_contractor_id: None,
                scheduled_start: String::new(),
                scheduled_end: String::new(),
                due_date: String::new(),
                status: WorkOrderStatus::Pending,
                parent_work_order_id: None,
                callback_reported_trouble: None,
                callback_reported_at: String::new(),
            },
        )?;
        sr::link_work_order(conn, request.id, order.id)?;
        sr::set_status(
            conn,
            request.id,
            "acknowledged",
            Some("Emergency work order raised for the trapped person"),
        )?;
        let by = ChangedBy {
            account_id: None,
            name: "Public report form",
        };
        let reason = format!("{}: person trapped", order.work_order_number);
        let previous = lifts::set_status(
            conn,
            elevator_id,
            ElevatorStatus::OutOfService,
            Some(&reason),
            &by,
        )?;
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("elevator_status_changed", "elevator", elevator_id)
                .data(json!({ "reason": reason }))
                .change(
                    Some(json!({ "status": previous.as_str() })),
                    Some(json!({ "status": "out_of_service" })),
                ),
        )?;
        link = format!("/o/{}/work-orders/{}", ctx.org.slug, order.id);
        title = format!(
            "ENTRAPMENT at {}: {} raised",
            target.site_name, order.work_order_number
        );
    }
    let recipients = managers(conn, ctx.org.organization_id)?;
    notify(
        conn,
        &recipients,
        &NewNotification {
            kind: if report.trapped {
                "entrapment"
            } else {
                "service_request"
            },
            title: &title,
            body: request.description.as_deref().unwrap_or(""),
            link: &link,
            organization_id: Some(ctx.org.organization_id),
        },
    )?;
    sr::find(conn, request.id).map_err(Into::into)
}

pub async fn report(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let form = form.into_inner();
    let meta = viewer.meta.clone();
    let (lookup, submitted) = (token.clone(), form.clone());
    let (target, outcome) = in_public_org(&state, slug.clone(), move |conn, org| {
        let target = sr::find_target(conn, &lookup)?.ok_or(AppError::NotFound)?;
        if !submitted.website.is_empty() {
            let mut errors = FieldErrors::default();
            errors.add("website", "This report looks automated and was not sent.");
            return Ok((target, Submitted::Refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None)));
        }
        let lift_ids: Vec<Uuid> = target.lifts.iter().map(|(id, _)| *id).collect();
        let report = match submitted.validate(&lift_ids) {
            Ok(report) => report,
            Err(errors) => return Ok((target, Submitted::Refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None))),
        };
        let (by_ip, by_site) = sr::recent_counts(conn, &meta.ip, target.site_id, sr::ten_minutes_ago())?;
        // Someone trapped always gets through.
        if !report.trapped && (by_ip >= PER_IP || by_site >= PER_SITE) {
            let message = "Too many reports were sent from here in the last few minutes. Please wait ten minutes and try again; if it is an emergency, call the number above.";
            return Ok((target, Submitted::Refused(StatusCode::TOO_MANY_REQUESTS, FieldErrors::default(), Some(message.into()))));
        }
        let ctx = public_ctx(org, meta);
        let request = submit(conn, &ctx, &target, report, None, None)?;
        Ok((target, Submitted::Done(Box::new(request))))
    })
    .await?;
    match outcome {
        Submitted::Done(request) => render(&views::ThanksPage {
            layout: viewer.layout("Report sent"),
            slug,
            request: *request,
            target,
        }),
        Submitted::Refused(status, errors, message) => render_status(
            status,
            &report_page(&viewer, &slug, &token, target, form, errors, message),
        ),
    }
}

pub async fn status_page(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let (request, events, site_name, work_order) =
        in_public_org(&state, slug.clone(), move |conn, _| {
            let request = sr::find_by_status_token(conn, &token)?.ok_or(AppError::NotFound)?;
            let site_name: String = sites::table
                .find(request.site_id)
                .select(sites::name)
                .first(conn)?;
            let work_order = match request.assigned_work_order_id {
                Some(id) => Some(crate::work_orders::queries::number_of(conn, id)?),
                None => None,
            };
            Ok((
                request.clone(),
                sr::events(conn, request.id)?,
                site_name,
                work_order,
            ))
        })
        .await?;
    render(&StatusPage {
        layout: viewer.layout(format!("Request {}", request.reference)),
        request,
        events,
        site_name,
        work_order,
    })
}

// ---- Triage ----

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
    let (request, events, site_name, lift, work_order) = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            let request = sr::find(conn, id)?;
            let site_name: String = sites::table
                .find(request.site_id)
                .select(sites::name)
                .first(conn)?;
            let lift: Option<String> = match request.elevator_id {
                Some(e) => Some(
                    elevators::table
                        .find(e)
                        .select(elevators::unit_number)
                        .first(conn)?,
                ),
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
                lift,
                work_order,
            ))
        })
        .await?;
    render(&views::RequestPage {
        layout: scope.layout(format!("Request {}", request.reference), "service_requests"),
        slug: scope.slug().to_string(),
        request,
        events,
        site_name,
        lift,
        work_order,
    })
}

/// One triage action on a request, audited; the answer goes back to the request.
async fn triage<F>(scope: OrgScope, id: Uuid, action: F) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &OrgCtx, &ServiceRequest) -> Result<String, AppError>
        + Send
        + 'static,
{
    let (message, location) = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            let request = sr::find(conn, id)?;
            let message = action(conn, ctx, &request)?;
            let after = sr::find(conn, id)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("service_request_updated", "service_request", id)
                    .data(json!({ "reference": request.reference }))
                    .change(
                        Some(json!({ "status": request.status, "priority": request.priority })),
                        Some(json!({ "status": after.status, "priority": after.priority })),
                    ),
            )?;
            let location = match after.assigned_work_order_id {
                Some(wo) if request.assigned_work_order_id.is_none() => {
                    format!("/o/{}/work-orders/{wo}", ctx.org.slug)
                }
                _ => format!("/o/{}/service-requests/{id}", ctx.org.slug),
            };
            Ok((message, location))
        })
        .await?;
    scope.viewer.flash("success", message);
    Ok(see_other(location))
}

fn must_be_open(request: &ServiceRequest) -> Result<(), AppError> {
    if matches!(request.status.as_str(), "open" | "acknowledged") {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "Request {} is already {}.",
            request.reference,
            request.status_label().to_lowercase()
        )))
    }
}

pub async fn acknowledge(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    triage(scope, id, |conn, _, request| {
        if request.status != "open" {
            return Err(AppError::Conflict(
                "Only a new request can be acknowledged.".into(),
            ));
        }
        sr::set_status(
            conn,
            request.id,
            "acknowledged",
            Some("We have received your report and are looking into it."),
        )?;
        Ok(format!("{} acknowledged.", request.reference))
    })
    .await
}

pub async fn set_priority(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let priority = form
        .priority()
        .map(str::to_string)
        .ok_or_else(|| AppError::BadRequest("Choose a priority from the list.".into()))?;
    triage(scope, id, move |conn, _, request| {
        diesel::update(service_requests::table.find(request.id))
            .set(service_requests::priority.eq(&priority))
            .execute(conn)?;
        Ok(format!(
            "{} is now {} priority.",
            request.reference, priority
        ))
    })
    .await
}

pub async fn reject(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TriageForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let reason = form.reason.trim().to_string();
    if reason.is_empty()
        || reason.chars().count() > 2000
        || reason.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(AppError::BadRequest(
            "Give a reason of up to 2000 characters for declining the request.".into(),
        ));
    }
    triage(scope, id, move |conn, _, request| {
        must_be_open(request)?;
        diesel::update(service_requests::table.find(request.id))
            .set(service_requests::rejection_reason.eq(&reason))
            .execute(conn)?;
        sr::set_status(conn, request.id, "rejected", Some(&reason))?;
        Ok(format!("{} was declined.", request.reference))
    })
    .await
}

/// A work order pre-filled from the request; the request follows it from then on.
pub async fn convert(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    scope.require(Permission::ManageWorkOrders)?;
    triage(scope, id, |conn, ctx, request| {
        must_be_open(request)?;
        if request.assigned_work_order_id.is_some() {
            return Err(AppError::Conflict(
                "This request already has a work order.".into(),
            ));
        }
        let priority = match request.priority.as_str() {
            "urgent" => Priority::Emergency,
            "high" => Priority::High,
            "low" => Priority::Low,
            _ => Priority::Medium,
        };
        let order = crate::work_orders::routes::create_in(
            conn,
            ctx,
            &NewWorkOrder {
                site_id: Some(request.site_id),
                elevator_id: request.elevator_id,
                work_type: if request.request_type == "issue_report" {
                    WorkOrderType::Breakdown
                } else {
                    WorkOrderType::Preventive
                },
                priority,
                title: request.subject.clone(),
                description: request.description.clone(),
                fault_code: None,
                reported_symptoms: None,
                affected_floors: None,
                entrapment: request.entrapment,
                reported_by_name: request.contact_name.clone(),
                reported_by_phone: request.contact_phone.clone(),
                reported_by_email: request.contact_email.clone(),
                assigned_contractor_id: None,
                scheduled_start: String::new(),
                scheduled_end: String::new(),
                due_date: String::new(),
                status: WorkOrderStatus::Pending,
                parent_work_order_id: None,
                callback_reported_trouble: None,
                callback_reported_at: String::new(),
            },
        )?;
        sr::link_work_order(conn, request.id, order.id)?;
        if request.status == "open" {
            sr::set_status(
                conn,
                request.id,
                "acknowledged",
                Some(&format!("Work order {} raised.", order.work_order_number)),
            )?;
        }
        Ok(format!(
            "{} was created from {}.",
            order.work_order_number, request.reference
        ))
    })
    .await
}

/// Called when a work order moves: its requests follow (started → in progress, completed →
/// resolved with the resolution notes), and signed-in requesters are told.
pub fn follow_work_order(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    work_order_id: Uuid,
    to: WorkOrderStatus,
    resolution: Option<&str>,
) -> Result<(), AppError> {
    let next = match to {
        WorkOrderStatus::InProgress => "in_progress",
        WorkOrderStatus::Completed => "resolved",
        _ => return Ok(()),
    };
    for (id, status) in sr::for_work_order(conn, work_order_id)? {
        if status == next || matches!(status.as_str(), "resolved" | "rejected" | "closed") {
            continue;
        }
        let note = if next == "resolved" {
            resolution.unwrap_or("The problem has been fixed.")
        } else {
            "A technician is working on it."
        };
        sr::set_status(conn, id, next, Some(note))?;
        let request = sr::find(conn, id)?;
        let portal_account: Option<Uuid> = match request.tenant_id {
            Some(t) => tenants::table
                .find(t)
                .select(tenants::portal_account_id)
                .first::<Option<Uuid>>(conn)?,
            None => None,
        };
        if let Some(account) = portal_account {
            let title = format!(
                "Your request {} is now {}",
                request.reference,
                request.status_label().to_lowercase()
            );
            let link = format!("/o/{}/portal", ctx.org.slug);
            notify(
                conn,
                &[account],
                &NewNotification {
                    kind: "service_request",
                    title: &title,
                    body: note,
                    link: &link,
                    organization_id: Some(ctx.org.organization_id),
                },
            )?;
        }
    }
    Ok(())
}

// ---- QR codes and report links ----

fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// The report URL as an SVG QR code, sized by the stylesheet to print on A5.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(AppError::internal)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build();
    // Inline in the page: drop the XML declaration.
    Ok(svg
        .split_once("?>")
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(svg))
}

async fn qr_page(
    scope: OrgScope,
    req: HttpRequest,
    site: Option<Uuid>,
    lift: Option<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (title, heading, token) = scope
        .run(Permission::View, move |conn, _| match (site, lift) {
            (_, Some(lift)) => {
                let (unit, site_id, token): (String, Uuid, String) = elevators::table
                    .find(lift)
                    .filter(elevators::deleted_at.is_null())
                    .select((
                        elevators::unit_number,
                        elevators::site_id,
                        elevators::report_token,
                    ))
                    .first(conn)?;
                let site_name: String =
                    sites::table.find(site_id).select(sites::name).first(conn)?;
                Ok((
                    format!("{site_name} — {unit}"),
                    format!("Report a problem with {unit}"),
                    token,
                ))
            }
            (Some(site), None) => {
                let (name, token): (String, String) = sites::table
                    .find(site)
                    .select((sites::name, sites::report_token))
                    .first(conn)?;
                Ok((
                    name.clone(),
                    format!("Report a problem with a lift at {name}"),
                    token,
                ))
            }
            (None, None) => Err(AppError::NotFound),
        })
        .await?;
    let url = format!("{}/report/{}/{}", base_url(&req), scope.slug(), token);
    render(&QrPage {
        layout: scope.layout(format!("QR code — {title}"), "sites"),
        slug: scope.slug().to_string(),
        title,
        heading,
        svg: qr_svg(&url)?,
        url,
        site,
        lift,
        can_regenerate: scope.can(Permission::ManageSites),
    })
}

pub async fn site_qr(
    scope: OrgScope,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    qr_page(scope, req, Some(id), None).await
}

pub async fn lift_qr(
    scope: OrgScope,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    qr_page(scope, req, None, Some(id)).await
}

/// A new token retires the old link (and every printed code of it).
async fn regenerate(
    scope: OrgScope,
    site: Option<Uuid>,
    lift: Option<Uuid>,
) -> Result<HttpResponse, AppError> {
    let location = scope
        .run(Permission::ManageSites, move |conn, ctx| {
            let token = sr::new_token();
            let (entity, id, location) = match (site, lift) {
                (_, Some(lift)) => {
                    let updated = diesel::update(elevators::table.find(lift))
                        .set(elevators::report_token.eq(&token))
                        .execute(conn)?;
                    if updated == 0 {
                        return Err(AppError::NotFound);
                    }
                    (
                        "elevator",
                        lift,
                        format!("/o/{}/elevators/{lift}/qr", ctx.org.slug),
                    )
                }
                (Some(site), None) => {
                    let updated = diesel::update(sites::table.find(site))
                        .set(sites::report_token.eq(&token))
                        .execute(conn)?;
                    if updated == 0 {
                        return Err(AppError::NotFound);
                    }
                    ("site", site, format!("/o/{}/sites/{site}/qr", ctx.org.slug))
                }
                (None, None) => return Err(AppError::NotFound),
            };
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("report_link_regenerated", entity, id),
            )?;
            Ok(location)
        })
        .await?;
    scope.viewer.flash("success", "A new report link was made. The old link and its printed codes no longer work: print the new code.");
    Ok(see_other(location))
}

pub async fn regenerate_site(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    regenerate(scope, Some(id), None).await
}

pub async fn regenerate_lift(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    regenerate(scope, None, Some(id)).await
}

// ---- Tenants ----

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
            match crate::sites::queries::find(conn, values.site_id) {
                Ok(site) if site.deleted_at.is_none() => {}
                _ => {
                    let mut errors = FieldErrors::default();
                    errors.add("site_id", "Choose one of your current sites.");
                    return Err(AppError::Rejected(errors));
                }
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
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(
                    if id.is_some() {
                        "tenant_updated"
                    } else {
                        "tenant_created"
                    },
                    "tenant",
                    tenant_id,
                )
                .data(json!({ "name": values.name })),
            )?;
            Ok(tenant_id)
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

pub async fn tenant_detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let (tenant, requests) = scope
        .run(Permission::ManageServiceRequests, move |conn, _| {
            let tenant = sr::tenant(conn, id)?;
            let requests = sr::page(conn, &QueueQuery::default(), Some(id), 0, 50)?;
            Ok((tenant, requests))
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
    let site_options = scope
        .run(Permission::ManageServiceRequests, |conn, _| {
            Ok(crate::sites::queries::options(conn)?)
        })
        .await?;
    render(&views::TenantPage {
        layout: scope.layout(tenant.name.clone(), "tenants"),
        slug: scope.slug().to_string(),
        tenant,
        requests,
        form,
        sites: site_options,
        invite_link: None,
    })
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
            let updated = diesel::update(tenants::table.find(id))
                .set((
                    tenants::is_active.eq(active),
                    tenants::updated_at.eq(Utc::now()),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(
                    if active {
                        "tenant_reactivated"
                    } else {
                        "tenant_deactivated"
                    },
                    "tenant",
                    id,
                ),
            )?;
            Ok(())
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
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    use sha2::{Digest, Sha256};
    let id = path.into_inner().1;
    let token = sr::new_token();
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let (tenant, requests) = scope
        .run(Permission::ManageServiceRequests, move |conn, ctx| {
            let tenant = sr::tenant(conn, id)?;
            let email = tenant.primary_contact_email.clone().ok_or_else(|| {
                AppError::Conflict(
                    "Add the tenant contact's email before inviting them to the portal.".into(),
                )
            })?;
            let invitation = crate::members::queries::create_invitation(
                conn,
                ctx.org.organization_id,
                &email,
                Role::Tenant,
                Some(tenant.id),
                &hash,
                ctx.actor.account_id,
                Utc::now() + chrono::Duration::days(7),
            )?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("tenant_invited", "tenant", id)
                    .data(json!({ "email": email, "invitation": invitation.id })),
            )?;
            Ok((
                tenant,
                sr::page(conn, &QueueQuery::default(), Some(id), 0, 50)?,
            ))
        })
        .await?;
    let site_options = scope
        .run(Permission::ManageServiceRequests, |conn, _| {
            Ok(crate::sites::queries::options(conn)?)
        })
        .await?;
    render(&views::TenantPage {
        layout: scope.layout(tenant.name.clone(), "tenants"),
        slug: scope.slug().to_string(),
        form: TenantForm {
            site_id: tenant.site_id.to_string(),
            name: tenant.name.clone(),
            ..Default::default()
        },
        invite_link: Some(format!("{}/invitations/{token}", base_url(&req))),
        tenant,
        requests,
        sites: site_options,
    })
}

// ---- Tenant portal ----

fn portal_tenant(scope: &OrgScope) -> Result<Uuid, AppError> {
    scope.tenant_id().ok_or_else(|| {
        AppError::Forbidden(
            "The portal is for building tenants. Staff use the service-request queue.".into(),
        )
    })
}

async fn portal_page(
    scope: &OrgScope,
    status: StatusCode,
    form: ReportForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let tenant_id = portal_tenant(scope)?;
    let (tenant, site_name, lifts, requests) = scope
        .run(Permission::TenantPortal, move |conn, _| {
            let tenant = sr::tenant(conn, tenant_id)?;
            let site_name: String = sites::table
                .find(tenant.site_id)
                .select(sites::name)
                .first(conn)?;
            let lifts = elevators::table
                .filter(elevators::site_id.eq(tenant.site_id))
                .filter(elevators::deleted_at.is_null())
                .select((elevators::id, elevators::unit_number))
                .load::<(Uuid, String)>(conn)?;
            let ids = sr::page(conn, &QueueQuery::default(), Some(tenant_id), 0, 100)?;
            let mut requests = Vec::new();
            for row in ids {
                let request = sr::find(conn, row.id)?;
                let events = sr::events(conn, row.id)?;
                requests.push((request, events));
            }
            Ok((tenant, site_name, lifts, requests))
        })
        .await?;
    render_status(
        status,
        &views::PortalPage {
            layout: scope.layout("Your requests", "portal"),
            slug: scope.slug().to_string(),
            tenant,
            site_name,
            lifts,
            requests,
            form,
            errors,
        },
    )
}

pub async fn portal(scope: OrgScope) -> Result<HttpResponse, AppError> {
    portal_page(
        &scope,
        StatusCode::OK,
        ReportForm {
            request_type: "issue_report".into(),
            ..Default::default()
        },
        FieldErrors::default(),
    )
    .await
}

pub async fn portal_request(
    scope: OrgScope,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let tenant_id = portal_tenant(&scope)?;
    let form = form.into_inner();
    let submitted = form.clone();
    let outcome = scope
        .run(Permission::TenantPortal, move |conn, ctx| {
            let tenant = sr::tenant(conn, tenant_id)?;
            let token: String = sites::table
                .find(tenant.site_id)
                .select(sites::report_token)
                .first(conn)?;
            let target = sr::find_target(conn, &token)?.ok_or(AppError::NotFound)?;
            let lift_ids: Vec<Uuid> = target.lifts.iter().map(|(id, _)| *id).collect();
            let report = submitted.validate(&lift_ids).map_err(AppError::Rejected)?;
            submit(
                conn,
                ctx,
                &target,
                report,
                Some(tenant_id),
                Some(ctx.actor.account_id),
            )
        })
        .await;
    match outcome {
        Ok(request) => {
            scope.viewer.flash(
                "success",
                format!("Request {} was sent.", request.reference),
            );
            Ok(see_other(format!("/o/{}/portal", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => {
            portal_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn portal_rate(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<RatingForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let tenant_id = portal_tenant(&scope)?;
    let rating: i32 = match form.rating.trim().parse() {
        Ok(n) if (1..=5).contains(&n) => n,
        _ => return Err(AppError::BadRequest("Choose a rating from 1 to 5.".into())),
    };
    let feedback = form.feedback.trim().to_string();
    if feedback.chars().count() > 2000
        || feedback
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(AppError::BadRequest(
            "Feedback is at most 2000 characters of plain text.".into(),
        ));
    }
    scope
        .run(Permission::TenantPortal, move |conn, ctx| {
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
                    service_requests::satisfaction_rating.eq(rating),
                    service_requests::feedback_text.eq((!feedback.is_empty()).then_some(&feedback)),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("service_request_rated", "service_request", id)
                    .data(json!({ "rating": rating })),
            )?;
            Ok(())
        })
        .await?;
    scope.viewer.flash("success", "Thank you for your rating.");
    Ok(see_other(format!("/o/{}/portal", scope.slug())))
}
