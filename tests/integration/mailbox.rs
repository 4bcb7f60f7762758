//! Email in tests: an SMTP server on loopback that keeps what it receives, and helpers that
//! run the outbox and read the messages it holds.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use diesel::sql_types::Text;
use sitesync::background::{self, Ran};

use crate::harness::TestApp;

/// A minimal SMTP server (RFC 5321 without extensions): enough for a real client to hand
/// messages over. Each message is kept whole, headers and body.
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<String>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || serve(stream, &store));
            }
        });
        SmtpServer { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<String> {
        self.received.lock().expect("lock").clone()
    }
}

fn serve(stream: TcpStream, store: &Mutex<Vec<String>>) {
    let mut out = stream.try_clone().expect("clone");
    let mut lines = BufReader::new(stream);
    let mut say = |text: &str| out.write_all(format!("{text}\r\n").as_bytes()).is_ok();
    if !say("220 loopback ESMTP") {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.trim().to_ascii_uppercase();
        let ok = if verb.starts_with("EHLO") || verb.starts_with("HELO") {
            say("250 loopback")
        } else if verb.starts_with("DATA") {
            say("354 go ahead");
            let mut message = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                message.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            store.lock().expect("lock").push(message);
            say("250 queued")
        } else if verb.starts_with("QUIT") {
            say("221 bye");
            return;
        } else {
            say("250 OK")
        };
        if !ok {
            return;
        }
    }
}

/// A message in the outbox.
#[derive(Debug, QueryableByName)]
pub struct Sent {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Text)]
    pub body_text: String,
}

impl Sent {
    /// The first link in the text part that starts with `prefix` (after the public URL).
    pub fn link(&self, prefix: &str) -> String {
        let base = "https://sitesync.test";
        let start = self
            .body_text
            .find(&format!("{base}{prefix}"))
            .unwrap_or_else(|| panic!("no {prefix} link in {}", self.body_text));
        let rest = &self.body_text[start + base.len()..];
        rest.split_whitespace().next().expect("link").to_string()
    }
}

impl TestApp {
    /// The outbox's messages to `address`, oldest first.
    pub fn mail_to(&self, address: &str) -> Vec<Sent> {
        diesel::sql_query(
            "SELECT kind, status, subject, body_text FROM outbox_messages \
             WHERE to_address = $1 ORDER BY created_at, id",
        )
        .bind::<Text, _>(address)
        .load(&mut *self.conn())
        .expect("outbox")
    }

    /// Runs every due background job (the outbox's deliveries among them), as a worker does.
    pub fn run_jobs(&self) -> Vec<Ran> {
        let worker = self.worker();
        let mut ran = Vec::new();
        while let Some(outcome) = background::run_next(&mut self.conn(), &worker).expect("run") {
            ran.push(outcome);
        }
        ran
    }
}

impl TestApp {
    /// One text value (a query selecting `value`).
    pub fn text_of(&self, sql: &str) -> String {
        crate::harness::text(&mut self.conn(), sql)
    }
}
