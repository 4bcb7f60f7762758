//! Work in the field: the labour timer (start, stop, the 12-hour cap) and the sign-off on
//! completion shown on the printable sheet. Also the shared setup of `attachments`.

use awc::http::StatusCode;
use sitesync::auth::roles::Role;

use crate::harness::{Browser, Page, TestApp};

pub fn id_from(location: Option<&str>) -> String {
    location
        .unwrap_or_default()
        .split('#')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// An organization with a manager, a site, a lift, a contractor and one work order.
pub struct Setup<'a> {
    pub manager: Browser<'a>,
    pub order: String,
}

pub async fn setup<'a>(app: &'a TestApp, slug: &str) -> Setup<'a> {
    app.create_org(slug, &format!("{slug} Lifts"));
    let manager = app.member(slug, Role::Manager).await;
    manager.get(&format!("/o/{slug}/sites")).await;
    let page = manager
        .post(
            &format!("/o/{slug}/sites"),
            &[
                ("name", "Harbour Tower"),
                ("site_type", "commercial"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
            ],
        )
        .await;
    let site = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/elevators"),
            &[("site_id", &site), ("unit_number", "Lift 1")],
        )
        .await;
    let lift = id_from(page.header("location"));
    let page = manager
        .post(
            &format!("/o/{slug}/contractors"),
            &[
                ("contractor_type", "employee"),
                ("contact_name", "Tanvir Ahmed"),
                ("hourly_rate", "100.00"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = manager
        .post(
            &format!("/o/{slug}/work-orders"),
            &[
                ("elevator_id", &lift),
                ("work_type", "breakdown"),
                ("priority", "medium"),
                ("title", "Doors not closing"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let order = id_from(page.header("location"));
    Setup {
        manager,
        order,
    }
}

/// Posts a `multipart/form-data` form (text fields, then files) as the browser's session.
pub async fn post_multipart(
    browser: &Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Page {
    const BOUNDARY: &str = "----sitesync-field-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let separator = if path.contains('?') { '&' } else { '?' };
    let url = format!("{path}{separator}csrf_token={}", browser.csrf());
    let mut req = browser.app.post_request(&url).insert_header((
        "Content-Type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    ));
    let cookies = browser.cookie_header();
    if !cookies.is_empty() {
        req = req.insert_header(("Cookie", cookies));
    }
    let mut res = req.send_body(body).await.expect("upload");
    let body = res.body().limit(16 * 1024 * 1024).await.expect("body");
    Page {
        status: res.status(),
        headers: res.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}
