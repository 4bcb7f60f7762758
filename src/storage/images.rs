//! Decoding uploaded images without letting one exhaust the server's memory. An image file is
//! small but says how many pixels it holds, and decoding allocates for every one of them: a
//! 200 KB PNG can declare 9,999 × 9,999 16-bit pixels and take hundreds of megabytes. So an
//! image is judged by what its header declares before a pixel is decoded, the decoder runs
//! under the same limits, and only a few decodes run at once in the whole process, whoever
//! asks (listing photos, work-order and fault-report attachments).

use std::io::Cursor;
use std::sync::{Condvar, Mutex, PoisonError};

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// Widest and tallest image accepted, in pixels (a 48-megapixel camera is 8,000 × 6,000).
pub const MAX_SIDE: u32 = 8_000;
/// The most memory one decoded image may take.
pub const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;
/// How many images the process decodes at the same time; the others wait their turn.
pub const DECODES_AT_ONCE: usize = 2;

/// Why an image was refused. The messages complete a sentence about the file ("“a.png” …").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("is not an image in a format we read")]
    NotAnImage,
    /// Wider or taller than [`MAX_SIDE`], or more than [`MAX_DECODED_BYTES`] decoded.
    #[error("is too large in pixels")]
    TooLarge,
    #[error("could not be read as an image; it may be damaged")]
    Damaged,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn refusal(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        image::ImageError::Unsupported(_) => ImageError::NotAnImage,
        _ => ImageError::Damaged,
    }
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::Damaged)?;
    if reader.format().is_none() {
        return Err(ImageError::NotAnImage);
    }
    reader.limits(limits());
    Ok(reader)
}

/// Reads only the header: the declared size, and the memory decoding it would take.
pub fn check_declared(bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let decoder = reader(bytes)?.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(ImageError::TooLarge);
    }
    Ok((width, height))
}

/// A decoded image. It holds one of the process's decode slots until it is dropped, since
/// its pixels are what the slots ration.
pub struct Decoded {
    pub image: DynamicImage,
    _slot: DecodeSlot,
}

/// Decodes an image once its header has passed [`check_declared`], waiting for a free decode
/// slot first. Blocking: call it off the async workers (`web::block`).
pub fn decode_limited(bytes: &[u8]) -> Result<Decoded, ImageError> {
    check_declared(bytes)?;
    let slot = DecodeSlot::take();
    let image = reader(bytes)?.decode().map_err(refusal)?;
    Ok(Decoded { image, _slot: slot })
}

/// Like [`decode_limited`], with the photo turned the way its EXIF orientation says it was
/// held (a phone stores pixels as the sensor saw them and a tag saying how to turn them).
/// The decoded pixels carry no metadata: encoding them again leaves every EXIF block (GPS
/// position, camera serial) behind.
pub fn decode_upright(bytes: &[u8]) -> Result<Decoded, ImageError> {
    check_declared(bytes)?;
    let slot = DecodeSlot::take();
    let mut decoder = reader(bytes)?.into_decoder().map_err(refusal)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, _slot: slot })
}

/// One of the [`DECODES_AT_ONCE`] decode slots, given back when dropped.
struct DecodeSlot;

static SLOTS_TAKEN: Mutex<usize> = Mutex::new(0);
static SLOT_FREED: Condvar = Condvar::new();

impl DecodeSlot {
    fn take() -> DecodeSlot {
        // A panic while holding the lock leaves the count itself intact.
        let mut taken = SLOTS_TAKEN.lock().unwrap_or_else(PoisonError::into_inner);
        while *taken >= DECODES_AT_ONCE {
            taken = SLOT_FREED
                .wait(taken)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *taken += 1;
        DecodeSlot
    }
}

impl Drop for DecodeSlot {
    fn drop(&mut self) {
        let mut taken = SLOTS_TAKEN.lock().unwrap_or_else(PoisonError::into_inner);
        *taken = taken.saturating_sub(1);
        SLOT_FREED.notify_one();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG whose header declares `width` × `height` 16-bit grey pixels, with almost no
    /// pixel data behind it.
    pub(crate) fn declared_png(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut typed = kind.to_vec();
            typed.extend_from_slice(data);
            png.extend_from_slice(&typed);
            png.extend_from_slice(&crc32(&typed).to_be_bytes());
        };
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[16, 0, 0, 0, 0]);
        chunk(b"IHDR", &header);
        chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        png
    }

    #[test]
    fn refuses_by_the_declared_size_before_decoding() {
        assert_eq!(
            decode_limited(&declared_png(9_999, 9_999)).err(),
            Some(ImageError::TooLarge)
        );
        assert_eq!(
            check_declared(&declared_png(8_001, 10)),
            Err(ImageError::TooLarge)
        );
        // Within the sides but past the memory: 8,000 × 8,000 × 2 bytes is 122 MiB, fine;
        // the same image with a declared alpha channel would not be.
        assert_eq!(
            check_declared(&declared_png(8_000, 8_000)),
            Ok((8_000, 8_000))
        );
        assert_eq!(check_declared(b"not an image"), Err(ImageError::NotAnImage));
    }

    #[test]
    fn decodes_a_real_image() {
        let image = image::RgbImage::from_pixel(64, 48, image::Rgb([1, 2, 3]));
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        let decoded = decode_limited(bytes.get_ref()).unwrap();
        assert_eq!((decoded.image.width(), decoded.image.height()), (64, 48));
    }

    #[test]
    fn no_more_than_the_allowed_decodes_run_at_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                std::thread::spawn(move || {
                    let _slot = DecodeSlot::take();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=DECODES_AT_ONCE).contains(&most), "{most}");
    }
}
