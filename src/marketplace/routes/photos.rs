//! Photos: uploading them to a listing, removing one, and serving them.

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use uuid::Uuid;

use super::selling::{edit_page, editable_listing};
use super::{require_trader, run, trader};
use crate::auth::identity::Viewer;
use crate::marketplace::forms::ListingForm;
use crate::marketplace::images::{self, Photo};
use crate::marketplace::operations;
use crate::web::forms::FieldErrors;
use crate::web::{render_status, see_other, AppError};
use crate::AppState;

/// A whole upload is cut off past this, whatever its parts claim.
const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// One file of the form: its name, its bytes, and whether it was cut off for being too large.
struct UploadedFile {
    name: String,
    bytes: Vec<u8>,
    oversized: bool,
}

/// Reads every file of the form. Oversized files are read to the end (and dropped) so the
/// browser gets our answer instead of a broken connection.
async fn read_upload(mut multipart: Multipart) -> Result<Vec<UploadedFile>, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        let mut oversized = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            total += chunk.len();
            if total > MAX_UPLOAD_BYTES {
                return Err(AppError::BadRequest(
                    "The upload is too large: send at most five photos of 5 MB each.".into(),
                ));
            }
            if bytes.len() + chunk.len() > images::MAX_BYTES {
                oversized = true;
                bytes.clear();
            } else if !oversized {
                bytes.extend_from_slice(&chunk);
            }
        }
        if name == "photos" {
            if let Some(file_name) = file_name {
                // A file input left empty still sends one part, with no name and no bytes.
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push(UploadedFile {
                        name: file_name,
                        bytes,
                        oversized,
                    });
                }
            }
        }
    }
    Ok(files)
}

/// Checks each file and makes its thumbnail, off the async workers (decoding is bounded by
/// `storage::images`). Every photo, or why the batch was refused.
async fn accept_all(files: Vec<UploadedFile>) -> Result<Result<Vec<Photo>, String>, AppError> {
    web::block(move || {
        let mut photos = Vec::new();
        let mut problems = Vec::new();
        for file in files {
            match images::accept(&file.name, file.bytes, file.oversized) {
                Ok(photo) => photos.push(photo),
                Err(message) => problems.push(message),
            }
        }
        if problems.is_empty() {
            Ok(photos)
        } else {
            Err(format!(
                "Nothing was uploaded. {} Photos must be JPEG, PNG or WebP files of at most 5 MB.",
                problems.join(" ")
            ))
        }
    })
    .await
    .map_err(AppError::internal)
}

pub async fn upload_photos(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let listing_id = path.into_inner();
    // Who may add photos is settled before a byte of them is decoded.
    let (listing, images) = editable_listing(&state, &viewer, listing_id).await?;
    let files = read_upload(multipart).await?;
    let room = images::MAX_PER_LISTING - images.len() as i64;
    let accepted = if files.is_empty() {
        Err("Choose at least one photo to upload.".to_string())
    } else if files.len() as i64 > room {
        Err(format!(
            "A listing has at most {} photos; there is room for {room} more.",
            images::MAX_PER_LISTING
        ))
    } else {
        accept_all(files).await?
    };
    let photos = match accepted {
        Ok(photos) => photos,
        Err(problem) => {
            let form = ListingForm::from_listing(&listing);
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(
                    &viewer,
                    &listing,
                    images,
                    form,
                    FieldErrors::default(),
                    Some(problem),
                ),
            );
        }
    };
    let files = state.files.clone();
    let count = run(&state, move |conn| {
        operations::add_photos(conn, files.as_ref(), &trader, listing_id, &photos)
    })
    .await?;
    viewer.flash(
        "success",
        if count == 1 {
            "The photo was added.".to_string()
        } else {
            format!("{count} photos were added.")
        },
    );
    Ok(see_other(format!(
        "/marketplace/listings/{listing_id}/edit"
    )))
}

pub async fn delete_photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let trader = require_trader(&viewer)?;
    let (listing_id, image_id) = path.into_inner();
    let files = state.files.clone();
    run(&state, move |conn| {
        operations::remove_photo(conn, files.as_ref(), &trader, listing_id, image_id)
    })
    .await?;
    viewer.flash("success", "The photo was removed.");
    Ok(see_other(format!(
        "/marketplace/listings/{listing_id}/edit"
    )))
}

async fn serve_photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    image_id: Uuid,
    thumbnail: bool,
) -> Result<HttpResponse, AppError> {
    let trader = trader(&viewer);
    let image = run(&state, move |conn| {
        operations::visible_photo(conn, trader.as_ref(), image_id)
    })
    .await?;
    let (key, content_type) = if thumbnail {
        (image.thumbnail_key, "image/jpeg".to_string())
    } else {
        (image.storage_key, image.content_type)
    };
    let files = state.files.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}

pub async fn photo(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    serve_photo(viewer, state, path.into_inner(), false).await
}

pub async fn thumbnail(
    viewer: Viewer,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    serve_photo(viewer, state, path.into_inner(), true).await
}
