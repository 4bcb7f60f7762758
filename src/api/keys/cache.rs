//! Keys recently looked up, so a busy client costs no key query per request. An entry is used
//! for [`TTL`]; revoking a key through this process forgets every entry at once, and another
//! process stops accepting it within [`TTL`].

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::{PgConnection, QueryResult};

use super::{hash, queries, KeyGrant, PREFIX_LEN};

pub const TTL: Duration = Duration::from_secs(5);

/// Beyond this many entries the cache starts again, so keys made up by a caller cannot grow it.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct KeyCache {
    /// By the SHA-256 of the whole key: only a key that was presented whole is ever found.
    entries: Mutex<HashMap<String, (Instant, Option<KeyGrant>)>>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("entries", &self.lock().len())
            .finish()
    }
}

impl KeyCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Instant, Option<KeyGrant>)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key `full` stands for, if it exists and its secret part matches.
    pub fn find(&self, conn: &mut PgConnection, full: &str) -> QueryResult<Option<KeyGrant>> {
        let hashed = hash(full);
        if let Some((at, grant)) = self.lock().get(&hashed) {
            if at.elapsed() < TTL {
                return Ok(grant.clone());
            }
        }
        let grant = queries::grant(conn, &full[..PREFIX_LEN.min(full.len())])?
            .filter(|grant| constant_time_eq(grant.hash.as_bytes(), hashed.as_bytes()));
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(hashed, (Instant::now(), grant.clone()));
        Ok(grant)
    }

    /// Forgets every key, after one was revoked.
    pub fn forget(&self) {
        self.lock().clear();
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
