//! Listing photos: what is accepted (JPEG, PNG or WebP by their bytes, at most 5 MB, at most
//! five per listing, within the pixel limits of `storage::images`) and the thumbnail made of
//! each.

use image::codecs::jpeg::JpegEncoder;

use crate::storage::images::{self as decoding, ImageError};
use crate::storage::FileKind;

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PER_LISTING: i64 = 5;
const THUMBNAIL_SIZE: u32 = 320;

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
    let thumbnail = thumbnail(&bytes).map_err(|refusal| match refusal {
        ImageError::NotAnImage => format!("{shown} is not a JPEG, PNG or WebP photo."),
        ImageError::TooLarge => format!(
            "{shown} is too large in pixels: photos may be at most {} pixels wide and {} pixels high.",
            display_pixels(decoding::MAX_SIDE),
            display_pixels(decoding::MAX_SIDE)
        ),
        ImageError::Damaged => format!("{shown} could not be read as a photo; it may be damaged."),
    })?;
    Ok(Photo {
        kind,
        bytes,
        thumbnail,
    })
}

fn display_pixels(n: u32) -> String {
    let text = n.to_string();
    let mut grouped = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A JPEG at most 320 pixels on its longer side.
fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let decoded = decoding::decode_limited(bytes)?;
    let small = decoded
        .image
        .thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        .to_rgb8();
    drop(decoded);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .map_err(|_| ImageError::Damaged)?;
    Ok(out)
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
        let bomb = crate::storage::images::tests::declared_png(9_999, 9_999);
        assert!(accept("bomb.png", bomb, false)
            .unwrap_err()
            .contains("is too large in pixels: photos may be at most 8,000 pixels wide"));
    }
}
