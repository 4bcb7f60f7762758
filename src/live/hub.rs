//! One app server's side of live updates: a connection listening on the channel, and a
//! broadcast of what it hears to this server's open streams.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use diesel::prelude::*;
use tokio::sync::broadcast;

use super::{Event, CHANNEL};

/// How long an event may wait in the listening connection before it is passed on. Polling
/// keeps the listener a plain blocking connection, without a driver of its own.
const POLL: Duration = Duration::from_millis(100);

/// Events a slow stream may fall behind by before it misses some (it then refreshes all).
const BACKLOG: usize = 1024;

pub struct Hub {
    url: String,
    sender: broadcast::Sender<Arc<Event>>,
    /// The listener starts with the first stream, so a server nobody watches holds no
    /// connection for it.
    listening: OnceLock<()>,
}

impl Hub {
    pub fn new(database_url: &str) -> Hub {
        Hub {
            url: database_url.to_string(),
            sender: broadcast::channel(BACKLOG).0,
            listening: OnceLock::new(),
        }
    }

    /// A receiver of every event this server hears from now on. The first call starts the
    /// listener and waits (briefly) until it listens, so a change committed after this
    /// returns is heard.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        let receiver = self.sender.subscribe();
        self.listening.get_or_init(|| {
            let url = self.url.clone();
            let sender = self.sender.clone();
            let (ready, listening) = std::sync::mpsc::channel();
            let started = std::thread::Builder::new()
                .name("live-listener".into())
                .spawn(move || listen(&url, &sender, &ready));
            match started {
                Ok(_) => drop(listening.recv_timeout(Duration::from_secs(5))),
                Err(e) => tracing::error!("live updates cannot start: {e}"),
            }
        });
        receiver
    }

    /// Streams open on this server.
    pub fn streams(&self) -> usize {
        self.sender.receiver_count()
    }
}

/// Listens for ever, reconnecting after a lost connection; says on `ready` when it first
/// listens.
fn listen(url: &str, sender: &broadcast::Sender<Arc<Event>>, ready: &std::sync::mpsc::Sender<()>) {
    loop {
        match listen_once(url, sender, ready) {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!("live updates: listening connection lost ({e}); reconnecting");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

fn listen_once(
    url: &str,
    sender: &broadcast::Sender<Arc<Event>>,
    ready: &std::sync::mpsc::Sender<()>,
) -> Result<(), String> {
    let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
    diesel::sql_query(format!("LISTEN {CHANNEL}"))
        .execute(&mut conn)
        .map_err(|e| e.to_string())?;
    // Nobody waits after the first time; a closed channel is fine.
    let _ = ready.send(());
    let mut idle = Duration::ZERO;
    loop {
        for notification in conn.notifications_iter() {
            let notification = notification.map_err(|e| e.to_string())?;
            match serde_json::from_str::<Event>(&notification.payload) {
                // No stream open is not an error: the event simply has nobody to reach.
                Ok(event) => {
                    let _ = sender.send(Arc::new(event));
                }
                Err(e) => tracing::warn!("live updates: unreadable event ({e})"),
            }
            idle = Duration::ZERO;
        }
        std::thread::sleep(POLL);
        idle += POLL;
        // A quiet connection is checked now and then, so a dead one is noticed.
        if idle >= Duration::from_secs(30) {
            diesel::sql_query("SELECT 1")
                .execute(&mut conn)
                .map_err(|e| e.to_string())?;
            idle = Duration::ZERO;
        }
    }
}
