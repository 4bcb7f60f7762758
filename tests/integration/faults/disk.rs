//! The file store's disk full (a 1 MB tmpfs as the store): an upload that does not fit is
//! refused with a clear page and the form to try again, no row points at a file that was not
//! written, and the files written before the one that did not fit are removed with the rows
//! that rolled back. The same for the public fault report form with a photo.

use std::path::{Path, PathBuf};
use std::process::Command;

use awc::http::StatusCode;

use crate::harness::{Browser, TestApp};
use crate::work_order_field::{post_multipart, setup};

/// A tmpfs mounted over a folder for the life of the value.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None`, with the reason printed, where mounting is not permitted.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Tmpfs(dir.to_path_buf())),
            Ok(out) => {
                println!(
                    "skipped: cannot mount a tmpfs here: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                println!("skipped: cannot run mount: {e}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).expect("under").display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// A PDF (by its bytes) of `size` bytes.
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(size - 6, b'%');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

#[actix_web::test]
async fn a_full_store_refuses_the_upload_clearly_and_keeps_nothing_of_it() {
    let app = TestApp::new().await;
    let store = sitesync::storage::local_root(&app.config.data_dir);
    std::fs::create_dir_all(&store).expect("store folder");
    let Some(_tmpfs) = Tmpfs::mount(&store, "1m") else {
        return;
    };
    let s = setup(&app, "acme").await;
    let order = format!("/o/acme/work-orders/{}", s.order);
    s.manager.get(&order).await;
    let upload = format!("{order}/attachments");
    let rows = "SELECT 1 FROM org_acme.attachments";

    let page = post_multipart(
        &s.manager,
        &upload,
        &[],
        &[("manual.pdf", &pdf(1536 * 1024))],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("not enough space to store the file"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("action=\"{upload}?csrf_token=")),
        "the form is there to try again: {}",
        page.body
    );
    assert_eq!(app.count(rows), 0);
    assert_eq!(
        files_under(&store),
        Vec::<String>::new(),
        "no partial file left"
    );

    // Each fits alone, not both: the first one's row rolls back and its file goes with it.
    let half = pdf(600 * 1024);
    let page = post_multipart(
        &s.manager,
        &upload,
        &[],
        &[("a.pdf", &half), ("b.pdf", &half)],
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        page.body
    );
    assert_eq!(app.count(rows), 0);
    assert_eq!(files_under(&store), Vec::<String>::new());

    // What fits is still taken, and its row points at a file that is there.
    let page = post_multipart(&s.manager, &upload, &[], &[("a.pdf", &half)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let key = crate::harness::text(
        &mut app.conn(),
        "SELECT storage_key AS value FROM org_acme.attachments",
    );
    assert_eq!(files_under(&store), vec![key.clone()]);

    // The public fault report with a photo that no longer fits: the report is not recorded
    // without it, and the form comes back with what was typed.
    let token = crate::harness::text(
        &mut app.conn(),
        "SELECT report_token AS value FROM org_acme.elevators",
    );
    let visitor = Browser::new(&app);
    let report = format!("/report/acme/{token}");
    visitor.get(&report).await;
    let fields = [
        ("request_type", "issue_report"),
        ("subject", "Lift shudders"),
        ("contact_name", "Dana"),
        ("trapped", "0"),
        ("website", ""),
    ];
    let page = post_multipart(&visitor, &report, &fields, &[("shudder.pdf", &half)]).await;
    assert_eq!(
        page.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        page.body
    );
    assert!(page.body.contains("not enough space to store the file"));
    assert!(
        page.body.contains("value=\"Lift shudders\""),
        "{}",
        page.body
    );
    assert_eq!(app.count("SELECT 1 FROM org_acme.service_requests"), 0);
    assert_eq!(files_under(&store), vec![key]);
}
