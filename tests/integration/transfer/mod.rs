//! One organization out, one organization in: `sitesync org export` and `org import` run as
//! the real binary against test databases, and the imported organization read back through its
//! pages.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use awc::http::StatusCode;
use sitesync::demo::{self, DEMO_SLUG};

mod refusals;

use crate::harness::{self, text, Browser, TestApp, PASSWORD};
use crate::work_order_field::post_multipart;

const OWNER: &str = "owner@demo.sitesync.test";
const OWNER_PASSWORD: &str = "harbour-lift-owner-2026";

pub(super) fn sitesync(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitesync"))
        .env("DATABASE_URL", &app.url)
        .env("SITESYNC_DATA_DIR", &app.config.data_dir)
        .env("RUST_LOG", "warn")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sitesync")
}

pub(super) fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

pub(super) fn refused(output: &Output) -> String {
    assert!(!output.status.success(), "should have failed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(super) fn path_arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The row count of every table of `schema`.
fn table_counts(app: &TestApp, schema: &str) -> BTreeMap<String, i64> {
    let names = text(
        &mut app.conn(),
        &format!(
            "SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') AS value \
             FROM pg_tables WHERE schemaname = '{schema}'"
        ),
    );
    names
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            let n = app.count(&format!("SELECT 1 FROM {schema}.{name}"));
            (name.to_string(), n)
        })
        .collect()
}

/// The people of an organization and their roles, by email.
fn roles(app: &TestApp, slug: &str) -> String {
    text(
        &mut app.conn(),
        &format!(
            "SELECT string_agg(a.email || '=' || m.role, ',' ORDER BY a.email) AS value \
             FROM memberships m JOIN accounts a ON a.id = m.account_id \
             JOIN organizations o ON o.id = m.organization_id WHERE o.slug = '{slug}'"
        ),
    )
}

/// What the organization's role may do with its schema's tables, as `table:PRIVILEGE` lines.
fn role_privileges(app: &TestApp, slug: &str) -> String {
    text(
        &mut app.conn(),
        &format!(
            "SELECT string_agg(c.relname || ':' || a.privilege_type, ',' \
                               ORDER BY c.relname, a.privilege_type) AS value \
             FROM organizations o JOIN pg_namespace n ON n.nspname = o.schema_name \
             JOIN pg_class c ON c.relnamespace = n.oid CROSS JOIN LATERAL aclexplode(c.relacl) a \
             WHERE o.slug = '{slug}' AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = o.role_name)"
        ),
    )
}

fn site_names(app: &TestApp, schema: &str) -> Vec<String> {
    text(
        &mut app.conn(),
        &format!("SELECT string_agg(name, '|' ORDER BY name) AS value FROM {schema}.sites"),
    )
    .split('|')
    .map(str::to_string)
    .collect()
}

pub(super) fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path)
            } else {
                1
            }
        })
        .sum()
}

/// The demo organization with a PDF attached to one of its work orders; returns the work
/// order's id and the attachment's id.
pub(super) async fn demo_with_a_file(app: &TestApp) -> (String, String) {
    demo::ensure(&mut app.conn()).expect("demo");
    let order = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_demo.work_orders ORDER BY created_at LIMIT 1",
    );
    let owner = Browser::new(app);
    let page = owner.sign_in(OWNER, OWNER_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let path = format!("/o/demo/work-orders/{order}");
    owner.get(&path).await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    let page = post_multipart(
        &owner,
        &format!("{path}/attachments"),
        &[],
        &[("lift-certificate.pdf", pdf)],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let attachment = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM org_demo.attachments",
    );
    (order, attachment)
}

pub(super) fn export(app: &TestApp, label: &str, format: &str) -> PathBuf {
    let file = harness::temp_dir(label).join("demo.export");
    let out = succeeded(&sitesync(
        app,
        &[
            "org",
            "export",
            "--slug",
            DEMO_SLUG,
            "--to",
            path_arg(&file),
            "--format",
            format,
        ],
    ));
    assert!(out.contains("exported organization demo"), "{out}");
    file
}

/// Signs in and reads the organization's site list and one work order.
async fn pages(app: &TestApp, email: &str, password: &str, slug: &str, order: &str) -> String {
    let browser = Browser::new(app);
    let page = browser.sign_in(email, password).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let sites = browser.get(&format!("/o/{slug}/sites")).await;
    assert_eq!(sites.status, StatusCode::OK, "{}", sites.body);
    let order = browser.get(&format!("/o/{slug}/work-orders/{order}")).await;
    assert_eq!(order.status, StatusCode::OK, "{}", order.body);
    assert!(
        order.body.contains("lift-certificate.pdf"),
        "the attachment is listed"
    );
    sites.body
}

#[actix_web::test]
async fn an_organization_moves_to_another_installation_with_its_data_and_files() {
    let source = TestApp::new().await;
    let (order, attachment) = demo_with_a_file(&source).await;
    let file = export(&source, "export", "archive");

    let target = TestApp::new().await;
    // The owner already has an account there (matched by email); the other people do not.
    target.create_account(OWNER);
    let accounts_before = target.count("SELECT 1 FROM accounts");
    let out = succeeded(&sitesync(
        &target,
        &[
            "org",
            "import",
            "--from",
            path_arg(&file),
            "--slug",
            "moved",
        ],
    ));
    assert!(out.contains("imported organization moved"), "{out}");

    assert_eq!(
        table_counts(&source, "org_demo"),
        table_counts(&target, "org_moved")
    );
    assert_eq!(
        roles(&source, DEMO_SLUG),
        roles(&target, "moved"),
        "memberships with their roles"
    );
    let granted = role_privileges(&target, "moved");
    assert_eq!(role_privileges(&source, DEMO_SLUG), granted);
    assert!(granted.contains("audit_events:INSERT") && !granted.contains("audit_events:UPDATE"));
    for table in [
        "job_listings",
        "marketplace_listings",
        "notifications",
        "memberships",
    ] {
        let column = match table {
            "marketplace_listings" => "seller_org_id",
            _ => "organization_id",
        };
        let of = |app: &TestApp, slug: &str| {
            app.count(&format!(
                "SELECT 1 FROM {table} t JOIN organizations o ON o.id = t.{column} \
                 WHERE o.slug = '{slug}'"
            ))
        };
        assert_eq!(of(&source, DEMO_SLUG), of(&target, "moved"), "{table}");
    }
    // The owner's account here has another id: the rows naming the owner name it now.
    assert_eq!(
        target.count(
            "SELECT 1 FROM org_moved.attachments t \
             WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.uploaded_by)"
        ),
        0
    );
    assert_eq!(
        target.count(
            "SELECT 1 FROM notifications n JOIN organizations o ON o.id = n.organization_id \
             WHERE o.slug = 'moved' AND n.link LIKE '/o/demo/%'"
        ),
        0,
        "links lead to the organization's new address"
    );
    // People without an account here got one that cannot sign in until a password is set.
    let created = target.count("SELECT 1 FROM accounts") - accounts_before;
    assert!(created > 0);
    assert_eq!(
        target.count(
            "SELECT 1 FROM accounts WHERE password_hash = '!imported' AND email LIKE '%@demo.sitesync.test'"
        ),
        created
    );
    let tech = Browser::new(&target);
    let page = tech
        .sign_in("tech@demo.sitesync.test", "harbour-lift-tech-2026")
        .await;
    assert_ne!(
        page.status,
        StatusCode::SEE_OTHER,
        "no password moves along"
    );

    // The pages show the same data.
    let before = pages(&source, OWNER, OWNER_PASSWORD, DEMO_SLUG, &order).await;
    let after = pages(&target, OWNER, PASSWORD, "moved", &order).await;
    let names = site_names(&source, "org_demo");
    assert_eq!(names, site_names(&target, "org_moved"));
    let shown: Vec<&String> = names
        .iter()
        .filter(|n| before.contains(n.as_str()))
        .collect();
    assert!(!shown.is_empty(), "the site list shows sites");
    for name in shown {
        assert!(
            after.contains(name.as_str()),
            "{name} is listed after the move"
        );
    }
    let owner = Browser::new(&target);
    owner.sign_in(OWNER, PASSWORD).await;
    let download = owner
        .get(&format!("/o/moved/attachments/{attachment}"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.body.starts_with("%PDF-1.4"), "the file came along");
    assert!(
        target.count("SELECT 1 FROM pg_stats WHERE schemaname = 'org_moved'") > 0,
        "the restored tables were analysed"
    );

    // Under the slug it left with, the schema keeps its name too.
    succeeded(&sitesync(
        &target,
        &["org", "import", "--from", path_arg(&file)],
    ));
    assert_eq!(
        table_counts(&source, "org_demo"),
        table_counts(&target, "org_demo")
    );
    assert_eq!(roles(&source, DEMO_SLUG), roles(&target, DEMO_SLUG));

    let _ = std::fs::remove_dir_all(file.parent().expect("folder"));
}

#[actix_web::test]
async fn an_organization_is_imported_beside_its_original() {
    let app = TestApp::new().await;
    let (order, attachment) = demo_with_a_file(&app).await;
    let file = export(&app, "export", "archive");
    let original = table_counts(&app, "org_demo");
    let files_before = files_under(&app.config.data_dir.join("files"));

    succeeded(&sitesync(
        &app,
        &[
            "org",
            "import",
            "--from",
            path_arg(&file),
            "--slug",
            "demo_copy",
        ],
    ));
    assert_eq!(
        table_counts(&app, "org_demo"),
        original,
        "the original is untouched"
    );
    assert_eq!(table_counts(&app, "org_demo_copy"), original);
    assert_eq!(
        role_privileges(&app, DEMO_SLUG),
        role_privileges(&app, "demo_copy")
    );
    assert_eq!(
        roles(&app, DEMO_SLUG),
        roles(&app, "demo_copy"),
        "the same people, matched by email, with the same roles"
    );
    let listings = |slug: &str| {
        app.count(&format!(
            "SELECT 1 FROM job_listings j JOIN organizations o ON o.id = j.organization_id \
             WHERE o.slug = '{slug}'"
        ))
    };
    assert_eq!(
        listings(DEMO_SLUG),
        listings("demo_copy"),
        "the copy has its own job listings"
    );
    // The copy's file is its own: a new key in the copy's folder, the original's left alone.
    let keys = text(
        &mut app.conn(),
        "SELECT (SELECT storage_key FROM org_demo.attachments) || ' ' || \
                (SELECT storage_key FROM org_demo_copy.attachments) AS value",
    );
    let (original_key, copy_key) = keys.split_once(' ').expect("two keys");
    assert_ne!(original_key, copy_key);
    assert!(files_under(&app.config.data_dir.join("files")) > files_before);
    let copy_org = text(
        &mut app.conn(),
        "SELECT id::text AS value FROM organizations WHERE slug = 'demo_copy'",
    );
    assert!(copy_key.contains(&copy_org), "{copy_key}");

    let before = pages(&app, OWNER, OWNER_PASSWORD, DEMO_SLUG, &order).await;
    let after = pages(&app, OWNER, OWNER_PASSWORD, "demo_copy", &order).await;
    for name in site_names(&app, "org_demo") {
        assert_eq!(before.contains(&name), after.contains(&name), "{name}");
    }
    let owner = Browser::new(&app);
    owner.sign_in(OWNER, OWNER_PASSWORD).await;
    let download = owner
        .get(&format!("/o/demo_copy/attachments/{attachment}"))
        .await;
    assert_eq!(download.status, StatusCode::OK);

    let _ = std::fs::remove_dir_all(file.parent().expect("folder"));
}

#[actix_web::test]
async fn the_csv_export_has_a_file_per_table_and_readable_rows() {
    let app = TestApp::new().await;
    demo_with_a_file(&app).await;
    let file = export(&app, "csv", "csv");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).expect("open")).expect("zip");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    for expected in [
        "README.txt",
        "organization/sites.csv",
        "organization/elevators.csv",
        "organization/work_orders.csv",
        "platform/organizations.csv",
        "platform/accounts.csv",
        "platform/memberships.csv",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n.contains("__diesel")), "{names:?}");
    let stored = text(
        &mut app.conn(),
        "SELECT storage_key AS value FROM org_demo.attachments",
    );
    let mut pdf = Vec::new();
    zip.by_name(&format!("files/{stored}"))
        .expect("the uploaded file")
        .read_to_end(&mut pdf)
        .expect("read");
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let mut sites = String::new();
    zip.by_name("organization/sites.csv")
        .expect("sites")
        .read_to_string(&mut sites)
        .expect("read");
    let header = sites.lines().next().expect("header");
    assert!(
        header.starts_with("id,") && header.contains(",name,"),
        "{header}"
    );
    let site = text(
        &mut app.conn(),
        "SELECT id::text || ' ' || name AS value FROM org_demo.sites ORDER BY id LIMIT 1",
    );
    let (id, name) = site.split_once(' ').expect("site");
    let row = sites
        .lines()
        .find(|line| line.starts_with(id))
        .expect("the site's row");
    assert!(row.contains(name), "{row}");
    let mut accounts = String::new();
    zip.by_name("platform/accounts.csv")
        .expect("accounts")
        .read_to_string(&mut accounts)
        .expect("read");
    assert!(accounts.contains(OWNER));
    assert!(!accounts.contains("argon2"), "no password hashes");

    let _ = std::fs::remove_dir_all(file.parent().expect("folder"));
}
