//! Raising a work order by hand: the form (blank, from a site or lift, or a callback of an
//! earlier work order) and its submission.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::roles::Permission;
use crate::elevators::queries as elevators;
use crate::elevators::status::InspectionResult;
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::local_time;
use crate::web::{render_status, see_other, AppError};
use crate::work_orders::forms::NewWorkOrderForm;
use crate::work_orders::operations::{self, Acting};
use crate::work_orders::queries::{self as wo, WorkOrder};
use crate::work_orders::views::{self, NewPage};

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    site: Option<Uuid>,
    elevator: Option<Uuid>,
    parent: Option<Uuid>,
    /// The inspection whose failed or conditional result this repair puts right.
    inspection: Option<Uuid>,
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
        let (original, zone) = scope
            .run(Permission::ManageWorkOrders, move |conn, _| {
                let original = wo::find(conn, parent)?;
                let zone = operations::site_zone(conn, original.site_id)?;
                Ok((original, zone))
            })
            .await?;
        form.work_type = "callback".into();
        form.priority = "high".into();
        form.parent_work_order_id = parent.to_string();
        same_lift(&mut form, &original);
        form.title = format!("Callback: {}", original.title);
        // The form takes the site's wall-clock time.
        form.callback_reported_at = local_time::input_value(&Utc::now(), &zone);
    }
    if let Some(inspection) = query.inspection {
        let (inspected, result) = scope
            .run(Permission::ManageWorkOrders, move |conn, _| {
                let order = wo::find(conn, inspection)?;
                let result = match order.elevator_id {
                    Some(lift) => elevators::find(conn, lift)?.last_inspection_result,
                    None => None,
                };
                Ok((order, result))
            })
            .await?;
        prefill_repair(&mut form, &inspected, result);
    }
    new_page(&scope, StatusCode::OK, form, FieldErrors::default()).await
}

/// A work order that follows `earlier` is for the same site and lift.
fn same_lift(form: &mut NewWorkOrderForm, earlier: &WorkOrder) {
    form.site_id = earlier.site_id.to_string();
    form.elevator_id = earlier
        .elevator_id
        .map(|e| e.to_string())
        .unwrap_or_default();
}

/// The repair that follows an inspection: same lift, what the inspector found, and high
/// priority when the lift failed.
fn prefill_repair(
    form: &mut NewWorkOrderForm,
    inspected: &WorkOrder,
    result: Option<InspectionResult>,
) {
    same_lift(form, inspected);
    form.title = format!("Repair after inspection {}", inspected.work_order_number);
    let found = [&inspected.followup_notes, &inspected.resolution_notes]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>();
    form.description = found.join("\n\n");
    form.priority = match result {
        Some(InspectionResult::Failed) => "high",
        _ => "medium",
    }
    .into();
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
            Ok(operations::create(conn, &Acting::member(ctx), &new)?)
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
