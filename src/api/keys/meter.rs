//! Each key's requests per hour, counted in PostgreSQL so every app server shares the limit,
//! but written in batches: a server adds up its own requests and writes them (reading back the
//! hour's total from every server) at most a second apart, or after 50 requests — and on every
//! request once the key has 50 or fewer left, so small limits hold exactly and a large one is
//! overrun by at most 50 requests per server, while a busy key costs a write now and then
//! instead of one per request.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The longest a server keeps requests to itself.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// The most requests a server keeps to itself.
const FLUSH_AFTER: i32 = 50;

#[derive(Default)]
struct Tally {
    /// The hour's total over every server, as last read.
    known: i32,
    /// This server's requests since.
    pending: i32,
    read_at: Option<Instant>,
}

/// What to do with one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Hit {
    /// Within the limit as far as this server knows.
    Allowed,
    /// Write `pending` requests and check the total the database returns.
    Flush(i32),
}

#[derive(Default)]
pub struct UsageMeter {
    tallies: Mutex<HashMap<(Uuid, DateTime<Utc>), Tally>>,
}

impl std::fmt::Debug for UsageMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageMeter")
            .field("tallies", &self.lock().len())
            .finish()
    }
}

impl UsageMeter {
    fn lock(&self) -> MutexGuard<'_, HashMap<(Uuid, DateTime<Utc>), Tally>> {
        self.tallies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one request of `key` in `hour`.
    pub fn hit(&self, key: Uuid, hour: DateTime<Utc>, limit: i32) -> Hit {
        let mut tallies = self.lock();
        // Hours gone by are never asked about again.
        tallies.retain(|(_, at), _| *at >= hour);
        let tally = tallies.entry((key, hour)).or_default();
        tally.pending += 1;
        let near_limit = limit - tally.known <= FLUSH_AFTER;
        let stale = tally.read_at.is_none_or(|at| at.elapsed() >= FLUSH_EVERY);
        if near_limit || stale || tally.pending >= FLUSH_AFTER {
            let pending = tally.pending;
            tally.pending = 0;
            tally.read_at = Some(Instant::now());
            Hit::Flush(pending)
        } else {
            Hit::Allowed
        }
    }

    /// The hour's total read back after a flush.
    pub fn flushed(&self, key: Uuid, hour: DateTime<Utc>, total: i32) {
        if let Some(tally) = self.lock().get_mut(&(key, hour)) {
            tally.known = total;
        }
    }

    /// A flush that did not reach the database: its requests are kept for the next.
    pub fn unflushed(&self, key: Uuid, hour: DateTime<Utc>, pending: i32) {
        if let Some(tally) = self.lock().get_mut(&(key, hour)) {
            tally.pending += pending;
            tally.read_at = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID_SMALL: Uuid = Uuid::from_u128(7);

    #[test]
    fn a_busy_key_writes_in_batches_until_it_nears_its_limit() {
        let meter = UsageMeter::default();
        let (key, hour) = (Uuid::new_v4(), Utc::now());
        assert_eq!(
            meter.hit(key, hour, 1000),
            Hit::Flush(1),
            "the first request reads the total"
        );
        meter.flushed(key, hour, 1);
        for _ in 0..(FLUSH_AFTER - 1) {
            assert_eq!(meter.hit(key, hour, 1000), Hit::Allowed);
        }
        assert_eq!(meter.hit(key, hour, 1000), Hit::Flush(FLUSH_AFTER));
        meter.flushed(key, hour, 949);
        assert_eq!(meter.hit(key, hour, 1000), Hit::Allowed);
        meter.flushed(key, hour, 950);
        // 50 left: every request is written and checked.
        assert_eq!(meter.hit(key, hour, 1000), Hit::Flush(2));
        assert_eq!(meter.hit(UUID_SMALL, hour, 3), Hit::Flush(1));
    }
}
