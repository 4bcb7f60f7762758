//! Parts used and labour on a work order's detail page.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use super::{change, refused};
use crate::orgs::OrgScope;
use crate::web::AppError;
use crate::work_orders::forms::{LaborForm, PartForm};
use crate::work_orders::operations::{self, CostLine};
use crate::work_orders::views::DetailForms;

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

pub async fn add_part(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<PartForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let forms = DetailForms {
        part: form.clone(),
        ..Default::default()
    };
    let part = match form.validate() {
        Ok(part) => part,
        Err(errors) => return refused(&scope, id, forms, errors).await,
    };
    change(
        &scope,
        id,
        &form.version,
        forms,
        move |conn, acting, seen| {
            operations::add_part(conn, acting, id, seen, &part)?;
            Ok(format!("{} × {} recorded.", part.quantity, part.part_name))
        },
    )
    .await
}

pub async fn add_labor(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<LaborForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let forms = DetailForms {
        labor: form.clone(),
        ..Default::default()
    };
    let labor = match form.validate() {
        Ok(labor) => labor,
        Err(errors) => return refused(&scope, id, forms, errors).await,
    };
    change(
        &scope,
        id,
        &form.version,
        forms,
        move |conn, acting, seen| {
            let cost = operations::add_labor(conn, acting, id, seen, &labor)?;
            Ok(format!("Labour recorded: ${cost}."))
        },
    )
    .await
}

/// Takes one part or labour line off the work order.
async fn remove(
    scope: OrgScope,
    id: Uuid,
    version: &str,
    line: CostLine,
) -> Result<HttpResponse, AppError> {
    change(
        &scope,
        id,
        version,
        DetailForms::default(),
        move |conn, acting, seen| {
            operations::remove_line(conn, acting, id, seen, line)?;
            Ok(match line {
                CostLine::Part(_) => "Part removed.",
                CostLine::Labor(_) => "Labour entry removed.",
            }
            .into())
        },
    )
    .await
}

pub async fn remove_part(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, part) = path.into_inner();
    remove(scope, id, &form.version, CostLine::Part(part)).await
}

pub async fn remove_labor(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, labor) = path.into_inner();
    remove(scope, id, &form.version, CostLine::Labor(labor)).await
}
