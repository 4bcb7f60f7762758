//! What an attachment may be, judged by its bytes: a JPEG, PNG or WebP photo, or a PDF, of at
//! most 10 MB, at most 10 in one upload. A photo is turned upright by its EXIF orientation and
//! encoded again, which leaves every metadata block (GPS position included) behind, and gets
//! a small JPEG thumbnail. HEIC (an iPhone's default) is refused with a way round it.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat};

use crate::storage::images::{self as decoding, ImageError};
use crate::storage::FileKind;
use crate::web::uploads::FilesLimits;
use crate::web::AppError;

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES: usize = 10;
const THUMBNAIL_SIZE: u32 = 320;
const PHOTO_QUALITY: u8 = 90;

/// What one upload may hold. One more file than allowed is still read (without its bytes),
/// so eleven files are answered with "at most ten" rather than a cut connection.
pub const LIMITS: FilesLimits = FilesLimits {
    per_file: MAX_BYTES,
    files: MAX_FILES,
    total: (MAX_FILES + 1) * MAX_BYTES + 1024 * 1024,
};

/// One file as it arrived (see `web::uploads::read_form_with_files`).
pub use crate::web::uploads::ReceivedFile as Incoming;

/// A file ready to store.
#[derive(Debug)]
pub struct Accepted {
    pub file_name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    /// A JPEG at most 320 pixels on its longer side; photos only.
    pub thumbnail: Option<Vec<u8>>,
    pub size: Option<(u32, u32)>,
}

impl Accepted {
    pub fn extension(&self) -> &'static str {
        match self.kind {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Webp => "webp",
            FileKind::Pdf => "pdf",
        }
    }
}

/// HEIF containers (HEIC photos): an ISO box `ftyp` with one of HEIF's brands.
fn is_heic(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
            b"msf1",
        ]
        .iter()
        .any(|brand| &bytes[8..12] == *brand)
}

/// The file's name as people sent it, cleaned for showing and storing.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        cleaned.into()
    }
}

/// Checks one file and prepares it for storing; the message says why it was refused.
pub fn accept(file: Incoming) -> Result<Accepted, String> {
    let file_name = clean_name(&file.name);
    let shown = format!("“{file_name}”");
    if file.oversized || file.bytes.len() > MAX_BYTES {
        return Err(format!("{shown} is larger than 10 MB."));
    }
    if file.bytes.is_empty() {
        return Err(format!("{shown} is empty."));
    }
    if is_heic(&file.bytes) {
        return Err(format!(
            "{shown} is a HEIC photo, which we cannot read yet. On an iPhone choose Settings → \
             Camera → Formats → Most Compatible, or send the photo as JPEG."
        ));
    }
    let kind = FileKind::sniff(&file.bytes).ok_or_else(|| {
        format!("{shown} is not a JPEG, PNG or WebP photo or a PDF (whatever its name says).")
    })?;
    if kind == FileKind::Pdf {
        return Ok(Accepted {
            file_name,
            kind,
            bytes: file.bytes,
            thumbnail: None,
            size: None,
        });
    }
    photo(file_name, &file.bytes).map_err(|refusal| match refusal {
        ImageError::NotAnImage => format!("{shown} is not a photo in a format we read."),
        ImageError::TooLarge => format!(
            "{shown} is too large in pixels: photos may be at most {} pixels on a side.",
            decoding::MAX_SIDE
        ),
        ImageError::Damaged => format!("{shown} could not be read as a photo; it may be damaged."),
    })
}

/// A photo turned upright and encoded again: a JPEG, or a PNG when it has transparency.
fn photo(file_name: String, bytes: &[u8]) -> Result<Accepted, ImageError> {
    let decoded = decoding::decode_upright(bytes)?;
    let image = &decoded.image;
    let size = (image.width(), image.height());
    let (kind, stored) = if image.color().has_alpha() {
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| ImageError::Damaged)?;
        (FileKind::Png, out.into_inner())
    } else {
        (FileKind::Jpeg, jpeg(image)?)
    };
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    drop(decoded);
    let thumbnail = jpeg(&small)?;
    Ok(Accepted {
        file_name,
        kind,
        bytes: stored,
        thumbnail: Some(thumbnail),
        size: Some(size),
    })
}

/// A JPEG of `image` (grey or colour as it is; anything else as 8-bit colour).
fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, PHOTO_QUALITY);
    let encoded = match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => encoder.encode_image(image),
        other => encoder.encode_image(&DynamicImage::from(other.to_rgb8())),
    };
    encoded.map_err(|_| ImageError::Damaged)?;
    Ok(out)
}

/// Checks every file of one upload: all accepted, or every reason one was refused.
pub fn accept_all(files: Vec<Incoming>) -> Result<Vec<Accepted>, String> {
    if files.len() > MAX_FILES {
        return Err(format!(
            "Nothing was uploaded: send at most {MAX_FILES} files at a time ({} were chosen).",
            files.len()
        ));
    }
    let mut accepted = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match accept(file) {
            Ok(file) => accepted.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(accepted)
    } else {
        Err(format!(
            "Nothing was uploaded. {} Attachments must be JPEG, PNG or WebP photos or PDFs of at \
             most 10 MB each.",
            problems.join(" ")
        ))
    }
}

/// [`accept_all`] off the async workers (decoding is bounded by `storage::images`).
pub async fn accept_off_thread(
    files: Vec<Incoming>,
) -> Result<Result<Vec<Accepted>, String>, AppError> {
    actix_web::web::block(move || accept_all(files))
        .await
        .map_err(AppError::internal)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn incoming(name: &str, bytes: &[u8]) -> Incoming {
        Incoming {
            name: name.into(),
            bytes: bytes.to_vec(),
            oversized: false,
        }
    }

    #[test]
    fn judges_by_bytes_not_names() {
        assert!(
            accept(incoming("x.jpg", b"<html><script>alert(1)</script>"))
                .unwrap_err()
                .contains("not a JPEG")
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(accept(incoming("IMG_1.HEIC", heic))
            .unwrap_err()
            .contains("HEIC"));
        let pdf = accept(incoming("report.pdf", b"%PDF-1.4\n%%EOF")).unwrap();
        assert_eq!(pdf.kind, FileKind::Pdf);
        assert!(pdf.thumbnail.is_none());
        assert!(accept(Incoming {
            oversized: true,
            ..incoming("big.jpg", b"")
        })
        .unwrap_err()
        .contains("larger than 10 MB"));
        assert_eq!(clean_name("C:\\photos\\a.jpg"), "a.jpg");
    }

    #[test]
    fn refuses_more_than_ten_files() {
        let files = vec![incoming("a.pdf", b"%PDF-1.4"); 11];
        assert!(accept_all(files).unwrap_err().contains("at most 10 files"));
    }
}
