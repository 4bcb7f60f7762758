//! Attaching accepted files (see [`files::accept_all`]) to a work order or a fault report,
//! finding one to show, and taking one off. The files and the rows go together: files stored
//! before a failure are deleted again, and a removed row's files are deleted after it.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::files::Accepted;
use super::queries::{self, Attachment, NewAttachment};
use crate::audit::{self, AuditEvent};
use crate::auth::roles::Permission;
use crate::db::schema_org::inventory_items;
use crate::service_requests::queries as requests;
use crate::storage::{FileStore, StorageError};
use crate::web::AppError;
use crate::work_orders::operations::{self as work_orders, Acting};
use crate::work_orders::queries as orders;

/// What an attachment hangs off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    WorkOrder(Uuid),
    ServiceRequest(Uuid),
    /// A catalogue item's photos.
    InventoryItem(Uuid),
}

impl Owner {
    fn audit_entity(self) -> (&'static str, Uuid) {
        match self {
            Owner::WorkOrder(id) => ("work_order", id),
            Owner::ServiceRequest(id) => ("service_request", id),
            Owner::InventoryItem(id) => ("inventory_item", id),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// The attachment or what it would hang off is not in this organization.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for AttachmentError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AttachmentError::NotFound,
            other => AttachmentError::Database(other),
        }
    }
}

impl From<AttachmentError> for AppError {
    fn from(e: AttachmentError) -> Self {
        match e {
            AttachmentError::NotFound => AppError::NotFound,
            AttachmentError::Forbidden(why) => AppError::Forbidden(why.into()),
            AttachmentError::Storage(e) => e.into(),
            AttachmentError::Database(e) => AppError::internal(e),
        }
    }
}

/// Whether `acting` may add files to (or take them off) `owner`: a work order's assignee or a
/// manager; for a fault report, whoever triages them (or the public form sending it).
fn authorize(
    conn: &mut PgConnection,
    acting: &Acting,
    owner: Owner,
) -> Result<(), AttachmentError> {
    match owner {
        Owner::WorkOrder(id) => {
            let order = orders::find(conn, id)?;
            if work_orders::may_work(conn, acting, &order)? {
                Ok(())
            } else {
                Err(AttachmentError::Forbidden(
                    "You can add files only to the work orders assigned to you.",
                ))
            }
        }
        Owner::ServiceRequest(id) => {
            requests::find(conn, id)?;
            if acting.may(Permission::ManageServiceRequests) {
                Ok(())
            } else {
                Err(AttachmentError::Forbidden(
                    "Only managers can add files to fault reports.",
                ))
            }
        }
        Owner::InventoryItem(id) => {
            // Read from the table itself: the catalogue's module shows these galleries.
            inventory_items::table
                .find(id)
                .select(inventory_items::id)
                .first::<Uuid>(conn)?;
            if acting.may(Permission::ManageInventory) {
                Ok(())
            } else {
                Err(AttachmentError::Forbidden(
                    "Only managers can add photos to catalogue items.",
                ))
            }
        }
    }
}

/// Refuses unless `acting` may add files to `owner` (checked before an upload is read).
pub fn check_may_attach(
    conn: &mut PgConnection,
    acting: &Acting,
    owner: Owner,
) -> Result<(), AttachmentError> {
    authorize(conn, acting, owner)
}

/// Stores `files` and attaches them to `owner`; returns how many were attached.
pub fn attach(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    acting: &Acting,
    owner: Owner,
    files: &[Accepted],
    task: Option<Uuid>,
) -> Result<usize, AttachmentError> {
    authorize(conn, acting, owner)?;
    // A photo a checklist task asks for hangs off that task of this work order.
    if let (Some(task), Owner::WorkOrder(work_order)) = (task, owner) {
        crate::work_orders::queries::task(conn, work_order, task)?;
    }
    let task = task.filter(|_| matches!(owner, Owner::WorkOrder(_)));
    let mut stored: Vec<String> = Vec::new();
    let outcome = store_all(conn, store, acting, owner, files, task, &mut stored);
    if outcome.is_err() {
        for key in &stored {
            let _ = store.delete(key);
        }
    }
    outcome
}

fn store_all(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    acting: &Acting,
    owner: Owner,
    files: &[Accepted],
    task_id: Option<Uuid>,
    stored: &mut Vec<String>,
) -> Result<usize, AttachmentError> {
    let (work_order_id, service_request_id, inventory_item_id) = match owner {
        Owner::WorkOrder(id) => (Some(id), None, None),
        Owner::ServiceRequest(id) => (None, Some(id), None),
        Owner::InventoryItem(id) => (None, None, Some(id)),
    };
    for file in files {
        let id = Uuid::new_v4();
        let folder = format!("attachments/{}", acting.org.id);
        let (key, thumbnail_key) = put_file(store, &folder, id, file, stored)?;
        queries::insert(
            conn,
            &NewAttachment {
                id,
                work_order_id,
                service_request_id,
                inventory_item_id,
                file_name: &file.file_name,
                content_type: file.kind.content_type(),
                byte_size: i32::try_from(file.bytes.len()).unwrap_or(i32::MAX),
                storage_key: &key,
                thumbnail_key: thumbnail_key.as_deref(),
                width: file.size.map(|(w, _)| w as i32),
                height: file.size.map(|(_, h)| h as i32),
                uploaded_by: acting.account_id(),
                uploaded_by_name: &acting.actor.display_name,
                task_id,
            },
        )?;
    }
    let (entity, entity_id) = owner.audit_entity();
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("attachments_added", entity, entity_id)
            .data(json!({ "files": names, "count": files.len() })),
    )?;
    Ok(files.len())
}

/// Puts an accepted file (and its thumbnail) in the store under `folder`, noting each key in
/// `stored` so a caller whose transaction fails can delete them again; returns the keys.
pub fn put_file(
    store: &dyn FileStore,
    folder: &str,
    id: Uuid,
    file: &Accepted,
    stored: &mut Vec<String>,
) -> Result<(String, Option<String>), StorageError> {
    let key = format!("{folder}/{id}.{}", file.extension());
    store.put(&key, &file.bytes)?;
    stored.push(key.clone());
    let thumbnail_key = match &file.thumbnail {
        Some(thumbnail) => {
            let thumbnail_key = format!("{folder}/{id}-thumb.jpg");
            store.put(&thumbnail_key, thumbnail)?;
            stored.push(thumbnail_key.clone());
            Some(thumbnail_key)
        }
        None => None,
    };
    Ok((key, thumbnail_key))
}

/// Attachment `id` of this organization (another organization's id is not found here).
pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Attachment, AttachmentError> {
    Ok(queries::find(conn, id)?)
}

/// Takes attachment `id` off what it hangs off, and deletes its files; returns what it hung off.
pub fn remove(
    conn: &mut PgConnection,
    store: &dyn FileStore,
    acting: &Acting,
    id: Uuid,
) -> Result<Owner, AttachmentError> {
    let attachment = queries::find(conn, id)?;
    let owner = match (
        attachment.work_order_id,
        attachment.service_request_id,
        attachment.inventory_item_id,
    ) {
        (Some(order), _, _) => Owner::WorkOrder(order),
        (None, Some(request), _) => Owner::ServiceRequest(request),
        (None, None, Some(item)) => Owner::InventoryItem(item),
        (None, None, None) => return Err(AttachmentError::NotFound),
    };
    authorize(conn, acting, owner)?;
    queries::delete(conn, id)?.ok_or(AttachmentError::NotFound)?;
    let (entity, entity_id) = owner.audit_entity();
    audit::record(
        conn,
        acting.actor,
        AuditEvent::new("attachment_removed", entity, entity_id)
            .data(json!({ "file": attachment.file_name })),
    )?;
    // The row is gone, so the files are unreachable: failing to delete them only leaves litter.
    let _ = store.delete(&attachment.storage_key);
    if let Some(key) = &attachment.thumbnail_key {
        let _ = store.delete(key);
    }
    Ok(owner)
}
