//! Listing photos: the rows that say where each photo and its thumbnail are stored.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::schema_public::{marketplace_listing_images, marketplace_listings, organizations};
use crate::marketplace::lifecycle::ListingStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = marketplace_listing_images)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ListingImage {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub position: i32,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: String,
    pub byte_size: i32,
}

pub fn images_of(conn: &mut PgConnection, listing_id: Uuid) -> QueryResult<Vec<ListingImage>> {
    marketplace_listing_images::table
        .filter(marketplace_listing_images::listing_id.eq(listing_id))
        .order((
            marketplace_listing_images::position,
            marketplace_listing_images::created_at,
        ))
        .select(ListingImage::as_select())
        .load(conn)
}

pub struct NewImage {
    pub id: Uuid,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: &'static str,
    pub byte_size: i32,
}

pub fn insert_images(
    conn: &mut PgConnection,
    listing_id: Uuid,
    first_position: i32,
    images: &[NewImage],
) -> QueryResult<usize> {
    let rows: Vec<_> = images
        .iter()
        .zip(first_position..)
        .map(|(image, position)| {
            (
                marketplace_listing_images::id.eq(image.id),
                marketplace_listing_images::listing_id.eq(listing_id),
                marketplace_listing_images::position.eq(position),
                marketplace_listing_images::storage_key.eq(&image.storage_key),
                marketplace_listing_images::thumbnail_key.eq(&image.thumbnail_key),
                marketplace_listing_images::content_type.eq(image.content_type),
                marketplace_listing_images::byte_size.eq(image.byte_size),
            )
        })
        .collect();
    diesel::insert_into(marketplace_listing_images::table)
        .values(rows)
        .execute(conn)
}

/// A photo with what decides who may see it: its listing's status and seller, and whether
/// the seller is suspended.
#[derive(Debug, Clone)]
pub struct PhotoOfListing {
    pub image: ListingImage,
    pub status: ListingStatus,
    pub seller_org_id: Uuid,
    pub seller_suspended: bool,
}

pub fn find_image(conn: &mut PgConnection, image_id: Uuid) -> QueryResult<PhotoOfListing> {
    marketplace_listing_images::table
        .inner_join(marketplace_listings::table.inner_join(
            organizations::table.on(organizations::id.eq(marketplace_listings::seller_org_id)),
        ))
        .filter(marketplace_listing_images::id.eq(image_id))
        .select((
            ListingImage::as_select(),
            marketplace_listings::status,
            marketplace_listings::seller_org_id,
            organizations::suspended_at.is_not_null(),
        ))
        .first::<(ListingImage, ListingStatus, Uuid, bool)>(conn)
        .map(
            |(image, status, seller_org_id, seller_suspended)| PhotoOfListing {
                image,
                status,
                seller_org_id,
                seller_suspended,
            },
        )
}

pub fn delete_image(
    conn: &mut PgConnection,
    listing_id: Uuid,
    image_id: Uuid,
) -> QueryResult<Option<ListingImage>> {
    diesel::delete(
        marketplace_listing_images::table
            .filter(marketplace_listing_images::id.eq(image_id))
            .filter(marketplace_listing_images::listing_id.eq(listing_id)),
    )
    .returning(ListingImage::as_returning())
    .get_result(conn)
    .optional()
}
