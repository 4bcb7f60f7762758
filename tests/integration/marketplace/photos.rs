//! Photos: only real photos of a sane size are accepted, and served as what they are.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use super::{add_listing, app_bytes, app_with_fee, input, png, stored_files, upload, value};

#[actix_web::test]
async fn uploads_accept_photos_only() {
    let (app, files) = app_with_fee("5", 4).await;
    app.create_org("north", "North Lifts");
    app.create_org("south", "South Lifts");
    let listing = add_listing(
        &app,
        "north",
        &input("MCB-3000", "Controller board", 1, "1200"),
    );
    let seller = app.member("north", Role::Manager).await;
    let mut six_megabytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    six_megabytes.resize(6 * 1024 * 1024, 0);
    let refused: [(&str, &str, &[u8], &str); 4] = [
        (
            "shell.jpg",
            "image/jpeg",
            b"<?php system($_GET['c']); ?>",
            "not a JPEG, PNG or WebP",
        ),
        (
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "not a JPEG, PNG or WebP",
        ),
        ("huge.jpg", "image/jpeg", &six_megabytes, "larger than 5 MB"),
        ("empty.jpg", "image/jpeg", b"", "is empty"),
    ];
    for (name, content_type, bytes, message) in refused {
        let page = upload(&seller, listing, &[(name, content_type, bytes)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains(message), "{name}: {}", page.body);
        assert!(page.body.contains("Nothing was uploaded"), "{name}");
    }
    // One bad file spoils the batch: nothing of it is kept.
    let good = png(640, 480);
    let page = upload(
        &seller,
        listing,
        &[
            ("a.png", "image/png", &good),
            ("b.jpg", "image/jpeg", b"<?php ?>"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 0);
    assert_eq!(stored_files(&files), 0);

    // A real photo, named misleadingly, is judged by its bytes and served as what it is.
    let page = upload(
        &seller,
        listing,
        &[("photo.gif", "application/octet-stream", &good)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(stored_files(&files), 2, "photo and thumbnail");
    let image_id = value(
        &app,
        "SELECT id::text AS value FROM marketplace_listing_images",
    );
    let photo = app.get(&format!("/marketplace/photos/{image_id}")).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert_eq!(photo.header("x-content-type-options"), Some("nosniff"));
    let thumbnail = app
        .get(&format!("/marketplace/photos/{image_id}/thumbnail"))
        .await;
    assert_eq!(thumbnail.header("content-type"), Some("image/jpeg"));
    let decoded = image::load_from_memory(
        &app_bytes(&app, &format!("/marketplace/photos/{image_id}/thumbnail")).await,
    )
    .unwrap();
    assert!(decoded.width() <= 320 && decoded.height() <= 320);

    // At most five per listing.
    let four: Vec<(&str, &str, &[u8])> = (0..4)
        .map(|_| ("p.png", "image/png", good.as_slice()))
        .collect();
    assert_eq!(
        upload(&seller, listing, &four).await.status,
        StatusCode::SEE_OTHER
    );
    let page = upload(&seller, listing, &[("p.png", "image/png", &good)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 5);

    // Another organization cannot add or remove photos.
    let other = app.member("south", Role::Owner).await;
    other.get("/marketplace").await;
    let page = other
        .post(
            &format!("/marketplace/listings/{listing}/photos/{image_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 5);
    let page = seller
        .post(
            &format!("/marketplace/listings/{listing}/photos/{image_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 4);
    assert_eq!(stored_files(&files), 8);
}

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

/// A PNG whose header declares `width` × `height` 16-bit grey pixels, with almost no pixel
/// data behind it: a decoder that believes the header allocates for all of them.
fn declared_png(width: u32, height: u32) -> Vec<u8> {
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

#[actix_web::test]
async fn an_image_declaring_too_many_pixels_is_refused_from_its_header() {
    let (app, files) = app_with_fee("5", 4).await;
    app.create_org("north", "North Lifts");
    let listing = add_listing(&app, "north", &input("CAR-1", "Car top", 1, "50"));
    let seller = app.member("north", Role::Manager).await;
    let bomb = declared_png(9_999, 9_999);
    assert!(bomb.len() < 100, "the whole file is {} bytes", bomb.len());
    let page = upload(&seller, listing, &[("bomb.png", "image/png", &bomb)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("“bomb.png” is too large in pixels"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nothing was uploaded"));
    assert_eq!(app.count("SELECT 1 FROM marketplace_listing_images"), 0);
    assert_eq!(stored_files(&files), 0);
    // A photo of a sane size still goes through.
    let good = png(800, 600);
    let page = upload(&seller, listing, &[("ok.png", "image/png", &good)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}
