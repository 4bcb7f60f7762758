//! Faults the app must survive with nothing acknowledged lost and nothing half-done: SIGTERM
//! (drain and stop), SIGKILL in the middle of a batch or a background job, a full file store.
//! The signal tests run the real `sitesync` binary; pages are prepared through the in-process
//! app on the same database, whose session cookies the binary accepts (same secret key).

mod disk;
mod kill;
mod signals;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use diesel::PgConnection;

use crate::harness::{self, Browser, TestApp};

/// The secret key both the in-process app and the binary sign cookies with.
const SECRET_KEY: &str = "fault-tests-secret-key-shared-by-the-test-app-and-the-binary";

/// An in-process app whose session cookies a `sitesync serve` on the same database accepts.
pub async fn app_sharing_sessions() -> TestApp {
    TestApp::with_config(4, |config| {
        config.secret_key = sitesync::config::SecretKey(SECRET_KEY.as_bytes().to_vec());
    })
    .await
}

/// A `sitesync serve` process on a port of its own.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub data_dir: PathBuf,
}

impl Server {
    /// Starts `sitesync serve` (with `extra` arguments) on `database_url`, or on its private
    /// cluster under `data_dir` when there is none, and waits until it answers.
    pub fn start(database_url: Option<&str>, data_dir: &Path, extra: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let mut command = Command::new(env!("CARGO_BIN_EXE_sitesync"));
        command
            .arg("serve")
            .args(extra)
            .env_remove("DATABASE_URL")
            .env("SITESYNC_DATA_DIR", data_dir)
            .env("SITESYNC_BIND", format!("127.0.0.1:{port}"))
            .env("SITESYNC_SECRET_KEY", SECRET_KEY)
            .env("SITESYNC_POOL_SIZE", "4")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let mut child = command.spawn().expect("start sitesync serve");
        crate::cluster::wait_until_up(&mut child, port);
        Server {
            child,
            port,
            data_dir: data_dir.to_path_buf(),
        }
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill with a valid PID and signal number has no memory-safety preconditions.
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// Waits for the process to end; panics if it takes longer than `within`.
    pub fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("sitesync serve did not stop within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, and the process reaped.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
        self.wait(Duration::from_secs(10));
    }
}

/// Sends one request and returns the open connection, without waiting for the answer.
pub fn send(port: u16, method: &str, path: &str, cookie: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send request");
    stream
}

/// The status of the answer on `stream` (0 when the connection closed without one).
pub fn status_of(mut stream: TcpStream) -> u16 {
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Posts a form with the browser's session and CSRF token to the server on `port`.
pub fn post_form(
    port: u16,
    browser: &Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> TcpStream {
    let token = browser.csrf();
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    let body = serde_urlencoded::to_string(&all).expect("form");
    send(port, "POST", path, &browser.cookie_header(), &body)
}

/// Polls `ready` every 20 ms until it holds; panics with `what` after `within`.
pub fn wait_for(what: &str, within: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many database sessions `sitesync serve` holds that match `condition` (SQL on
/// `pg_stat_activity`).
pub fn server_sessions(conn: &mut PgConnection, condition: &str) -> i64 {
    harness::count(
        conn,
        &format!(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'sitesync serve' AND ({condition})"
        ),
    )
}

/// The backend PID of a session of `sitesync serve` that matches `condition`, if any.
pub fn server_session(conn: &mut PgConnection, condition: &str) -> Option<i32> {
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    diesel::RunQueryDsl::get_result::<Pid>(
        diesel::sql_query(format!(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'sitesync serve' AND ({condition}) LIMIT 1"
        )),
        conn,
    )
    .ok()
    .map(|row| row.pid)
}
