//! Uploading attachments to a work order or a fault report, serving them, and removing one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;
use uuid::Uuid;

use super::files::{accept_off_thread, LIMITS};
use super::operations::{self, AttachmentError, Owner};
use super::views::{owner_path, upload_path, RefusedPage};
use crate::auth::roles::Permission;
use crate::orgs::OrgScope;
use crate::storage::{StorageError, FULL_MESSAGE};
use crate::web::downloads::{send_file, StoredFile};
use crate::web::uploads::read_form_with_files;
use crate::web::{render_status, see_other, AppError};
use crate::work_orders::operations::Acting;
use crate::AppState;

async fn upload(
    scope: OrgScope,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
    owner: Owner,
) -> Result<HttpResponse, AppError> {
    // Who may add files is settled before a byte of them is read.
    scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            Ok(operations::check_may_attach(
                conn,
                &Acting::member(ctx),
                owner,
            )?)
        })
        .await?;
    let form = read_form_with_files(&req, payload, "files", LIMITS).await?;
    let task = form
        .fields
        .iter()
        .find(|(name, _)| name == "task_id")
        .and_then(|(_, value)| Uuid::parse_str(value.trim()).ok());
    let accepted = if form.files.is_empty() {
        Err("Choose at least one photo or PDF to upload.".to_string())
    } else {
        accept_off_thread(form.files).await?
    };
    let slug = scope.slug().to_string();
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(problem) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RefusedPage {
                    layout: scope.layout("Nothing was uploaded", section(owner)),
                    problem,
                    upload_to: upload_path(&slug, owner),
                    back: owner_path(&slug, owner),
                },
            )
        }
    };
    let store = state.files.clone();
    let attached = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            // In a savepoint, so a full store takes back the rows of the files before it
            // while the page can still say why.
            let attached = conn.transaction(|conn| {
                operations::attach(
                    conn,
                    store.as_ref(),
                    &Acting::member(ctx),
                    owner,
                    &accepted,
                    task,
                )
            });
            match attached {
                Err(AttachmentError::Storage(StorageError::Full)) => Ok(None),
                other => Ok(Some(other?)),
            }
        })
        .await?;
    let Some(count) = attached else {
        return render_status(
            StatusCode::INSUFFICIENT_STORAGE,
            &RefusedPage {
                layout: scope.layout("Nothing was uploaded", section(owner)),
                problem: FULL_MESSAGE.to_string(),
                upload_to: upload_path(&slug, owner),
                back: owner_path(&slug, owner),
            },
        );
    };
    scope.viewer.flash(
        "success",
        if count == 1 {
            "1 file was added.".to_string()
        } else {
            format!("{count} files were added.")
        },
    );
    Ok(see_other(owner_path(&slug, owner)))
}

fn section(owner: Owner) -> &'static str {
    match owner {
        Owner::WorkOrder(_) => "work_orders",
        Owner::ServiceRequest(_) => "service_requests",
        Owner::InventoryItem(_) => "inventory",
    }
}

pub async fn upload_to_work_order(
    scope: OrgScope,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let owner = Owner::WorkOrder(path.into_inner().1);
    upload(scope, state, req, payload, owner).await
}

pub async fn upload_to_service_request(
    scope: OrgScope,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let owner = Owner::ServiceRequest(path.into_inner().1);
    upload(scope, state, req, payload, owner).await
}

pub async fn upload_to_item(
    scope: OrgScope,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let owner = Owner::InventoryItem(path.into_inner().1);
    upload(scope, state, req, payload, owner).await
}

async fn serve(
    scope: OrgScope,
    state: web::Data<AppState>,
    id: Uuid,
    thumbnail: bool,
) -> Result<HttpResponse, AppError> {
    let attachment = scope
        .read(move |conn, _| Ok(operations::find(conn, id)?))
        .await?;
    let file = StoredFile {
        storage_key: attachment.storage_key,
        thumbnail_key: attachment.thumbnail_key,
        content_type: attachment.content_type,
        file_name: attachment.file_name,
    };
    send_file(&state, file, thumbnail).await
}

pub async fn file(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    serve(scope, state, path.into_inner().1, false).await
}

pub async fn thumbnail(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    serve(scope, state, path.into_inner().1, true).await
}

pub async fn remove(
    scope: OrgScope,
    state: web::Data<AppState>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().1;
    let store = state.files.clone();
    let owner = scope
        .run(Permission::WorkOnAssigned, move |conn, ctx| {
            Ok(operations::remove(
                conn,
                store.as_ref(),
                &Acting::member(ctx),
                id,
            )?)
        })
        .await?;
    scope.viewer.flash("success", "The file was removed.");
    Ok(see_other(owner_path(scope.slug(), owner)))
}
