//! Listing photos: what is accepted (JPEG, PNG or WebP by their bytes, at most 5 MB, at most
//! five per listing) and the thumbnail made of each.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageReader, Limits};

use crate::storage::FileKind;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PER_LISTING: i64 = 5;
const THUMBNAIL_SIZE: u32 = 320;
/// A photo wider or taller than this is refused before it is decoded (decompression bombs).
const MAX_DIMENSION: u32 = 10_000;

/// An accepted upload, ready to store.
#[derive(Debug)]
pub struct Photo {
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

impl Photo {
    pub fn extension(&self) -> &'static str {
        match self.kind {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            _ => "webp",
        }
    }
}

/// Checks one uploaded file and makes its thumbnail; the message says why it was refused.
pub fn accept(name: &str, bytes: Vec<u8>, oversized: bool) -> Result<Photo, String> {
    let shown = if name.trim().is_empty() {
        "The file".to_string()
    } else {
        format!("“{}”", name.trim())
    };
    if oversized || bytes.len() > MAX_BYTES {
        return Err(format!("{shown} is larger than 5 MB."));
    }
    if bytes.is_empty() {
        return Err(format!("{shown} is empty."));
    }
    let kind = FileKind::sniff(&bytes)
        .filter(|kind| kind.is_image())
        .ok_or_else(|| format!("{shown} is not a JPEG, PNG or WebP photo."))?;
    let thumbnail = thumbnail(&bytes)
        .ok_or_else(|| format!("{shown} could not be read as a photo; it may be damaged."))?;
    Ok(Photo {
        kind,
        bytes,
        thumbnail,
    })
}

/// A JPEG at most 320 pixels on its longer side.
fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_photo() {
        assert!(accept("a.jpg", b"<?php system($_GET['c']); ?>".to_vec(), false).is_err());
        assert!(accept(
            "a.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            false
        )
        .is_err());
        assert!(accept("a.jpg", Vec::new(), false)
            .unwrap_err()
            .contains("empty"));
        assert!(accept("a.jpg", vec![0xFF, 0xD8, 0xFF, 0, 1, 2], false)
            .unwrap_err()
            .contains("damaged"));
    }
}
