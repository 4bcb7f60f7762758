//! The rows that say where each attachment and its thumbnail are stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_org::{attachments, service_requests};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Attachment {
    pub id: Uuid,
    pub work_order_id: Option<Uuid>,
    pub service_request_id: Option<Uuid>,
    pub inventory_item_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i32,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    pub fn is_photo(&self) -> bool {
        self.thumbnail_key.is_some()
    }

    /// Its size as people read it ("2.4 MB", "310 KB").
    pub fn size_label(&self) -> String {
        crate::storage::size_label(self.byte_size)
    }
}

/// A row to insert; exactly one of the owners is set.
pub struct NewAttachment<'a> {
    pub id: Uuid,
    pub work_order_id: Option<Uuid>,
    pub service_request_id: Option<Uuid>,
    pub inventory_item_id: Option<Uuid>,
    pub file_name: &'a str,
    pub content_type: &'static str,
    pub byte_size: i32,
    pub storage_key: &'a str,
    pub thumbnail_key: Option<&'a str>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_by: Option<Uuid>,
    pub uploaded_by_name: &'a str,
    /// The checklist task the photo was asked for.
    pub task_id: Option<Uuid>,
}

pub fn insert(conn: &mut PgConnection, row: &NewAttachment) -> QueryResult<usize> {
    diesel::insert_into(attachments::table)
        .values((
            attachments::id.eq(row.id),
            attachments::work_order_id.eq(row.work_order_id),
            attachments::service_request_id.eq(row.service_request_id),
            attachments::inventory_item_id.eq(row.inventory_item_id),
            attachments::file_name.eq(row.file_name),
            attachments::content_type.eq(row.content_type),
            attachments::byte_size.eq(row.byte_size),
            attachments::storage_key.eq(row.storage_key),
            attachments::thumbnail_key.eq(row.thumbnail_key),
            attachments::width.eq(row.width),
            attachments::height.eq(row.height),
            attachments::uploaded_by.eq(row.uploaded_by),
            attachments::uploaded_by_name.eq(row.uploaded_by_name),
            attachments::task_id.eq(row.task_id),
        ))
        .execute(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Attachment> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
}

/// A work order's attachments and those of the fault reports it was raised from, oldest first.
pub fn of_work_order(conn: &mut PgConnection, work_order_id: Uuid) -> QueryResult<Vec<Attachment>> {
    let reports = service_requests::table
        .filter(service_requests::assigned_work_order_id.eq(work_order_id))
        .select(service_requests::id.nullable());
    attachments::table
        .filter(
            attachments::work_order_id
                .eq(work_order_id)
                .or(attachments::service_request_id.eq_any(reports)),
        )
        .order((attachments::created_at, attachments::id))
        .select(Attachment::as_select())
        .load(conn)
}

pub fn of_service_request(
    conn: &mut PgConnection,
    service_request_id: Uuid,
) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::service_request_id.eq(service_request_id))
        .order((attachments::created_at, attachments::id))
        .select(Attachment::as_select())
        .load(conn)
}

/// The photos and documents of a catalogue item, oldest first.
pub fn of_item(conn: &mut PgConnection, item_id: Uuid) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::inventory_item_id.eq(item_id))
        .order((attachments::created_at, attachments::id))
        .select(Attachment::as_select())
        .load(conn)
}

pub fn delete(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Attachment>> {
    diesel::delete(attachments::table.find(id))
        .returning(Attachment::as_returning())
        .get_result(conn)
        .optional()
}
