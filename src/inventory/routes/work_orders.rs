//! A work order's stock panel (loaded into its parts card, or a page of its own without
//! scripts): take parts from stock, reserve them until the work starts, release a reservation.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::inventory::forms::FromStockForm;
use crate::inventory::operations::work_orders as stock;
use crate::inventory::views::{StockPanel, StockPanelFragment, StockPanelPage};
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::{render, render_status, see_other, AppError, Htmx};
use crate::work_orders::operations::{may_work, Acting};
use crate::work_orders::queries as orders;

async fn panel(
    scope: &OrgScope,
    id: Uuid,
    form: FromStockForm,
    errors: FieldErrors,
) -> Result<StockPanel, AppError> {
    let slug = scope.slug().to_string();
    scope
        .run(Permission::View, move |conn, ctx| {
            let order = orders::find(conn, id)?;
            let can_work = may_work(conn, &Acting::member(ctx), &order)?;
            let picks = if can_work {
                stock::pickable_for(conn, &order, ctx.actor.account_id)?
            } else {
                Vec::new()
            };
            Ok(StockPanel {
                slug,
                reserved: stock::reserved_for(conn, id)?,
                can_reserve: stock::may_reserve(&order),
                order,
                picks,
                can_work,
                form,
                errors,
            })
        })
        .await
}

pub async fn show(
    scope: OrgScope,
    htmx: Htmx,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let panel = panel(&scope, id, FromStockForm::default(), FieldErrors::default()).await?;
    let layout = scope.layout(
        format!("Stock for {}", panel.order.work_order_number),
        "work_orders",
    );
    if htmx.is_fragment() {
        return render(&StockPanelFragment { layout, panel });
    }
    render(&StockPanelPage { layout, panel })
}

/// Back to the work order when done; the panel's page with the message when refused.
async fn outcome(
    scope: &OrgScope,
    id: Uuid,
    done: Result<String, AppError>,
    form: FromStockForm,
) -> Result<HttpResponse, AppError> {
    match done {
        Ok(message) => {
            scope.viewer.flash("success", message);
            Ok(see_other(format!(
                "/o/{}/work-orders/{id}#parts",
                scope.slug()
            )))
        }
        Err(e) => {
            let (status, errors) = super::refusal(e)?;
            let panel = panel(scope, id, form, errors).await?;
            let layout = scope.layout(
                format!("Stock for {}", panel.order.work_order_number),
                "work_orders",
            );
            render_status(status, &StockPanelPage { layout, panel })
        }
    }
}

fn seen(version: &str) -> Result<i32, AppError> {
    version.trim().parse().map_err(|_| {
        AppError::BadRequest("The form is out of date: open the work order again.".into())
    })
}

pub async fn take(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<FromStockForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let submitted = form.clone();
    let version = seen(&form.version)?;
    let done = match form.validate() {
        Err(errors) => Err(AppError::Rejected(errors)),
        Ok(pick) => {
            scope
                .run(Permission::WorkOnAssigned, move |conn, ctx| {
                    stock::issue_to_work_order(conn, &Acting::member(ctx), id, version, &pick)?;
                    let verb = if pick.reserve {
                        "reserved"
                    } else {
                        "taken from stock"
                    };
                    Ok(format!("{} {verb}.", pick.quantity))
                })
                .await
        }
    };
    outcome(&scope, id, done, submitted).await
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

pub async fn release(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, reservation) = path.into_inner();
    let version = seen(&form.version)?;
    let done = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            stock::release(conn, &Acting::member(ctx), id, version, reservation)?;
            Ok("The reservation was released back to stock.".to_string())
        })
        .await;
    outcome(&scope, id, done, FromStockForm::default()).await
}
