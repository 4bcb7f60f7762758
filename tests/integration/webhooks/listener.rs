//! A loopback HTTP listener for the webhook tests.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

/// One request the listener received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.1 server on 127.0.0.1 in a thread of its own, answering every request with
/// the status it is set to and keeping what it received.
pub struct Listener {
    pub url: String,
    pub status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Listener {
    pub fn start(status: u16) -> Listener {
        let socket = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/sitesync", socket.local_addr().unwrap());
        let listener = Listener {
            url,
            status: Arc::new(AtomicU16::new(status)),
            received: Arc::default(),
        };
        let (answer, kept) = (listener.status.clone(), listener.received.clone());
        std::thread::spawn(move || {
            for stream in socket.incoming() {
                let Ok(mut stream) = stream else { continue };
                if let Some(request) = read_request(&mut stream) {
                    kept.lock().unwrap().push(request);
                }
                let code = answer.load(Ordering::SeqCst);
                let body = format!("answered {code}");
                let _ = write!(
                    stream,
                    "HTTP/1.1 {code} Answer\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        listener
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buffer).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Some(Received { headers, body })
}
