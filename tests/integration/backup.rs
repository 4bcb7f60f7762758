//! `sitesync backup` and `sitesync restore` through the real binary: the demo backed up, then
//! restored into a fresh data directory and into an empty database, with every table's rows,
//! the stored files and signing in compared; and the backups and targets a restore refuses,
//! leaving the target as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use awc::http::StatusCode;
use diesel::prelude::*;
use sitesync::db::cluster::Cluster;
use sitesync::db::{Db, PoolOptions};
use sitesync::storage::{self, FileStore, LocalStore};

use crate::harness::{self, Browser, TestApp};

const PHOTO_KEY: &str = "listings/backup-test/photo.png";

/// The demo on a database of the test server, backed up once for every test here.
struct Source {
    url: String,
    data_dir: PathBuf,
    backup: PathBuf,
    /// Organization slug → (owner email, password).
    owners: Vec<(String, String, String)>,
}

static SOURCE: OnceLock<Source> = OnceLock::new();

fn source() -> &'static Source {
    SOURCE.get_or_init(|| {
        let url = harness::fresh_database();
        let config = harness::test_config(&url, 2);
        let db = Db::connect(&url, PoolOptions::from_config(&config, "sitesync test")).unwrap();
        let logins = sitesync::demo::ensure(&mut db.get().unwrap()).expect("demo");
        drop(db);
        let demo_owner = logins
            .iter()
            .find(|l| l.email.starts_with("owner@demo"))
            .expect("demo owner login");
        let mut owners = vec![(
            sitesync::demo::DEMO_SLUG.to_string(),
            demo_owner.email.to_string(),
            demo_owner.password.to_string(),
        )];
        owners.extend(sitesync::demo::OTHER_ORGS.iter().map(|(slug, _, email)| {
            (
                slug.to_string(),
                email.to_string(),
                sitesync::demo::OTHER_ORG_PASSWORD.to_string(),
            )
        }));
        let data_dir = harness::temp_dir("backup-source");
        LocalStore::new(&storage::local_root(&data_dir))
            .put(PHOTO_KEY, b"\x89PNG\r\n\x1a\nnot really a photo")
            .unwrap();
        let backup = harness::temp_dir("backup").join("demo");
        let made = sitesync(&data_dir, Some(&url))
            .args(["backup", "--to"])
            .arg(&backup)
            .output()
            .unwrap();
        assert_success(&made);
        Source {
            url,
            data_dir,
            backup,
            owners,
        }
    })
}

fn sitesync(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sitesync"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("SITESYNC_SECRET_KEY")
        .env("SITESYNC_DATA_DIR", data_dir)
        .stdin(Stdio::null());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a restore that must fail; returns its error output.
fn refused_restore(from: &Path, data_dir: &Path, database_url: Option<&str>) -> String {
    let output = sitesync(data_dir, database_url)
        .args(["restore", "--from"])
        .arg(from)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "restore was not refused: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    stderr
}

/// The database `name` on the same server as `url`.
fn sibling(url: &str, name: &str) -> String {
    let (head, tail) = url.split_at(url.find('?').unwrap_or(url.len()));
    let (base, _) = head.rsplit_once('/').unwrap();
    format!("{base}/{name}{tail}")
}

fn create_empty_database(label: &str) -> String {
    let name = format!("restore_{label}_{}", std::process::id());
    let mut admin = PgConnection::establish(&sibling(&source().url, "postgres")).unwrap();
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    sibling(&source().url, &name)
}

/// Rows in every table of every schema.
fn row_counts(url: &str) -> BTreeMap<String, i64> {
    let mut conn = PgConnection::establish(url).unwrap();
    let tables = diesel::sql_query(
        "SELECT format('%I.%I', table_schema, table_name) AS value \
         FROM information_schema.tables \
         WHERE table_type = 'BASE TABLE' \
           AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .load::<harness::One>(&mut conn)
    .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = harness::count(&mut conn, &format!("SELECT 1 FROM {}", t.value));
            (t.value, n)
        })
        .collect()
}

fn assert_same_rows(restored_url: &str) {
    let expected = row_counts(&source().url);
    assert!(
        expected.len() > 100,
        "tables of the demo: {}",
        expected.len()
    );
    assert!(expected["org_demo.sites"] > 0 && expected["public.accounts"] > 0);
    assert_eq!(row_counts(restored_url), expected);
}

fn sha256(path: &Path) -> String {
    sitesync::backup::manifest::sha256_file(path).unwrap()
}

fn assert_same_files(data_dir: &Path) {
    let key = |dir: &Path| storage::local_root(dir).join(PHOTO_KEY);
    assert_eq!(sha256(&key(data_dir)), sha256(&key(&source().data_dir)));
}

/// Every organization's owner signs in and opens its pages, which run as the organization's
/// own role: the roles and their grants came back with the data.
async fn assert_owners_work(url: &str) {
    let app = TestApp::on_database(url).await;
    for (slug, email, password) in &source().owners {
        let browser = Browser::new(&app);
        let page = browser.sign_in(email, password).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{email}: {}", page.body);
        for path in [format!("/o/{slug}"), format!("/o/{slug}/sites")] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        }
    }
}

/// Stops a restored private cluster however the test ends.
struct Running(Cluster);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

#[actix_web::test]
async fn the_demo_comes_back_in_a_fresh_data_directory() {
    let source = source();
    let target = harness::temp_dir("restored");
    let restored = sitesync(&target, None)
        .args(["restore", "--from"])
        .arg(&source.backup)
        .output()
        .unwrap();
    assert_success(&restored);
    assert!(
        !target.join("pg/postmaster.pid").exists(),
        "the restore stopped the cluster it started"
    );
    assert_eq!(
        std::fs::read(target.join("secret.key")).unwrap(),
        std::fs::read(source.data_dir.join("secret.key")).unwrap(),
        "the key that sealed the encrypted values came back"
    );
    assert_same_files(&target);

    let cluster = Running(Cluster::start(&target.join("pg")).unwrap());
    let url = cluster.0.url(sitesync::db::bootstrap::EMBEDDED_DATABASE);
    assert_same_rows(&url);
    assert_owners_work(&url).await;

    // Restoring again finds the target in use, and says so.
    drop(cluster);
    std::fs::remove_dir_all(storage::local_root(&target)).unwrap();
    let refused = refused_restore(&source.backup, &target, None);
    assert!(refused.contains("not empty"), "{refused}");
    assert!(refused.contains("org_"), "names what is there: {refused}");
    let _ = std::fs::remove_dir_all(&target);
}

#[actix_web::test]
async fn the_demo_comes_back_in_an_empty_database() {
    let source = source();
    let url = create_empty_database("empty");
    let data_dir = harness::temp_dir("restored-url");
    let restored = sitesync(&data_dir, Some(&url))
        .args(["restore", "--from"])
        .arg(&source.backup)
        .output()
        .unwrap();
    assert_success(&restored);
    assert_same_rows(&url);
    assert_same_files(&data_dir);
    assert_owners_work(&url).await;

    // A database the app has migrated is not empty, even with no organization in it.
    let migrated = harness::fresh_database();
    let before = row_counts(&migrated);
    let refused = refused_restore(&source.backup, &harness::temp_dir("other"), Some(&migrated));
    assert!(refused.contains("not empty"), "{refused}");
    assert_eq!(row_counts(&migrated), before, "target untouched");
}

/// A copy of the backup to damage.
fn copy_of_backup(label: &str) -> PathBuf {
    let copy = harness::temp_dir(label).join("backup");
    let status = Command::new("cp")
        .arg("-r")
        .arg(&source().backup)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    copy
}

fn a_data_file(backup: &Path) -> (String, PathBuf) {
    let mut names: Vec<String> = std::fs::read_dir(backup.join("database"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".dat.gz"))
        .collect();
    names.sort();
    let name = format!("database/{}", names[names.len() / 2]);
    let path = backup.join(&name);
    (name, path)
}

/// A fresh data directory a refused restore must leave without a cluster or stored files.
fn assert_untouched(data_dir: &Path) {
    assert!(!data_dir.join("pg").exists(), "no cluster was made");
    assert!(
        !storage::local_root(data_dir).exists(),
        "no files were written"
    );
    assert!(!data_dir.join("files.restoring").exists());
}

fn edit_manifest(backup: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = backup.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut manifest);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

#[test]
fn damaged_or_newer_backups_are_refused_before_anything_is_written() {
    // A changed byte in the database archive.
    let tampered = copy_of_backup("tampered");
    let (name, path) = a_data_file(&tampered);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xFF;
    std::fs::write(&path, bytes).unwrap();
    let target = harness::temp_dir("target-tampered");
    let refused = refused_restore(&tampered, &target, None);
    assert!(refused.contains("checksum mismatch"), "{refused}");
    assert!(refused.contains(&name), "names the file: {refused}");
    assert_untouched(&target);

    // A backup that lost a stored file and a piece of its archive on the way.
    let truncated = copy_of_backup("truncated");
    std::fs::remove_file(truncated.join("files").join(PHOTO_KEY)).unwrap();
    let refused = refused_restore(&truncated, &target, None);
    assert!(
        refused.contains(&format!("files/{PHOTO_KEY} is missing")),
        "{refused}"
    );
    std::fs::remove_file(a_data_file(&truncated).1).unwrap();
    assert!(refused_restore(&truncated, &target, None).contains("is missing"));
    assert_untouched(&target);

    // A backup from a SiteSync with migrations this one does not have.
    let newer = copy_of_backup("newer");
    edit_manifest(&newer, |m| {
        m["platform_migration"] = "99991231000000".into()
    });
    let refused = refused_restore(&newer, &target, None);
    assert!(refused.contains("needs a newer SiteSync"), "{refused}");
    assert!(refused.contains("99991231000000"), "{refused}");
    assert!(refused.contains("knows migrations up to 2"), "{refused}");
    assert_untouched(&target);

    // A backup is never written over anything.
    let made = sitesync(&source().data_dir, Some(&source().url))
        .args(["backup", "--to"])
        .arg(&newer)
        .output()
        .unwrap();
    assert!(!made.status.success());
    assert!(String::from_utf8_lossy(&made.stderr).contains("is not empty"));
    assert!(
        newer.join("manifest.json").exists(),
        "the folder was left alone"
    );
}

/// A restore that fails at its very end (here: default privileges for a schema the archive
/// does not have) leaves nothing: no tables, no roles, no files, no cluster.
#[test]
fn a_restore_failing_midway_leaves_the_target_as_it_was() {
    let broken = copy_of_backup("broken");
    edit_manifest(&broken, |m| {
        m["organizations"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"schema": "org_ghost", "role": "org_ghost_0badf00d"}));
    });

    let url = create_empty_database("midway");
    let data_dir = harness::temp_dir("target-midway");
    let refused = refused_restore(&broken, &data_dir, Some(&url));
    assert!(refused.contains("org_ghost"), "{refused}");
    assert_eq!(row_counts(&url), BTreeMap::new(), "no table stayed");
    let mut conn = PgConnection::establish(&url).unwrap();
    let ghosts = harness::count(
        &mut conn,
        "SELECT 1 FROM pg_roles WHERE rolname = 'org_ghost_0badf00d'",
    );
    assert_eq!(ghosts, 0, "the roles made for the restore went with it");
    assert_untouched(&data_dir);

    let fresh = harness::temp_dir("target-midway-fresh");
    let refused = refused_restore(&broken, &fresh, None);
    assert!(refused.contains("org_ghost"), "{refused}");
    assert_untouched(&fresh);
}
