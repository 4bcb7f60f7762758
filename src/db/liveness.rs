//! What the pool knows about the database's health between requests.
//!
//! Pooled connections are not tested on checkout (that is a round trip per request), so a
//! connection the server has dropped — every connection terminated by an administrator, a
//! restart of PostgreSQL — is only found out when it is used. The first request to find one
//! raises the pool's *epoch*: every connection older than the new epoch is pinged once before
//! it is handed out, so the other dead ones are replaced before any other request meets them.
//!
//! While the database refuses new connections, waiting the whole pool timeout for each request
//! only to answer 503 would hold every client for seconds; for a short while after a failed
//! connection attempt, requests that find no idle connection are answered at once instead.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::result::{DatabaseErrorKind, Error};

/// How long after a failed connection attempt requests are refused without trying again: the
/// next request after that tries, so service resumes within this long of the database's return.
pub const RETRY_CONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct Liveness {
    epoch: AtomicU64,
    last_connect_failure: Mutex<Option<(Instant, String)>>,
    /// When a connection was last found dead or could not be made.
    last_trouble: Mutex<Option<Instant>>,
}

impl Liveness {
    /// The current epoch: a connection made or checked before it may be stale.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// A connection was found dead: every connection checked before now is suspect.
    pub fn connection_lost(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut last) = self.last_trouble.lock() {
            *last = Some(Instant::now());
        }
    }

    /// Whether a connection was found dead, or could not be made, less than `within` ago.
    pub fn troubled_within(&self, within: Duration) -> bool {
        self.last_trouble
            .lock()
            .ok()
            .and_then(|last| *last)
            .is_some_and(|at| at.elapsed() < within)
    }

    pub fn connect_failed(&self, why: &str) {
        self.connection_lost();
        if let Ok(mut last) = self.last_connect_failure.lock() {
            *last = Some((Instant::now(), why.to_string()));
        }
    }

    pub fn connected(&self) {
        if let Ok(mut last) = self.last_connect_failure.lock() {
            *last = None;
        }
    }

    /// Why a new connection cannot be had right now, when the last attempt failed a moment ago.
    pub fn refusing(&self) -> Option<String> {
        self.failed_within(RETRY_CONNECT_AFTER)
    }

    /// Why the last connection attempt failed, when it was less than `within` ago and none
    /// has succeeded since.
    fn failed_within(&self, within: Duration) -> Option<String> {
        let last = self.last_connect_failure.lock().ok()?;
        match &*last {
            Some((at, why)) if at.elapsed() < within => Some(why.clone()),
            _ => None,
        }
    }
}

/// Whether `error` means the statement never ran to completion for a reason of the database's,
/// not the request's: the connection is gone, the server is shutting down, or the statement ran
/// past `statement_timeout`. Such a request is answered 503 ("try again"), not 500.
pub fn is_transient(error: &Error) -> bool {
    let Error::DatabaseError(kind, info) = error else {
        return false;
    };
    if matches!(
        kind,
        DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
    ) {
        return true;
    }
    // Diesel does not hand over the SQLSTATE; these are the server's and libpq's own texts
    // (57014 query_canceled, 57P01–57P03 shutdown, 08xxx connection exceptions).
    let message = info.message();
    [
        "canceling statement due to statement timeout",
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "the database system is shutting down",
        "the database system is starting up",
        "connection to server",
    ]
    .iter()
    .any(|text| message.contains(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_connect_refuses_for_a_moment_and_a_success_clears_it() {
        let liveness = Liveness::default();
        assert_eq!(liveness.refusing(), None);
        let before = liveness.epoch();
        assert!(!liveness.troubled_within(Duration::from_secs(5)));
        liveness.connect_failed("connection refused");
        assert!(liveness.epoch() > before);
        assert!(liveness.troubled_within(Duration::from_secs(5)));
        assert_eq!(liveness.refusing().as_deref(), Some("connection refused"));
        liveness.connected();
        assert_eq!(liveness.refusing(), None);
    }

    #[test]
    fn only_errors_of_the_database_itself_are_transient() {
        let closed = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new(String::from("server closed the connection unexpectedly")),
        );
        let timeout = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(String::from("canceling statement due to statement timeout")),
        );
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new(String::from(
                "duplicate key value violates unique constraint",
            )),
        );
        assert!(is_transient(&closed));
        assert!(is_transient(&timeout));
        assert!(!is_transient(&unique));
        assert!(!is_transient(&Error::NotFound));
    }
}
