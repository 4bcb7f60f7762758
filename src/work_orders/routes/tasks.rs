//! A work order's checklist on its detail page.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::{change, refused};
use crate::orgs::OrgScope;
use crate::web::forms::FieldErrors;
use crate::web::AppError;
use crate::work_orders::forms::{TaskActionForm, TaskForm};
use crate::work_orders::operations::{self, TaskAction};
use crate::work_orders::views::DetailForms;

pub async fn add(
    scope: OrgScope,
    path: web::Path<(String, Uuid)>,
    form: web::Form<TaskForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let form = form.into_inner();
    let forms = DetailForms {
        task_title: form.title.clone(),
        ..Default::default()
    };
    let mut errors = FieldErrors::default();
    if !crate::web::forms::check_line(&mut errors, "task_title", &form.title, 255, true) {
        return refused(&scope, id, forms, errors).await;
    }
    change(
        &scope,
        id,
        &form.version,
        forms,
        move |conn, acting, seen| {
            operations::add_task(conn, acting, id, seen, &form.title)?;
            Ok("Task added.".into())
        },
    )
    .await
}

pub async fn act(
    scope: OrgScope,
    path: web::Path<(String, Uuid, Uuid)>,
    form: web::Form<TaskActionForm>,
) -> Result<HttpResponse, AppError> {
    let (_, id, task_id) = path.into_inner();
    let form = form.into_inner();
    let action = form
        .action()
        .ok_or_else(|| AppError::BadRequest("Unknown task action.".into()))?;
    change(
        &scope,
        id,
        &form.version,
        DetailForms::default(),
        move |conn, acting, seen| {
            operations::act_on_task(conn, acting, id, seen, task_id, &action)?;
            Ok(match action {
                TaskAction::Start => "Task started.",
                TaskAction::Complete { .. } => "Task completed.",
                TaskAction::Skip { .. } => "Task skipped.",
                TaskAction::Reopen => "Task reopened.",
                TaskAction::MoveUp | TaskAction::MoveDown => "Tasks reordered.",
            }
            .into())
        },
    )
    .await
}
