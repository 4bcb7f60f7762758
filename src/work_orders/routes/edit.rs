//! Editing a work order after it was raised: the form, and its submission checked against the
//! version its author saw.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::seen_version;
use crate::auth::roles::Permission;
use crate::elevators::queries as elevators;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::work_orders::forms::NewWorkOrderForm;
use crate::work_orders::operations::{self, Acting, Edit};
use crate::work_orders::queries as wo;
use crate::work_orders::views::EditPage;

/// The edit page: with `form` as typed, or (without) the work order as it is now.
async fn page(
    scope: &OrgScope,
    id: Uuid,
    status: StatusCode,
    form: Option<NewWorkOrderForm>,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (order, lifts, tz) = scope
        .run(Permission::ManageWorkOrders, move |conn, _| {
            let order = wo::find(conn, id)?;
            let lifts = elevators::for_site(conn, order.site_id)?
                .into_iter()
                .map(|lift| (lift.id, lift.unit_number))
                .collect::<Vec<_>>();
            let tz = operations::site_zone(conn, order.site_id)?;
            Ok((order, lifts, tz))
        })
        .await?;
    let form = form.unwrap_or_else(|| NewWorkOrderForm::of(&order, &tz));
    let title = format!("Edit {}", order.work_order_number);
    render_status(
        status,
        &EditPage {
            layout: scope.layout(title, "work_orders"),
            slug: scope.slug().to_string(),
            order,
            form,
            errors,
            lifts,
            tz,
            message,
        },
    )
}

pub async fn edit_form(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageWorkOrders)?;
    let id = path.into_inner().1;
    page(
        &scope,
        id,
        StatusCode::OK,
        None,
        FieldErrors::default(),
        None,
    )
    .await
}

pub async fn update(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<NewWorkOrderForm>,
) -> Result<HttpResponse, AppError> {
    scope.require(Permission::ManageWorkOrders)?;
    let id = path.into_inner().1;
    let form = form.into_inner();
    let seen = seen_version(&form.version)?;
    let edit = match form.validate() {
        Ok(new) => Edit::from_form(new),
        Err(errors) => {
            return page(
                &scope,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                errors,
                None,
            )
            .await
        }
    };
    let outcome = scope
        .run(Permission::ManageWorkOrders, move |conn, ctx| {
            Ok(operations::edit(
                conn,
                &Acting::member(ctx),
                id,
                seen,
                &edit,
            )?)
        })
        .await;
    match outcome {
        Ok(order) => {
            scope
                .viewer
                .flash("success", format!("{} was saved.", order.work_order_number));
            Ok(see_other(format!("/o/{}/work-orders/{id}", scope.slug())))
        }
        Err(AppError::Rejected(errors)) => {
            page(
                &scope,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(form),
                errors,
                None,
            )
            .await
        }
        // Someone else changed it meanwhile: the form as the work order now is.
        Err(AppError::Conflict(message)) => {
            page(
                &scope,
                id,
                StatusCode::CONFLICT,
                None,
                FieldErrors::default(),
                Some(message),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
