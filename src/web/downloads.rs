//! Sending files from the file store back to the people allowed to see them.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::web::AppError;
use crate::AppState;

/// A file in the store, and its thumbnail if it is a photo.
pub struct StoredFile {
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub content_type: String,
    pub file_name: String,
}

/// Sends the file, or its thumbnail (a JPEG; none for a PDF: 404).
pub async fn send_file(
    state: &AppState,
    file: StoredFile,
    thumbnail: bool,
) -> Result<HttpResponse, AppError> {
    let (key, content_type) = if thumbnail {
        (
            file.thumbnail_key.ok_or(AppError::NotFound)?,
            "image/jpeg".to_string(),
        )
    } else {
        (file.storage_key, file.content_type)
    };
    send_stored(state, key, content_type, &file.file_name).await
}

/// Sends a stored file inline, under the name it was sent with (kept to safe characters for
/// the header), sandboxed so a PDF or photo cannot run anything on our origin.
async fn send_stored(
    state: &AppState,
    key: String,
    content_type: String,
    file_name: &str,
) -> Result<HttpResponse, AppError> {
    let store = state.files.clone();
    let bytes = web::block(move || store.get(&key))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}
