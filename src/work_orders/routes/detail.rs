//! The detail page of a work order, and the changes made on it that are not tasks or costs:
//! status moves, assignment, the follow-up flag and comments.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::PgConnection;
use uuid::Uuid;

use super::{change, refused};
use crate::attachments::views::Gallery;
use crate::audit::queries as audit_queries;
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::elevators::queries as elevators;
use crate::orgs::context::OrgCtx;
use crate::orgs::OrgScope;
use crate::sites::queries as sites;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError, Htmx};
use crate::work_orders::field_view::FieldView;
use crate::work_orders::forms::{AssignForm, CommentForm, FollowupForm, MoveForm};
use crate::work_orders::operations::{self, Acting};
use crate::work_orders::queries as wo;
use crate::work_orders::status::WorkOrderStatus;
use crate::work_orders::views::{self, DetailForms, DetailPage};
use crate::AppState;

pub(super) fn load(
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
    let can_work = operations::may_work(conn, &Acting::member(ctx), &order)?;
    let gallery = Gallery::of_work_order(conn, &ctx.org.slug, id, can_work)?;
    let field = FieldView::load(conn, id, ctx.actor.account_id, can_work)?;
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
        gallery,
        field,
        order,
        site,
        elevator,
        contractor,
    })
}

/// The detail page with `forms` as the person left them, and why a change was refused.
pub(super) async fn page(
    scope: &OrgScope,
    id: Uuid,
    status: StatusCode,
    forms: DetailForms,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let data = scope.read(move |conn, ctx| load(conn, ctx, id)).await?;
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

pub async fn show(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    page(
        &scope,
        id,
        StatusCode::OK,
        DetailForms::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

pub async fn move_status(
    scope: OrgScope,
    state: web::Data<AppState>,
    htmx: Htmx,
    path: web::Path<(String, Uuid)>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    if form.from == "board" && htmx.is_fragment() {
        return super::board::board_move(scope, id, form).await;
    }
    let forms = DetailForms {
        move_form: form.clone(),
        ..Default::default()
    };
    let checked = match form.validate() {
        Ok(checked) => checked,
        Err(errors) => return refused(&scope, id, forms, errors).await,
    };
    let signoff = form.signoff();
    change(
        &scope,
        id,
        &form.version,
        forms,
        move |conn, acting, seen| {
            let moved = operations::move_status(conn, acting, id, seen, &checked)?;
            if moved.to == WorkOrderStatus::Completed {
                operations::field::sign_off(conn, state.files.as_ref(), acting, id, &signoff)?;
            }
            Ok(format!(
                "{} is now {}.",
                moved.work_order_number,
                moved.to.label().to_lowercase()
            ))
        },
    )
    .await
}

pub async fn assign(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let forms = DetailForms {
        assign: form.clone(),
        ..Default::default()
    };
    let assignee = match form.assignee() {
        Ok(assignee) => assignee,
        Err(errors) => return refused(&scope, id, forms, errors).await,
    };
    change(
        &scope,
        id,
        &form.version,
        forms,
        move |conn, acting, seen| {
            Ok(
                match operations::assign(conn, acting, id, seen, &assignee)? {
                    Some(c) => format!("Assigned to {}.", c.contact_name),
                    None => "The work order is unassigned.".into(),
                },
            )
        },
    )
    .await
}

pub async fn set_followup(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<FollowupForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let followup = match form.validate() {
        Ok(followup) => followup,
        Err(errors) => return refused(&scope, id, DetailForms::default(), errors).await,
    };
    change(
        &scope,
        id,
        &form.version,
        DetailForms::default(),
        move |conn, acting, seen| {
            operations::set_followup(conn, acting, id, seen, &followup)?;
            Ok(if followup.needed {
                "Marked for follow-up."
            } else {
                "Follow-up cleared."
            }
            .into())
        },
    )
    .await
}

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
        return refused(&scope, id, forms, errors).await;
    }
    scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            Ok(operations::add_comment(
                conn,
                &Acting::member(ctx),
                id,
                &form.body,
            )?)
        })
        .await?;
    scope.viewer.flash("success", "Comment added.");
    Ok(see_other(format!(
        "/o/{}/work-orders/{id}#comments",
        scope.slug()
    )))
}
