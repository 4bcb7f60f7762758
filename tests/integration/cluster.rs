//! The embedded PostgreSQL cluster: first start, reuse, clean stop, crash leftovers, and the
//! admin commands working beside a running server.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sitesync::db::bootstrap::ensure_database;
use sitesync::db::cluster::{Binaries, Cluster, ClusterError};

use crate::harness;

#[test]
fn missing_binaries_name_the_package_to_install() {
    let outcome = Binaries::discover_in(Some("".into()), Path::new("/nonexistent"), None);
    let error = outcome.expect_err("nothing to find");
    assert!(matches!(error, ClusterError::BinariesNotFound));
    assert!(error.to_string().contains("apt-get install postgresql"));
}

#[test]
fn start_restart_stop_and_a_stale_lock() {
    let dir = harness::temp_dir("cluster").join("pg");
    let cluster = Cluster::start(&dir).expect("first start");
    assert!(cluster.is_running());
    ensure_database(&cluster, "kept").expect("create database");
    cluster.stop().expect("stop");
    assert!(!cluster.is_running());
    assert!(!dir.join("postmaster.pid").exists());

    // A crash leaves postmaster.pid naming a PID that is now some other process (here: us).
    std::fs::write(
        dir.join("postmaster.pid"),
        format!("{}\n{}\n", std::process::id(), dir.display()),
    )
    .expect("write stale lock");
    let cluster = Cluster::start(&dir).expect("restart over a stale lock");
    assert!(cluster.is_running());
    // The same cluster was reused: the database made before the restart is still there.
    let conn = <diesel::PgConnection as diesel::Connection>::establish(&cluster.url("kept"));
    assert!(conn.is_ok(), "database survived the restart");
    drop(conn);
    cluster.stop().expect("stop again");
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn sitesync(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sitesync"));
    command
        .env_remove("DATABASE_URL")
        .env("SITESYNC_DATA_DIR", data_dir)
        .stdin(Stdio::null());
    command
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

/// Waits for `/healthz` to answer 200, failing if the server exits first.
pub fn wait_until_up(server: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Some(response) = http_get(port, "/healthz") {
            if response.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        if let Ok(Some(status)) = server.try_wait() {
            panic!("server exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("server did not come up");
}

#[test]
fn admin_commands_work_beside_a_running_server_and_without_one() {
    let data_dir = harness::temp_dir("embedded");
    let port = free_port();
    let mut server = sitesync(&data_dir)
        .arg("serve")
        .env("SITESYNC_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    wait_until_up(&mut server, port);
    assert!(
        data_dir.join("pg/PG_VERSION").exists(),
        "cluster made under the data dir"
    );
    let key = std::fs::metadata(data_dir.join("secret.key")).expect("secret key kept");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&key.permissions()) & 0o777,
        0o600
    );

    let created = sitesync(&data_dir)
        .args(["org", "create", "--slug", "acme", "--name", "Acme Lifts"])
        .output()
        .expect("org create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // Organization pages need a signed-in member: anonymous visitors go to sign in.
    let page = http_get(port, "/o/acme").expect("org page");
    assert!(page.starts_with("HTTP/1.1 303"), "{page}");
    assert!(page.contains("/signin?next=%2Fo%2Facme"), "{page}");

    // SIGTERM stops the server, then the cluster.
    // SAFETY: kill with a valid PID and signal number has no memory-safety preconditions.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let status = server.wait().expect("server exit");
    assert!(status.success(), "clean exit: {status}");
    assert!(
        !data_dir.join("pg/postmaster.pid").exists(),
        "cluster stopped"
    );

    // Without a server the command starts the cluster, does its work and stops it again.
    let migrated = sitesync(&data_dir)
        .arg("migrate")
        .output()
        .expect("migrate");
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(String::from_utf8_lossy(&migrated.stdout).contains("migrated 1 organization"));
    assert!(
        !data_dir.join("pg/postmaster.pid").exists(),
        "cluster stopped after migrate"
    );
}
