//! The gallery shown on a work order's and a fault report's page, and the page that says why
//! an upload was refused.

use askama::Template;
use diesel::prelude::*;
use uuid::Uuid;

use super::files::{MAX_BYTES, MAX_FILES};
use super::operations::Owner;
use super::queries::{self, Attachment};
use crate::web::Layout;

/// Where files of `owner` are sent.
pub fn upload_path(slug: &str, owner: Owner) -> String {
    match owner {
        Owner::WorkOrder(id) => format!("/o/{slug}/work-orders/{id}/attachments"),
        Owner::ServiceRequest(id) => format!("/o/{slug}/service-requests/{id}/attachments"),
        Owner::InventoryItem(id) => format!("/o/{slug}/inventory/items/{id}/photos"),
    }
}

/// The page of `owner`, at its gallery.
pub fn owner_path(slug: &str, owner: Owner) -> String {
    match owner {
        Owner::WorkOrder(id) => format!("/o/{slug}/work-orders/{id}#attachments"),
        Owner::ServiceRequest(id) => format!("/o/{slug}/service-requests/{id}#attachments"),
        Owner::InventoryItem(id) => format!("/o/{slug}/inventory/items/{id}#attachments"),
    }
}

/// Photos and documents of one work order or fault report (`templates/attachments/gallery.html`,
/// included by the page that shows it).
pub struct Gallery {
    pub slug: String,
    pub items: Vec<Attachment>,
    /// Where new files go, when the viewer may add them.
    pub upload_to: Option<String>,
}

impl Gallery {
    /// A work order's gallery (its own files and those of the fault reports it came from).
    pub fn of_work_order(
        conn: &mut PgConnection,
        slug: &str,
        id: Uuid,
        may_add: bool,
    ) -> QueryResult<Gallery> {
        Ok(Gallery {
            slug: slug.to_string(),
            items: queries::of_work_order(conn, id)?,
            upload_to: may_add.then(|| upload_path(slug, Owner::WorkOrder(id))),
        })
    }

    /// A catalogue item's photos (and data sheets).
    pub fn of_item(
        conn: &mut PgConnection,
        slug: &str,
        id: Uuid,
        may_add: bool,
    ) -> QueryResult<Gallery> {
        Ok(Gallery {
            slug: slug.to_string(),
            items: queries::of_item(conn, id)?,
            upload_to: may_add.then(|| upload_path(slug, Owner::InventoryItem(id))),
        })
    }

    pub fn of_service_request(
        conn: &mut PgConnection,
        slug: &str,
        id: Uuid,
        may_add: bool,
    ) -> QueryResult<Gallery> {
        Ok(Gallery {
            slug: slug.to_string(),
            items: queries::of_service_request(conn, id)?,
            upload_to: may_add.then(|| upload_path(slug, Owner::ServiceRequest(id))),
        })
    }

    pub fn photos(&self) -> Vec<&Attachment> {
        self.items.iter().filter(|a| a.is_photo()).collect()
    }

    pub fn documents(&self) -> Vec<&Attachment> {
        self.items.iter().filter(|a| !a.is_photo()).collect()
    }

    pub fn rules(&self) -> String {
        rules()
    }
}

/// What may be uploaded, in a sentence.
pub fn rules() -> String {
    format!(
        "Up to {MAX_FILES} files of {} MB each: JPEG, PNG or WebP photos, or PDFs. HEIC photos \
         are not accepted; send them as JPEG.",
        MAX_BYTES / 1024 / 1024
    )
}

/// An upload refused: why, and the form to try again.
#[derive(Template)]
#[template(path = "attachments/refused.html")]
pub struct RefusedPage {
    pub layout: Layout,
    pub problem: String,
    pub upload_to: String,
    pub back: String,
}

impl RefusedPage {
    pub fn rules(&self) -> String {
        rules()
    }
}
