//! The board, the list (with its CSV export), "my work orders", and moves made on the board.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use diesel::prelude::*;
use uuid::Uuid;

use super::seen_version;
use crate::auth::roles::Permission;
use crate::contractors::queries as contractors;
use crate::orgs::OrgScope;
use crate::web::pagination::Pagination;
use crate::web::{csv_response, render, render_status, AppError, Htmx};
use crate::work_orders::forms::{MoveForm, WorkOrderQuery};
use crate::work_orders::operations::{self, Acting};
use crate::work_orders::queries as wo;
use crate::work_orders::views::{self, BoardColumns, BoardPage, ListPage, ListResults};

const PER_PAGE: i64 = 30;

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
            .read(move |conn, ctx| {
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
            .read(move |conn, ctx| {
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
        .read(move |conn, _| Ok(wo::all_matching(conn, &query, Utc::now())?))
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
        &format!(
            "work-orders-{}.csv",
            crate::web::local_time::today(&scope.viewer.zone(Some(scope.slug())))
        ),
        body,
    ))
}

/// The work orders assigned to the signed-in person's contractor record.
pub async fn mine(scope: OrgScope) -> Result<HttpResponse, AppError> {
    let rows = scope
        .read(|conn, ctx| {
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

/// A move from a board card: the answer re-renders the two columns concerned (and their
/// counts) instead of the page, or the card as it is now when the move was refused.
pub(super) async fn board_move(
    scope: OrgScope,
    id: Uuid,
    form: MoveForm,
) -> Result<HttpResponse, AppError> {
    let seen = seen_version(&form.version)
        .map_err(|_| AppError::BadRequest("Reload the board and try again.".into()))?;
    let query = WorkOrderQuery::default();
    // Errors roll the transaction back; the refused ones are answered with the card as it is.
    let outcome = match form.validate() {
        Err(errors) => Err(AppError::Rejected(errors)),
        Ok(change) => {
            scope
                .run(Permission::WorkOnAssigned, move |conn, ctx| {
                    let moved =
                        operations::move_status(conn, &Acting::member(ctx), id, seen, &change)?;
                    Ok((moved.from, moved.to))
                })
                .await
        }
    };
    match outcome {
        Ok((from, to)) => {
            let columns = scope
                .read(move |conn, _| {
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
            let card = scope.read(move |conn, _| Ok(wo::card(conn, id)?)).await?;
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
