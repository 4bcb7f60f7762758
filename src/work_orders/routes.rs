//! Work-order pages: the board, the list, creation, the detail page and every change on it.
//!
//! Every change carries the version its author saw; when someone else changed the work order
//! meanwhile the answer is 409 with the work order as it is now, and nothing is overwritten.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::forms::{
    local_time, version, AssignForm, CommentForm, FollowupForm, LaborForm, MoveForm,
    NewWorkOrderForm, PartForm, TaskActionForm, TaskForm, WorkOrderQuery,
};
use super::queries::{self as wo, WorkOrder, WorkOrderInsert};
use super::status::{WorkOrderStatus, WorkOrderType};
use super::views::{
    self, BoardColumns, BoardPage, DetailForms, DetailPage, ListPage, ListResults, NewPage,
};
use crate::audit::{self, queries as audit_queries, AuditEvent};
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::elevators::queries::{self as elevators, ChangedBy};
use crate::imports::routes::csv_response;
use crate::orgs::context::OrgCtx;
use crate::orgs::OrgScope;
use crate::sites::queries as sites;
use crate::web::forms::FieldErrors;
use crate::web::pagination::Pagination;
use crate::web::{render, render_status, AppError, Htmx};

const PER_PAGE: i64 = 30;

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

fn stale() -> AppError {
    AppError::Conflict(
        "Someone else changed this work order while you were looking at it. It is shown as it is now; your change was not saved.".into(),
    )
}

/// Managers change any work order; a technician only those assigned to their own contractor
/// record.
fn authorize_work(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    order: &WorkOrder,
) -> Result<(), AppError> {
    if ctx.role.can(Permission::ManageWorkOrders) {
        return Ok(());
    }
    if ctx.role.can(Permission::WorkOnAssigned) {
        let mine = contractors::for_account(conn, ctx.actor.account_id)?;
        if mine.is_some() && mine == order.assigned_contractor_id {
            return Ok(());
        }
    }
    Err(AppError::Forbidden(
        "You can change only the work orders assigned to you.".into(),
    ))
}

fn site_tz(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<chrono_tz::Tz> {
    Ok(sites::find(conn, site_id)?
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Australia::Sydney))
}

// ---- Board and list ----

fn load_board(conn: &mut PgConnection, query: &WorkOrderQuery) -> Result<BoardColumns, AppError> {
    let now = Utc::now();
    let columns = wo::columns(conn, query, &wo::BOARD_COLUMNS, now)?;
    Ok(BoardColumns { columns, now })
}

pub async fn board(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<WorkOrderQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let fragment = htmx.is_fragment();
    let (columns, filters) = {
        let query = query.clone();
        scope
            .run(Permission::View, move |conn, ctx| {
                let columns = load_board(conn, &query)?;
                let filters = if fragment {
                    None
                } else {
                    Some(views::Filters::load(conn, &ctx.choices, &query.site)?)
                };
                Ok((columns, filters))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    let csrf = scope.viewer.csrf_token();
    let board = views::Board {
        slug: slug.clone(),
        board: columns,
        query: query.clone(),
        csrf,
    };
    if fragment {
        return render(&board);
    }
    render(&BoardPage {
        layout: scope.layout("Work orders", "work_orders"),
        slug,
        filters: filters.unwrap_or_default(),
        query,
        board,
        can_create: scope.can(Permission::ManageWorkOrders),
    })
}

pub async fn list(
    scope: OrgScope,
    htmx: Htmx,
    query: web::Query<WorkOrderQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let fragment = htmx.is_fragment();
    let path = format!("/o/{}/work-orders/list", scope.slug());
    let (rows, pagination, filters) = {
        let query = query.clone();
        scope
            .run(Permission::View, move |conn, ctx| {
                let now = Utc::now();
                let total = wo::count(conn, &query, now)?;
                let pagination =
                    Pagination::new(&path, query.page, PER_PAGE, total).keeping(&query);
                let rows = wo::page(conn, &query, now, pagination.offset(), PER_PAGE)?;
                let filters = if fragment {
                    None
                } else {
                    Some(views::Filters::load(conn, &ctx.choices, &query.site)?)
                };
                Ok((rows, pagination, filters))
            })
            .await?
    };
    let slug = scope.slug().to_string();
    if fragment {
        return render(&ListResults {
            slug,
            rows,
            pagination,
            query,
            now: Utc::now(),
        });
    }
    render(&ListPage {
        layout: scope.layout("Work orders", "work_orders"),
        slug,
        filters: filters.unwrap_or_default(),
        query,
        rows,
        pagination,
        now: Utc::now(),
        can_create: scope.can(Permission::ManageWorkOrders),
    })
}

pub async fn export(
    scope: OrgScope,
    query: web::Query<WorkOrderQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let rows = scope
        .run(Permission::View, move |conn, _| {
            Ok(wo::all_matching(conn, &query, Utc::now())?)
        })
        .await?;
    let body = crate::imports::write(
        &[
            "number",
            "title",
            "status",
            "priority",
            "type",
            "site",
            "lift",
            "assignee",
            "reported_at",
            "due",
            "total_cost",
        ],
        rows.into_iter().map(|c| {
            vec![
                c.number,
                c.title,
                c.status.label().into(),
                c.priority.label().into(),
                c.work_type.label().into(),
                c.site_name,
                c.unit_number.unwrap_or_default(),
                c.assignee.unwrap_or_default(),
                c.reported_at.to_rfc3339(),
                c.due_date.map(|d| d.to_rfc3339()).unwrap_or_default(),
                c.total_cost.to_string(),
            ]
        }),
    )
    .map_err(AppError::internal)?;
    Ok(csv_response(
        &format!("work-orders-{}.csv", Utc::now().date_naive()),
        body,
    ))
}

/// The work orders assigned to the signed-in person's contractor record.
pub async fn mine(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let rows = scope
        .run(Permission::View, |conn, ctx| {
            Ok(
                match contractors::for_account(conn, ctx.actor.account_id)? {
                    Some(id) => Some(wo::for_contractor(conn, id, 200)?),
                    None => None,
                },
            )
        })
        .await?;
    render(&views::MinePage {
        layout: scope.layout("My work orders", "my_work_orders"),
        slug: scope.slug().to_string(),
        linked: rows.is_some(),
        rows: rows.unwrap_or_default(),
        now: Utc::now(),
    })
}

// ---- Creation ----

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    site: Option<Uuid>,
    elevator: Option<Uuid>,
    parent: Option<Uuid>,
}

async fn new_page(
    scope: &OrgScope,
    status: StatusCode,
    form: NewWorkOrderForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (choices, elevator_label, parent_number) = {
        let form = form.clone();
        scope
            .run(Permission::ManageWorkOrders, move |conn, _| {
                let choices = views::NewChoices::load(conn)?;
                let elevator_label = match Uuid::parse_str(&form.elevator_id) {
                    Ok(id) => elevators::find(conn, id).ok().map(|e| e.unit_number),
                    Err(_) => None,
                };
                let parent_number = match Uuid::parse_str(&form.parent_work_order_id) {
                    Ok(id) => wo::number_of(conn, id).ok(),
                    Err(_) => None,
                };
                Ok((choices, elevator_label, parent_number))
            })
            .await?
    };
    render_status(
        status,
        &NewPage {
            layout: scope.layout("New work order", "work_orders"),
            slug: scope.slug().to_string(),
            form,
            errors,
            choices,
            elevator_label,
            parent_number,
        },
    )
}

pub async fn new_form(
    scope: OrgScope,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageWorkOrders)?;
    let query = query.into_inner();
    let mut form = NewWorkOrderForm {
        work_type: "breakdown".into(),
        priority: "medium".into(),
        site_id: query.site.map(|s| s.to_string()).unwrap_or_default(),
        elevator_id: query.elevator.map(|e| e.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    if let Some(parent) = query.parent {
        // A callback: same lift, linked to the original.
        let original = scope
            .run(Permission::ManageWorkOrders, move |conn, _| {
                Ok(wo::find(conn, parent)?)
            })
            .await?;
        form.work_type = "callback".into();
        form.priority = "high".into();
        form.parent_work_order_id = parent.to_string();
        form.site_id = original.site_id.to_string();
        form.elevator_id = original
            .elevator_id
            .map(|e| e.to_string())
            .unwrap_or_default();
        form.title = format!("Callback: {}", original.title);
        form.callback_reported_at = Utc::now().format("%Y-%m-%dT%H:%M").to_string();
    }
    new_page(&scope, StatusCode::OK, form, FieldErrors::default()).await
}

fn rejected(field: &str, message: &str) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    AppError::Rejected(errors)
}

/// Creates a work order in the caller's transaction (also used by fault reports): numbers it,
/// works out its site and due time, records the assignment, and audits it.
pub fn create_in(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    new: &super::forms::NewWorkOrder,
) -> Result<WorkOrder, AppError> {
    let now = Utc::now();
    let site_id = match (new.elevator_id, new.site_id) {
        (Some(elevator_id), site) => {
            let elevator = elevators::find(conn, elevator_id).map_err(|e| match e {
                diesel::result::Error::NotFound => {
                    rejected("elevator_id", "Choose one of your lifts.")
                }
                other => other.into(),
            })?;
            if site.is_some_and(|s| s != elevator.site_id) {
                return Err(rejected("elevator_id", "That lift is at another site."));
            }
            elevator.site_id
        }
        (None, Some(site_id)) => match sites::find(conn, site_id) {
            Ok(site) if site.deleted_at.is_none() => site_id,
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                return Err(rejected("site_id", "Choose one of your current sites."))
            }
            Err(e) => return Err(e.into()),
        },
        (None, None) => return Err(rejected("elevator_id", "Choose the lift this work is for.")),
    };
    if let Some(contractor) = new.assigned_contractor_id {
        match contractors::find(conn, contractor) {
            Ok(c) if c.is_active => {}
            Ok(_) | Err(diesel::result::Error::NotFound) => {
                return Err(rejected(
                    "assigned_contractor_id",
                    "Choose an active contractor.",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(parent) = new.parent_work_order_id {
        wo::find(conn, parent).map_err(|_| {
            rejected(
                "parent_work_order_id",
                "The original work order was not found.",
            )
        })?;
    }
    let tz = site_tz(conn, site_id)?;
    let mut errors = FieldErrors::default();
    let scheduled_start = local_time(&mut errors, "scheduled_start", &new.scheduled_start, &tz);
    let scheduled_end = local_time(&mut errors, "scheduled_end", &new.scheduled_end, &tz);
    let due_override = local_time(&mut errors, "due_date", &new.due_date, &tz);
    let callback_reported_at = local_time(
        &mut errors,
        "callback_reported_at",
        &new.callback_reported_at,
        &tz,
    );
    if let (Some(s), Some(e)) = (scheduled_start, scheduled_end) {
        if e <= s {
            errors.add(
                "scheduled_end",
                "The scheduled end must be after the start.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let number = wo::next_number(conn, wo::year_of(now))?;
    let order = wo::insert(
        conn,
        WorkOrderInsert {
            elevator_id: new.elevator_id,
            site_id,
            work_order_number: number,
            work_type: new.work_type,
            priority: new.priority,
            status: new.status,
            title: new.title.clone(),
            description: new.description.clone(),
            fault_code: new.fault_code.clone(),
            reported_symptoms: new.reported_symptoms.clone(),
            affected_floors: new.affected_floors.clone(),
            entrapment: new.entrapment,
            scheduled_start,
            scheduled_end,
            due_date: due_override.or_else(|| new.priority.default_due(now, &tz)),
            assigned_contractor_id: new.assigned_contractor_id,
            assigned_at: new.assigned_contractor_id.map(|_| now),
            assigned_by: new.assigned_contractor_id.map(|_| ctx.actor.account_id),
            reported_by_name: new.reported_by_name.clone(),
            reported_by_phone: new.reported_by_phone.clone(),
            reported_by_email: new.reported_by_email.clone(),
            parent_work_order_id: new.parent_work_order_id,
            callback_reported_trouble: new.callback_reported_trouble.clone(),
            callback_reported_at: callback_reported_at.or(new.parent_work_order_id.map(|_| now)),
            created_by: ctx.actor.account_id,
        },
    )?;
    if let Some(elevator_id) = order.elevator_id {
        crate::dashboard::health::recompute_lift(conn, elevator_id)?;
    }
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new("work_order_created", "work_order", order.id).data(json!({
            "number": order.work_order_number, "title": order.title, "priority": order.priority.as_str(),
            "type": order.work_type.as_str(), "entrapment": order.entrapment,
        })),
    )?;
    if let Some(contractor) = order.assigned_contractor_id {
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("work_order_assigned", "work_order", order.id)
                .data(json!({ "contractor_id": contractor })),
        )?;
    }
    Ok(order)
}

pub async fn create(
    scope: OrgScope,
    form: web::Form<NewWorkOrderForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageWorkOrders)?;
    let form = form.into_inner();
    let new = match form.validate() {
        Ok(new) => new,
        Err(errors) => {
            return new_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
    };
    let created = scope
        .run(Permission::ManageWorkOrders, move |conn, ctx| {
            create_in(conn, ctx, &new)
        })
        .await;
    match created {
        Ok(order) => {
            scope.viewer.flash(
                "success",
                format!("{} was created.", order.work_order_number),
            );
            Ok(see_other(format!(
                "/o/{}/work-orders/{}",
                scope.slug(),
                order.id
            )))
        }
        Err(AppError::Rejected(errors)) => {
            new_page(&scope, StatusCode::UNPROCESSABLE_ENTITY, form, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---- Detail ----

fn load_detail(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    id: Uuid,
) -> Result<views::DetailData, AppError> {
    let order = wo::find(conn, id)?;
    let site = sites::find(conn, order.site_id)?;
    let elevator = match order.elevator_id {
        Some(e) => Some(elevators::find(conn, e)?),
        None => None,
    };
    let contractor = match order.assigned_contractor_id {
        Some(c) => Some(contractors::find(conn, c)?),
        None => None,
    };
    let can_work = authorize_work(conn, ctx, &order).is_ok();
    Ok(views::DetailData {
        tasks: wo::tasks(conn, id)?,
        parts: wo::parts(conn, id)?,
        labor: wo::labor(conn, id)?,
        comments: wo::comments(conn, id)?,
        timeline: audit_queries::recent_for(conn, &["work_order"], &[id.to_string()], 100)?,
        children: wo::children(conn, id)?,
        parent: match order.parent_work_order_id {
            Some(p) => Some((p, wo::number_of(conn, p)?)),
            None => None,
        },
        contractor_options: contractors::options(conn)?,
        tz: site
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Australia::Sydney),
        can_work,
        order,
        site,
        elevator,
        contractor,
    })
}

async fn detail_page(
    scope: &OrgScope,
    id: Uuid,
    status: StatusCode,
    forms: DetailForms,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let data = scope
        .run(Permission::View, move |conn, ctx| {
            load_detail(conn, ctx, id)
        })
        .await?;
    let title = format!("{} — {}", data.order.work_order_number, data.order.title);
    render_status(
        status,
        &DetailPage {
            layout: scope.layout(title, "work_orders"),
            slug: scope.slug().to_string(),
            can_manage: scope.can(Permission::ManageWorkOrders),
            data,
            forms,
            errors,
            message,
            now: Utc::now(),
        },
    )
}

pub async fn detail(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    detail_page(
        &scope,
        id,
        StatusCode::OK,
        DetailForms::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// What happened to a change: saved, refused with field errors (422), or stale (409).
enum Outcome {
    Saved(String),
    Refused(FieldErrors),
}

/// Runs a change to a work order: loads it, checks who may, claims the version the author
/// saw, applies `change`, and audits. The detail page is the answer to anything but success.
async fn change<F>(
    scope: &OrgScope,
    id: Uuid,
    seen: &str,
    forms: DetailForms,
    permission: Permission,
    change: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &OrgCtx, &WorkOrder) -> Result<Outcome, AppError> + Send + 'static,
{
    let seen = version(seen);
    let outcome = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            let order = wo::find(conn, id)?;
            if permission == Permission::ManageWorkOrders
                && !ctx.role.can(Permission::ManageWorkOrders)
            {
                return Err(AppError::Forbidden("Only managers can do this.".into()));
            }
            authorize_work(conn, ctx, &order)?;
            let Some(seen) = seen else {
                return Err(AppError::BadRequest(
                    "The form is missing the work order's version; reload the page.".into(),
                ));
            };
            let outcome = change(conn, ctx, &order)?;
            if let Outcome::Saved(_) = outcome {
                if !wo::claim_version(conn, id, seen)? {
                    return Err(stale());
                }
            }
            Ok(outcome)
        })
        .await;
    match outcome {
        Ok(Outcome::Saved(message)) => {
            scope.viewer.flash("success", message);
            Ok(see_other(format!("/o/{}/work-orders/{id}", scope.slug())))
        }
        Ok(Outcome::Refused(errors)) | Err(AppError::Rejected(errors)) => {
            detail_page(
                scope,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                forms,
                errors,
                None,
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            detail_page(
                scope,
                id,
                StatusCode::CONFLICT,
                DetailForms::default(),
                FieldErrors::default(),
                Some(message),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// Applies a status move in the caller's transaction (also used by the board).
fn apply_move(
    conn: &mut PgConnection,
    ctx: &OrgCtx,
    order: &WorkOrder,
    form: &MoveForm,
) -> Result<Outcome, AppError> {
    use crate::db::schema_org::work_orders as t;
    let checked = match form.validate() {
        Ok(m) => m,
        Err(errors) => return Ok(Outcome::Refused(errors)),
    };
    if !order.status.can_move_to(checked.to) {
        return Err(AppError::Conflict(format!(
            "A work order that is {} cannot be moved to {}.",
            order.status.label().to_lowercase(),
            checked.to.label().to_lowercase()
        )));
    }
    let now = Utc::now();
    let to = checked.to;
    diesel::update(t::table.find(order.id))
        .set((t::status.eq(to), t::updated_at.eq(now)))
        .execute(conn)?;
    match to {
        WorkOrderStatus::InProgress => {
            diesel::update(t::table.find(order.id).filter(t::actual_start.is_null()))
                .set(t::actual_start.eq(now))
                .execute(conn)?;
        }
        WorkOrderStatus::Completed => {
            diesel::update(t::table.find(order.id))
                .set((
                    t::actual_end.eq(now),
                    t::completed_at.eq(now),
                    t::resolution_notes.eq(&checked.resolution_notes),
                    t::resolution_type.eq(&checked.resolution_type),
                    t::root_cause.eq(&checked.root_cause),
                    t::callback_corrective_action.eq(&checked.callback_corrective_action),
                ))
                .execute(conn)?;
        }
        WorkOrderStatus::Cancelled => {
            diesel::update(t::table.find(order.id))
                .set(t::cancellation_reason.eq(&checked.reason))
                .execute(conn)?;
        }
        _ => {}
    }
    // A breakdown can take the lift out of service (or return it) in the same step.
    if let (
        Some(lift_status),
        Some(elevator_id),
        WorkOrderType::Breakdown | WorkOrderType::Callback,
    ) = (checked.lift_status, order.elevator_id, order.work_type)
    {
        let reason = format!("{}: {}", order.work_order_number, order.title);
        let by = ChangedBy {
            account_id: Some(ctx.actor.account_id),
            name: &ctx.actor.display_name,
        };
        let previous = elevators::set_status(conn, elevator_id, lift_status, Some(&reason), &by)?;
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("elevator_status_changed", "elevator", elevator_id)
                .data(json!({ "work_order": order.work_order_number, "reason": reason }))
                .change(
                    Some(json!({ "status": previous.as_str() })),
                    Some(json!({ "status": lift_status.as_str() })),
                ),
        )?;
    }
    if let Some(elevator_id) = order.elevator_id {
        crate::dashboard::health::recompute_lift(conn, elevator_id)?;
    }
    let event = match to {
        WorkOrderStatus::InProgress if order.status != WorkOrderStatus::OnHold => {
            "work_order_started"
        }
        WorkOrderStatus::Completed => "work_order_completed",
        WorkOrderStatus::Cancelled => "work_order_cancelled",
        _ => "work_order_updated",
    };
    audit::record(
        conn,
        &ctx.actor,
        AuditEvent::new(event, "work_order", order.id)
            .data(json!({ "number": order.work_order_number, "reason": checked.reason, "resolution": checked.resolution_notes }))
            .change(Some(json!({ "status": order.status.as_str() })), Some(json!({ "status": to.as_str() }))),
    )?;
    crate::work_orders::hooks::status_changed(
        conn,
        ctx,
        order,
        to,
        checked.resolution_notes.as_deref(),
    )?;
    Ok(Outcome::Saved(format!(
        "{} is now {}.",
        order.work_order_number,
        to.label().to_lowercase()
    )))
}

pub async fn move_status(
    scope: OrgScope,
    htmx: Htmx,
    path: web::Path<(String, Uuid)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    if form.from == "board" && htmx.is_fragment() {
        return board_move(scope, id, form).await;
    }
    let forms = DetailForms {
        move_form: form.clone(),
        ..Default::default()
    };
    let seen = form.version.clone();
    change(
        &scope,
        id,
        &seen,
        forms,
        Permission::WorkOnAssigned,
        move |conn, ctx, order| apply_move(conn, ctx, order, &form),
    )
    .await
}

/// A move from a board card: the answer re-renders the two columns concerned (and their
/// counts) instead of the page, or the card as it is now when the move was refused.
async fn board_move(scope: OrgScope, id: Uuid, form: MoveForm) -> Result<HttpResponse, AppError> {
    let seen = version(&form.version);
    let query = WorkOrderQuery::default();
    // Errors roll the transaction back; the refused ones are answered with the card as it is.
    let outcome = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            let order = wo::find(conn, id)?;
            authorize_work(conn, ctx, &order)?;
            let seen =
                seen.ok_or_else(|| AppError::BadRequest("Reload the board and try again.".into()))?;
            match apply_move(conn, ctx, &order, &form)? {
                Outcome::Refused(errors) => Err(AppError::Rejected(errors)),
                Outcome::Saved(_) if !wo::claim_version(conn, id, seen)? => Err(stale()),
                Outcome::Saved(_) => Ok((order.status, wo::find(conn, id)?.status)),
            }
        })
        .await;
    match outcome {
        Ok((from, to)) => {
            let columns = scope
                .run(Permission::View, move |conn, _| {
                    let now = Utc::now();
                    let statuses: Vec<_> = [from, to]
                        .into_iter()
                        .filter(|s| wo::BOARD_COLUMNS.contains(s))
                        .collect();
                    let columns = wo::columns(conn, &query, &statuses, now)?;
                    Ok(BoardColumns { columns, now })
                })
                .await?;
            render(&views::ColumnsUpdate {
                slug: scope.slug().to_string(),
                board: columns,
                csrf: scope.viewer.csrf_token(),
            })
        }
        Err(error @ (AppError::Conflict(_) | AppError::Rejected(_))) => {
            // The work order as it is now goes back in place of the stale card; the message
            // shows in the page's alert area.
            let card = scope
                .run(Permission::View, move |conn, _| Ok(wo::card(conn, id)?))
                .await?;
            let (status, message) = match error {
                AppError::Rejected(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors.summary()),
                AppError::Conflict(message) => (StatusCode::CONFLICT, message),
                other => (StatusCode::CONFLICT, other.to_string()),
            };
            render_status(
                status,
                &views::CardRefresh {
                    slug: scope.slug().to_string(),
                    card,
                    message,
                    now: Utc::now(),
                    csrf: scope.viewer.csrf_token(),
                },
            )
        }
        Err(other) => Err(other),
    }
}

pub async fn assign(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, AppError> {
    use crate::db::schema_org::work_orders as t;
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = form.version.clone();
    change(&scope, id, &seen, DetailForms::default(), Permission::ManageWorkOrders, move |conn, ctx, order| {
        let contractor = match form.contractor_id.trim() {
            "" => None,
            raw => {
                let id = Uuid::parse_str(raw).map_err(|_| rejected("contractor_id", "Choose a contractor from the list."))?;
                match contractors::find(conn, id) {
                    Ok(c) if c.is_active => Some(c),
                    _ => return Err(rejected("contractor_id", "Choose an active contractor.")),
                }
            }
        };
        diesel::update(t::table.find(order.id))
            .set((
                t::assigned_contractor_id.eq(contractor.as_ref().map(|c| c.id)),
                t::assigned_at.eq(contractor.as_ref().map(|_| Utc::now())),
                t::assigned_by.eq(contractor.as_ref().map(|_| ctx.actor.account_id)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("work_order_assigned", "work_order", order.id)
                .data(json!({ "contractor": contractor.as_ref().map(|c| c.contact_name.clone()) }))
                .change(Some(json!({ "contractor_id": order.assigned_contractor_id })), Some(json!({ "contractor_id": contractor.as_ref().map(|c| c.id) }))),
        )?;
        Ok(Outcome::Saved(match contractor {
            Some(c) => format!("Assigned to {}.", c.contact_name),
            None => "The work order is unassigned.".into(),
        }))
    })
    .await
}

pub async fn add_task(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TaskForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = form.version.clone();
    let forms = DetailForms {
        task_title: form.title.clone(),
        ..Default::default()
    };
    change(
        &scope,
        id,
        &seen,
        forms,
        Permission::WorkOnAssigned,
        move |conn, ctx, order| {
            let mut errors = FieldErrors::default();
            if !crate::web::forms::check_line(&mut errors, "task_title", &form.title, 255, true) {
                return Ok(Outcome::Refused(errors));
            }
            let task = wo::add_task(conn, order.id, form.title.trim())?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("work_order_task_added", "work_order", order.id)
                    .data(json!({ "task_id": task, "title": form.title.trim() })),
            )?;
            Ok(Outcome::Saved("Task added.".into()))
        },
    )
    .await
}

pub async fn task_action(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<TaskActionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, task_id) = path.into_inner();
    let form = form.into_inner();
    let seen = form.version.clone();
    change(
        &scope,
        id,
        &seen,
        DetailForms::default(),
        Permission::WorkOnAssigned,
        move |conn, ctx, order| {
            let task = wo::task(conn, order.id, task_id)?;
            let notes = crate::web::forms::blank(&form.notes);
            let by = (ctx.actor.account_id, ctx.actor.display_name.as_str());
            let message = match form.action.as_str() {
                "complete" => {
                    wo::set_task_status(conn, task.id, "completed", Some(by), notes.as_deref())?;
                    "Task completed."
                }
                "skip" => {
                    wo::set_task_status(conn, task.id, "skipped", Some(by), notes.as_deref())?;
                    "Task skipped."
                }
                "reopen" => {
                    wo::set_task_status(conn, task.id, "pending", None, None)?;
                    "Task reopened."
                }
                "up" | "down" => {
                    wo::move_task(conn, order.id, task.id, form.action == "up")?;
                    "Tasks reordered."
                }
                _ => return Err(AppError::BadRequest("Unknown task action.".into())),
            };
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("work_order_task_updated", "work_order", order.id)
                    .data(json!({ "task": task.title, "action": form.action })),
            )?;
            Ok(Outcome::Saved(message.into()))
        },
    )
    .await
}

pub async fn add_part(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<PartForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = form.version.clone();
    let forms = DetailForms {
        part: form.clone(),
        ..Default::default()
    };
    change(&scope, id, &seen, forms, Permission::WorkOnAssigned, move |conn, ctx, order| {
        let part = match form.validate() {
            Ok(part) => part,
            Err(errors) => return Ok(Outcome::Refused(errors)),
        };
        wo::add_part(conn, order.id, &part)?;
        wo::recompute_costs(conn, order.id)?;
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("part_used", "work_order", order.id).data(json!({
                "part_number": part.part_number, "part_name": part.part_name, "quantity": part.quantity, "unit_cost": part.unit_cost.to_string(),
            })),
        )?;
        Ok(Outcome::Saved(format!("{} × {} recorded.", part.quantity, part.part_name)))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

/// A cost line that can be taken off a work order: parts used or a labour entry.
#[derive(Clone, Copy)]
enum CostLine {
    Part,
    Labor,
}

/// Removes one part or labour entry of this work order and recomputes its costs.
async fn remove_cost_line(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
    line: CostLine,
) -> Result<HttpResponse, AppError> {
    let (_, id, line_id) = path.into_inner();
    change(
        &scope,
        id,
        &form.version,
        DetailForms::default(),
        Permission::WorkOnAssigned,
        move |conn, ctx, order| {
            let (removed, event, message) = match line {
                CostLine::Part => (
                    wo::remove_part(conn, order.id, line_id)?,
                    "part_removed",
                    "Part removed.",
                ),
                CostLine::Labor => (
                    wo::remove_labor(conn, order.id, line_id)?,
                    "labor_removed",
                    "Labour entry removed.",
                ),
            };
            if removed == 0 {
                return Err(AppError::NotFound);
            }
            wo::recompute_costs(conn, order.id)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new(event, "work_order", order.id).data(json!({ "line_id": line_id })),
            )?;
            Ok(Outcome::Saved(message.into()))
        },
    )
    .await
}

pub async fn remove_part(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    remove_cost_line(scope, path, form, CostLine::Part).await
}

pub async fn add_labor(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<LaborForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = form.version.clone();
    let forms = DetailForms {
        labor: form.clone(),
        ..Default::default()
    };
    change(&scope, id, &seen, forms, Permission::WorkOnAssigned, move |conn, ctx, order| {
        let tz = site_tz(conn, order.site_id)?;
        let entry = match form.validate(&tz) {
            Ok(entry) => entry,
            Err(errors) => return Ok(Outcome::Refused(errors)),
        };
        if contractors::find(conn, entry.contractor_id).is_err() {
            return Err(rejected("contractor_id", "Choose one of your contractors."));
        }
        let cost = wo::add_labor(conn, order.id, &entry)?;
        wo::recompute_costs(conn, order.id)?;
        audit::record(
            conn,
            &ctx.actor,
            AuditEvent::new("labor_logged", "work_order", order.id).data(json!({
                "contractor_id": entry.contractor_id, "minutes": super::costs::minutes(entry.start, entry.end),
                "type": entry.labor_type, "cost": cost.to_string(),
            })),
        )?;
        Ok(Outcome::Saved(format!("Labour recorded: ${cost}.")))
    })
    .await
}

pub async fn remove_labor(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    remove_cost_line(scope, path, form, CostLine::Labor).await
}

pub async fn set_followup(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<FollowupForm>,
) -> Result<HttpResponse, AppError> {
    use crate::db::schema_org::work_orders as t;
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = form.version.clone();
    change(
        &scope,
        id,
        &seen,
        DetailForms::default(),
        Permission::WorkOnAssigned,
        move |conn, ctx, order| {
            let mut errors = FieldErrors::default();
            if !crate::web::forms::check_text(
                &mut errors,
                "followup_notes",
                &form.followup_notes,
                5000,
                false,
            ) {
                return Ok(Outcome::Refused(errors));
            }
            let needed = matches!(form.requires_followup.as_str(), "1" | "on" | "true");
            diesel::update(t::table.find(order.id))
                .set((
                    t::requires_followup.eq(needed),
                    t::followup_notes.eq(crate::web::forms::blank(&form.followup_notes)),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("work_order_updated", "work_order", order.id)
                    .data(json!({ "requires_followup": needed })),
            )?;
            Ok(Outcome::Saved(
                if needed {
                    "Marked for follow-up."
                } else {
                    "Follow-up cleared."
                }
                .into(),
            ))
        },
    )
    .await
}

/// Comments are added without a version: they change nothing others could overwrite.
pub async fn add_comment(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    if !crate::web::forms::check_text(&mut errors, "body", &form.body, 20_000, true) {
        let forms = DetailForms {
            comment: form.body.clone(),
            ..Default::default()
        };
        scope
            .run(Permission::View, move |conn, _| Ok(wo::find(conn, id)?))
            .await?;
        return detail_page(
            &scope,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            forms,
            errors,
            None,
        )
        .await;
    }
    scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            let order = wo::find(conn, id)?;
            authorize_work(conn, ctx, &order)?;
            wo::add_comment(
                conn,
                id,
                (ctx.actor.account_id, &ctx.actor.display_name),
                form.body.trim(),
            )?;
            audit::record(
                conn,
                &ctx.actor,
                AuditEvent::new("work_order_commented", "work_order", id),
            )?;
            Ok(())
        })
        .await?;
    scope.viewer.flash("success", "Comment added.");
    Ok(see_other(format!(
        "/o/{}/work-orders/{id}#comments",
        scope.slug()
    )))
}
