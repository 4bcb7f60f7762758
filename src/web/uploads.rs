//! Reading one file from a multipart form, with a size limit enforced while reading.

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::AppError;

pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The file sent in `field`, or `None` when the form had no file there. A file larger than
/// `max_bytes` is refused as soon as it passes the limit, without reading the rest.
pub async fn read_file(
    mut form: Multipart,
    field: &str,
    max_bytes: usize,
) -> Result<Option<Upload>, AppError> {
    let mut found = None;
    while let Some(part) = form.next().await {
        let mut part =
            part.map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
        let name = part
            .content_disposition()
            .and_then(|d| d.get_name())
            .unwrap_or_default()
            .to_string();
        if name != field || found.is_some() {
            // Drain parts we do not use, so the stream can move on.
            while let Some(chunk) = part.next().await {
                chunk.map_err(|e| {
                    AppError::BadRequest(format!("The upload could not be read: {e}"))
                })?;
            }
            continue;
        }
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("upload")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?;
            if bytes.len() + chunk.len() > max_bytes {
                return Err(AppError::PayloadTooLarge(format!(
                    "The file is larger than {} MB.",
                    max_bytes / 1024 / 1024
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        found = Some(Upload { filename, bytes });
    }
    Ok(found)
}
