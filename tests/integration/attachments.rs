//! Attachments on work orders and fault reports: photos turned upright with their metadata
//! (GPS included) stripped, PDFs, files judged by their bytes, the ten-file limit, and another
//! organization's attachment.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use crate::harness::{text, Browser, TestApp};
use crate::work_order_field::{post_multipart, setup};

/// A JPEG 40 wide and 20 high, red on the left and blue on the right, as the sensor saw it.
fn sensor_jpeg() -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// An EXIF block (big-endian TIFF) saying "rotate 90° clockwise to show" (orientation 6), with
/// a GPS position: latitude 33° 51' S, datum "WGS-84".
fn exif_with_gps() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0 at 8: two entries.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    // Orientation, SHORT, 1, value 6.
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    // GPS IFD pointer, LONG, 1, at 38.
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 38);
    // GPS IFD: three entries, then the latitude's rationals and the datum.
    tiff.extend_from_slice(&3u16.to_be_bytes());
    let data_at = 38 + 2 + 3 * 12 + 4;
    // GPSLatitudeRef "S".
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'S', 0, 0, 0]);
    // GPSLatitude, 3 RATIONALs.
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend_from_slice(&(data_at as u32).to_be_bytes());
    // GPSMapDatum, ASCII, 7.
    tiff.extend_from_slice(&[0, 0x12, 0, 2, 0, 0, 0, 7]);
    tiff.extend_from_slice(&(data_at as u32 + 24).to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (n, d) in [(33u32, 1u32), (51, 1), (0, 1)] {
        tiff.extend_from_slice(&n.to_be_bytes());
        tiff.extend_from_slice(&d.to_be_bytes());
    }
    tiff.extend_from_slice(b"WGS-84\0");
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// A phone's photo: the sensor's pixels with the EXIF block right after the JPEG's start.
fn phone_photo() -> Vec<u8> {
    let jpeg = sensor_jpeg();
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(&exif_with_gps());
    photo.extend_from_slice(&jpeg[2..]);
    photo
}

fn stored(app: &TestApp, key: &str) -> Vec<u8> {
    std::fs::read(app.config.data_dir.join("files").join(key)).expect("stored file")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[actix_web::test]
async fn a_phone_photo_is_stored_upright_without_its_gps_position() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let photo = phone_photo();
    // The test photo really carries what a phone's does.
    let decoder = image::ImageReader::new(std::io::Cursor::new(&photo))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    let mut decoder = decoder;
    use image::ImageDecoder;
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::Rotate90
    );
    assert!(contains(&photo, b"WGS-84"));

    let path = format!("/o/acme/work-orders/{}", s.order);
    s.manager.get(&path).await;
    let page = post_multipart(
        &s.manager,
        &format!("{path}/attachments"),
        &[],
        &[("IMG_0042.jpg", &photo)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let key = text(
        &mut app.conn(),
        "SELECT storage_key AS value FROM org_acme.attachments",
    );
    let bytes = stored(&app, &key);
    assert!(!contains(&bytes, b"Exif"), "EXIF kept");
    assert!(!contains(&bytes, b"WGS-84"), "GPS kept");
    let upright = image::load_from_memory(&bytes).unwrap().to_rgb8();
    // Turned a quarter clockwise: 20 wide, 40 high, the sensor's left (red) now on top.
    assert_eq!((upright.width(), upright.height()), (20, 40));
    let top = upright.get_pixel(10, 5);
    let bottom = upright.get_pixel(10, 35);
    assert!(top[0] > 150 && top[2] < 100, "top is {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "bottom is {bottom:?}");

    // The gallery shows it with a thumbnail, served to members of the organization.
    let detail = s.manager.get(&path).await;
    assert!(detail.body.contains("IMG_0042.jpg"), "{}", detail.body);
    assert!(detail.body.contains("capture=\"environment\""));
    assert!(detail.body.contains("accept=\"image/*\""));
    let id = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.attachments",
    );
    let thumb = s
        .manager
        .get(&format!("/o/acme/attachments/{id}/thumbnail"))
        .await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.header("content-type"), Some("image/jpeg"));
    let full = s.manager.get(&format!("/o/acme/attachments/{id}")).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.header("x-content-type-options"), Some("nosniff"));
}

#[actix_web::test]
async fn pdfs_are_taken_and_files_are_judged_by_their_bytes() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let path = format!("/o/acme/work-orders/{}", s.order);
    s.manager.get(&path).await;
    let upload = format!("{path}/attachments");

    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    let page = post_multipart(&s.manager, &upload, &[], &[("inspection.pdf", pdf)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        text(
            &mut app.conn(),
            "SELECT content_type AS value FROM org_acme.attachments"
        ),
        "application/pdf"
    );

    // A web page named like a photo is refused, with what went wrong; nothing is stored.
    let html = b"<!doctype html><html><script>alert(document.cookie)</script></html>";
    let page = post_multipart(&s.manager, &upload, &[], &[("holiday.jpg", html)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("holiday.jpg"), "{}", page.body);
    assert!(page
        .body
        .contains("is not a JPEG, PNG or WebP photo or a PDF"));

    // HEIC is named as such.
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
    let page = post_multipart(&s.manager, &upload, &[], &[("IMG_1.HEIC", heic)]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("HEIC"), "{}", page.body);

    // Eleven files are refused whole.
    let eleven: Vec<(&str, &[u8])> = (0..11).map(|_| ("page.pdf", &pdf[..])).collect();
    let page = post_multipart(&s.manager, &upload, &[], &eleven).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("at most 10 files"), "{}", page.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.attachments"), 1);

    // Ten are fine.
    let ten: Vec<(&str, &[u8])> = (0..10).map(|_| ("page.pdf", &pdf[..])).collect();
    let page = post_multipart(&s.manager, &upload, &[], &ten).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.count("SELECT 1 FROM org_acme.attachments"), 11);
}

#[actix_web::test]
async fn another_organizations_attachment_is_not_found() {
    let app = TestApp::new().await;
    let a = setup(&app, "acme").await;
    let b = setup(&app, "zenith").await;
    let path = format!("/o/acme/work-orders/{}", a.order);
    a.manager.get(&path).await;
    let page = post_multipart(
        &a.manager,
        &format!("{path}/attachments"),
        &[],
        &[("p.jpg", &sensor_jpeg())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.attachments",
    );
    for url in [
        format!("/o/zenith/attachments/{id}"),
        format!("/o/zenith/attachments/{id}/thumbnail"),
    ] {
        assert_eq!(
            b.manager.get(&url).await.status,
            StatusCode::NOT_FOUND,
            "{url}"
        );
    }
    b.manager.get("/o/zenith/work-orders").await;
    let removed = b
        .manager
        .post(&format!("/o/zenith/attachments/{id}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::NOT_FOUND);
    // Nor may zenith's manager upload onto acme's work order through zenith's pages.
    let page = post_multipart(
        &b.manager,
        &format!("/o/zenith/work-orders/{}/attachments", a.order),
        &[],
        &[("p.jpg", &sensor_jpeg())],
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // A technician not assigned to it may not add files.
    let technician = app.member("acme", Role::Technician).await;
    technician.get(&path).await;
    let page = post_multipart(
        &technician,
        &format!("{path}/attachments"),
        &[],
        &[("p.jpg", &sensor_jpeg())],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT 1 FROM org_acme.attachments"), 1);
}

#[actix_web::test]
async fn the_public_report_form_takes_photos() {
    let app = TestApp::new().await;
    let s = setup(&app, "acme").await;
    let token = text(
        &mut app.conn(),
        "SELECT report_token AS value FROM org_acme.elevators",
    );
    let visitor = Browser::new(&app);
    let form = visitor.get(&format!("/report/acme/{token}")).await;
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form.body.contains("capture=\"environment\""));
    let fields = [
        ("request_type", "issue_report"),
        ("subject", "Lift shudders"),
        ("contact_name", "Dana"),
        ("trapped", "0"),
        ("website", ""),
    ];
    // A refused photo keeps what was typed.
    let page = post_multipart(
        &visitor,
        &format!("/report/acme/{token}"),
        &fields,
        &[("IMG_7.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic")],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("HEIC"));
    assert!(page.body.contains("value=\"Lift shudders\""));
    assert_eq!(app.count("SELECT 1 FROM org_acme.service_requests"), 0);

    let page = post_multipart(
        &visitor,
        &format!("/report/acme/{token}"),
        &fields,
        &[("shudder.jpg", &phone_photo())],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        app.count("SELECT 1 FROM org_acme.attachments WHERE service_request_id IS NOT NULL"),
        1
    );
    let key = text(
        &mut app.conn(),
        "SELECT storage_key AS value FROM org_acme.attachments",
    );
    assert!(!contains(&stored(&app, &key), b"WGS-84"));
    // The managers see it on the request.
    let request = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_acme.service_requests",
    );
    let page = s
        .manager
        .get(&format!("/o/acme/service-requests/{request}"))
        .await;
    assert!(page.body.contains("shudder.jpg"), "{}", page.body);
    // A plain form (no file input, as before) still works.
    let page = visitor
        .post(
            &format!("/report/acme/{token}"),
            &[
                ("request_type", "issue_report"),
                ("subject", "Button stuck"),
                ("contact_name", "Dana"),
                ("trapped", "0"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}
