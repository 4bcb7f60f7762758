//! Listing photos: adding accepted photos (files and rows together), removing one, and which
//! photos a viewer may see.

use diesel::prelude::*;
use uuid::Uuid;

use super::MarketError;
use crate::marketplace::images::{self, Photo};
use crate::marketplace::lifecycle::ListingStatus;
use crate::marketplace::queries::{self, ListingImage};
use crate::marketplace::traders::Trader;
use crate::storage::FileStore;

const PHOTO_REFUSAL: &str = "Only managers and above can change their organization's listings.";

/// Stores the photos (already checked by [`images::accept`]) and adds them to the listing;
/// returns how many were added. Either all are kept or none: files stored before a failure
/// are deleted again.
pub fn add_photos(
    conn: &mut PgConnection,
    files: &dyn FileStore,
    trader: &Trader,
    listing_id: Uuid,
    photos: &[Photo],
) -> Result<usize, MarketError> {
    conn.transaction(|conn| {
        // Locked, so two uploads at once cannot together pass five photos.
        let listing = queries::lock_listing(conn, listing_id)?;
        trader.acting_for(listing.seller_org_id, PHOTO_REFUSAL)?;
        let existing = queries::images_of(conn, listing_id)?;
        if existing.len() + photos.len() > images::MAX_PER_LISTING as usize {
            return Err(MarketError::Conflict(format!(
                "A listing has at most {} photos.",
                images::MAX_PER_LISTING
            )));
        }
        let first_position = existing.iter().map(|i| i.position + 1).max().unwrap_or(0);
        let mut stored = Vec::new();
        let forget = |stored: &[String]| {
            for key in stored {
                let _ = files.delete(key);
            }
        };
        let mut rows = Vec::new();
        for photo in photos {
            let id = Uuid::new_v4();
            let key = format!("marketplace/{listing_id}/{id}.{}", photo.extension());
            let thumbnail_key = format!("marketplace/{listing_id}/{id}-thumb.jpg");
            let result = files
                .put(&key, &photo.bytes)
                .and_then(|_| files.put(&thumbnail_key, &photo.thumbnail));
            stored.push(key.clone());
            stored.push(thumbnail_key.clone());
            if let Err(e) = result {
                forget(&stored);
                return Err(e.into());
            }
            rows.push(queries::NewImage {
                id,
                storage_key: key,
                thumbnail_key,
                content_type: photo.kind.content_type(),
                byte_size: photo.bytes.len() as i32,
            });
        }
        if let Err(e) = queries::insert_images(conn, listing_id, first_position, &rows) {
            forget(&stored);
            return Err(e.into());
        }
        Ok(photos.len())
    })
}

/// Removes one photo of the listing, its row and its files.
pub fn remove_photo(
    conn: &mut PgConnection,
    files: &dyn FileStore,
    trader: &Trader,
    listing_id: Uuid,
    image_id: Uuid,
) -> Result<(), MarketError> {
    let found = queries::find_listing(conn, listing_id)?;
    trader.acting_for(found.listing.seller_org_id, PHOTO_REFUSAL)?;
    let removed =
        queries::delete_image(conn, listing_id, image_id)?.ok_or(MarketError::NotFound)?;
    // The row is gone, so the files are unreachable: a failure to delete them only leaves
    // litter behind.
    let _ = files.delete(&removed.storage_key);
    let _ = files.delete(&removed.thumbnail_key);
    Ok(())
}

/// A photo, if its listing may be seen (see [`super::visible_listing`]).
pub fn visible_photo(
    conn: &mut PgConnection,
    trader: Option<&Trader>,
    image_id: Uuid,
) -> Result<ListingImage, MarketError> {
    let found = queries::find_image(conn, image_id)?;
    let hidden = found.status == ListingStatus::Withdrawn || found.seller_suspended;
    if hidden && !trader.is_some_and(|t| t.trades_for(found.seller_org_id)) {
        return Err(MarketError::NotFound);
    }
    Ok(found.image)
}
