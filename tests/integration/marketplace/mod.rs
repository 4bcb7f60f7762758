//! Parts marketplace: buying never oversells, only the right party moves a purchase, search
//! finds part numbers however they are typed, uploads accept photos only, money rounds half-up,
//! and (issue 17) only those who trade for an active organization trade. One module per
//! section; the helpers they share are here.

use std::path::PathBuf;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use sitesync::auth::roles::Role;

use sitesync::marketplace::queries::{self, ListingInput};
use sitesync::marketplace::PartCondition;
use uuid::Uuid;

use crate::harness::{self, Browser, Page, TestApp};

mod buying;
mod deletion;
mod hardening;
mod photos;
mod selling;

/// An app whose platform fee is `fee_percent`, and the folder its files are stored in.
async fn app_with_fee(fee_percent: &str, pool_size: u32) -> (TestApp, PathBuf) {
    let fee = BigDecimal::from_str(fee_percent).unwrap();
    let app = TestApp::with_config(pool_size, |config| config.platform_fee_percent = fee).await;
    let files = app.config.data_dir.join("files");
    (app, files)
}

fn input(part_number: &str, part_name: &str, quantity: i32, price: &str) -> ListingInput {
    ListingInput {
        part_number: part_number.into(),
        part_name: part_name.into(),
        manufacturer: Some("Kone".into()),
        model_compatibility: vec!["MonoSpace".into()],
        description: String::new(),
        condition: PartCondition::UsedTested,
        condition_notes: None,
        quantity_available: quantity,
        unit_price: BigDecimal::from_str(price).unwrap(),
        currency: "AUD".into(),
        location_city: Some("Sydney".into()),
        location_state: Some("NSW".into()),
        location_country: "Australia".into(),
        shipping_available: true,
        shipping_cost: Some(BigDecimal::from_str("12.50").unwrap()),
        local_pickup: true,
    }
}

/// A listing of `slug`'s, sold by a new manager account.
fn add_listing(app: &TestApp, slug: &str, listing: &ListingInput) -> Uuid {
    let mut conn = app.conn();
    let org = sitesync::orgs::queries::find_by_slug(&mut conn, slug)
        .unwrap()
        .unwrap();
    let seller = app.create_account(&format!("seller-{}@example.com", Uuid::new_v4()));
    app.add_member(slug, seller, Role::Manager);
    queries::insert_listing(&mut conn, org.id, seller, listing).unwrap()
}

fn value(app: &TestApp, sql: &str) -> String {
    harness::text(&mut app.conn(), sql)
}

/// Buys through the listing page, as a person would.
async fn buy(
    browser: &Browser<'_>,
    listing: Uuid,
    org: &str,
    quantity: &str,
    delivery: &str,
) -> Page {
    browser
        .get(&format!("/marketplace/listings/{listing}"))
        .await;
    browser
        .post(
            &format!("/marketplace/listings/{listing}/buy"),
            &[
                ("organization", org),
                ("quantity", quantity),
                ("delivery", delivery),
            ],
        )
        .await
}

fn transaction_id(page: &Page) -> Uuid {
    let location = page.header("location").expect("redirect");
    location
        .strip_prefix("/marketplace/transactions/")
        .unwrap()
        .parse()
        .unwrap()
}

fn status_of(app: &TestApp, id: Uuid) -> String {
    value(
        app,
        &format!("SELECT status::text AS value FROM marketplace_transactions WHERE id = '{id}'"),
    )
}

async fn upload(browser: &Browser<'_>, listing: Uuid, files: &[(&str, &str, &[u8])]) -> Page {
    browser
        .get(&format!("/marketplace/listings/{listing}/edit"))
        .await;
    // The photos' types are read from their bytes: what the browser claims is left out.
    let files: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, _, bytes)| ("photos", *name, *bytes))
        .collect();
    browser
        .post_multipart(
            &format!("/marketplace/listings/{listing}/photos"),
            &[],
            &files,
        )
        .await
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn stored_files(root: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(root)
}

async fn app_bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let mut res = app.get_request(path).send().await.unwrap();
    res.body().limit(16 * 1024 * 1024).await.unwrap().to_vec()
}
