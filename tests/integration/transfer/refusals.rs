//! Refusals: a taken slug, an archive from a newer version, a damaged or altered archive, and
//! one that fails half-way in; each leaves nothing behind.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{demo_with_a_file, export, files_under, path_arg, refused, sitesync};
use crate::harness::{count, TestApp};

fn no_trace_of(app: &TestApp, slug: &str) {
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'org_{slug}'"
        )),
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM pg_roles WHERE rolname LIKE 'org\\_{slug}\\_%'"
        )),
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT 1 FROM organizations WHERE slug = '{slug}'"
        )),
        0
    );
}

/// A copy of the archive with `change` applied to its entries (name, bytes).
fn altered(file: &Path, label: &str, change: impl Fn(&str, &mut Vec<u8>)) -> PathBuf {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).expect("open")).expect("zip");
    let copy = file.with_file_name(format!("{label}.export"));
    let mut out = zip::ZipWriter::new(std::fs::File::create(&copy).expect("create"));
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).expect("entry");
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        change(&name, &mut bytes);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
    copy
}

fn edit_manifest(bytes: &mut Vec<u8>, edit: impl Fn(&mut serde_json::Value)) {
    let mut manifest: serde_json::Value = serde_json::from_slice(bytes).expect("manifest");
    edit(&mut manifest);
    *bytes = serde_json::to_vec(&manifest).expect("json");
}

#[actix_web::test]
async fn bad_archives_and_taken_slugs_are_refused_leaving_nothing() {
    let app = TestApp::new().await;
    demo_with_a_file(&app).await;
    let file = export(&app, "refusals", "archive");
    let accounts = app.count("SELECT 1 FROM accounts");
    let files = files_under(&app.config.data_dir.join("files"));
    let import = |archive: &Path, slug: &str| {
        refused(&sitesync(
            &app,
            &["org", "import", "--from", path_arg(archive), "--slug", slug],
        ))
    };

    let message = refused(&sitesync(
        &app,
        &["org", "import", "--from", path_arg(&file)],
    ));
    assert!(message.contains("“demo” already exists"), "{message}");

    let newer = altered(&file, "newer", |name, bytes| {
        if name == "manifest.json" {
            edit_manifest(bytes, |m| m["sitesync_version"] = "999.0.0".into());
        }
    });
    let message = import(&newer, "newer");
    assert!(
        message.contains("newer SiteSync (version 999.0.0"),
        "{message}"
    );
    no_trace_of(&app, "newer");

    let ahead = altered(&file, "ahead", |name, bytes| {
        if name == "manifest.json" {
            edit_manifest(bytes, |m| m["org_migration"] = "99991231000000".into());
        }
    });
    let message = import(&ahead, "ahead");
    assert!(message.contains("migration 99991231000000"), "{message}");
    no_trace_of(&app, "ahead");

    let tampered = altered(&file, "tampered", |name, bytes| {
        if name == "rows/memberships.json" {
            *bytes = String::from_utf8_lossy(bytes)
                .replacen("\"role\":\"", "\"role\":\"owner\",\"was\":\"", 1)
                .into_bytes();
        }
    });
    let message = import(&tampered, "tampered");
    assert!(
        message.contains("checksum of rows/memberships.json does not match"),
        "{message}"
    );
    no_trace_of(&app, "tampered");

    let truncated = file.with_file_name("truncated.export");
    let bytes = std::fs::read(&file).expect("read");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let message = import(&truncated, "truncated");
    assert!(message.contains("the archive is damaged"), "{message}");
    no_trace_of(&app, "truncated");

    // An archive whose checksums agree but whose schema fails half-way in: the transaction
    // takes the registry row, role, schema and accounts back, and the files written go too.
    let broken = altered(&file, "broken", |name, bytes| {
        if name == "schema.sql" {
            bytes.extend_from_slice(b"\nSELECT no_such_function();\n");
        }
    });
    let schema = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&broken).expect("open")).unwrap();
        let mut sql = Vec::new();
        zip.by_name("schema.sql")
            .unwrap()
            .read_to_end(&mut sql)
            .unwrap();
        sql
    };
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&schema))
    };
    let consistent = altered(&broken, "consistent", |name, bytes| {
        if name == "manifest.json" {
            edit_manifest(bytes, |m| {
                m["entries"]["schema.sql"]["sha256"] = sha.clone().into();
                m["entries"]["schema.sql"]["bytes"] = schema.len().into();
            });
        }
    });
    // One person has no account here any more, so the import makes one, then takes it back.
    app.execute(
        "UPDATE accounts SET email = 'tech-left@demo.sitesync.test' \
         WHERE email = 'tech@demo.sitesync.test'",
    );
    let message = import(&consistent, "broken");
    assert!(message.contains("no_such_function"), "{message}");
    no_trace_of(&app, "broken");
    assert_eq!(
        app.count("SELECT 1 FROM accounts"),
        accounts,
        "no account left"
    );
    assert_eq!(
        files_under(&app.config.data_dir.join("files")),
        files,
        "no file left"
    );
    assert_eq!(
        count(
            &mut app.conn(),
            "SELECT 1 FROM pg_namespace WHERE nspname = 'org_demo'"
        ),
        1,
        "the original's schema is in place"
    );

    let _ = std::fs::remove_dir_all(file.parent().expect("folder"));
}
