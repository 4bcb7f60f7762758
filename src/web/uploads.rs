//! Reading files from a multipart form, with size limits enforced while reading.

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

/// A file of a form with several: its name as sent, its bytes, and whether it was cut off for
/// passing the per-file limit (its bytes are then dropped).
#[derive(Debug, Clone, Default)]
pub struct ReceivedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub oversized: bool,
}

/// Limits on a form with files: each file, how many are kept (the rest are counted with no
/// bytes), and the whole request.
#[derive(Debug, Clone, Copy)]
pub struct FilesLimits {
    pub per_file: usize,
    pub files: usize,
    pub total: usize,
}

/// A form's text fields and the files sent in `file_field`.
#[derive(Debug, Default)]
pub struct FormWithFiles {
    pub fields: Vec<(String, String)>,
    pub files: Vec<ReceivedFile>,
}

impl FormWithFiles {
    /// The text fields read into a form struct, as `web::Form` would.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_urlencoded::to_string(&self.fields)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        serde_urlencoded::from_str(&encoded)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))
    }
}

/// Reads a form that may carry files (`multipart/form-data`) or not (a plain form, as sent
/// without a file input or by a script): its fields, and every file in `file_field` within
/// `limits`. Past a file's limit the rest of it is read and dropped, so the person gets our
/// answer instead of a broken connection; past the whole request's limit it is refused.
pub async fn read_form_with_files(
    req: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    file_field: &str,
    limits: FilesLimits,
) -> Result<FormWithFiles, AppError> {
    let unreadable = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {e}"))
    };
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "The upload is too large: send at most {} files of {} MB each.",
            limits.files,
            limits.per_file / 1024 / 1024
        ))
    };
    let is_multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let mut payload = payload;
    if !is_multipart {
        let mut body = actix_web::web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
            if body.len() + chunk.len() > 2 * 1024 * 1024 {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let fields = serde_urlencoded::from_bytes(&body)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        return Ok(FormWithFiles {
            fields,
            files: Vec::new(),
        });
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut read = FormWithFiles::default();
    let mut total = 0usize;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(unreadable)?;
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let is_file = name == file_field && file_name.is_some();
        let limit = if is_file { limits.per_file } else { 64 * 1024 };
        let keep = !is_file || read.files.len() < limits.files;
        let mut bytes = Vec::new();
        let mut oversized = false;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(unreadable)?;
            total += chunk.len();
            if total > limits.total {
                return Err(too_large());
            }
            if bytes.len() + chunk.len() > limit {
                oversized = true;
                bytes = Vec::new();
            } else if keep && !oversized {
                bytes.extend_from_slice(&chunk);
            }
        }
        match file_name {
            Some(file_name) if is_file => {
                // A file input left empty still sends one part, with no name and no bytes.
                if !(file_name.is_empty() && bytes.is_empty() && !oversized) {
                    read.files.push(ReceivedFile {
                        name: file_name,
                        bytes,
                        oversized,
                    });
                }
            }
            Some(_) => {}
            // Cutting a text short would keep something other than what was typed.
            None if oversized => {
                return Err(AppError::PayloadTooLarge(
                    "The text is too long to send: keep each field under 64 KB.".into(),
                ))
            }
            None => read
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok(read)
}
