//! API keys: made by an organization's owners and admins, shown once, then known only by
//! their prefix and a SHA-256 hash. A key is long and random, so a fast hash is as safe as a
//! slow one and keeps the lookup on every request cheap.

pub mod cache;
pub mod demo;
pub mod meter;
pub mod operations;
pub mod queries;
pub mod routes;

use chrono::{DateTime, Utc};
use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::scopes::Scopes;
use crate::orgs::OrgHandle;

/// Every key starts with this, so a leaked one is recognisable (secret scanners look for it).
pub const KEY_START: &str = "ss_live_";
/// Random characters after [`KEY_START`]: 40 alphanumerics are about 238 bits.
const RANDOM_LEN: usize = 40;
/// The part of a key kept in clear to find it: the start and 8 random characters.
pub const PREFIX_LEN: usize = KEY_START.len() + 8;

/// A key as made: the full text is shown once and never stored.
pub struct NewKey {
    pub full: String,
    pub prefix: String,
    pub hash: String,
}

impl NewKey {
    pub fn generate() -> NewKey {
        let random: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(RANDOM_LEN)
            .map(char::from)
            .collect();
        let full = format!("{KEY_START}{random}");
        NewKey {
            prefix: full[..PREFIX_LEN].to_string(),
            hash: hash(&full),
            full,
        }
    }
}

/// The stored form of a key.
pub fn hash(full: &str) -> String {
    hex::encode(Sha256::digest(full.as_bytes()))
}

/// Whether `text` has a key's shape, before anything is looked up.
pub fn well_formed(text: &str) -> bool {
    text.len() == KEY_START.len() + RANDOM_LEN
        && text.starts_with(KEY_START)
        && text[KEY_START.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
}

/// A key as a request uses it: what it may do and the organization it acts as.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    pub id: Uuid,
    pub prefix: String,
    pub name: String,
    pub hash: String,
    pub scopes: Scopes,
    pub rate_limit_per_hour: i32,
    pub org: OrgHandle,
    pub revoked: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub org_suspended: bool,
}

impl KeyGrant {
    /// Why the key cannot be used at `now`, if it cannot.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), &'static str> {
        if self.revoked {
            Err("This API key has been revoked.")
        } else if self.expires_at.is_some_and(|at| at <= now) {
            Err("This API key has expired.")
        } else if self.org_suspended {
            Err("This organization is suspended on the platform.")
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_is_well_formed_and_known_by_its_prefix_and_hash() {
        let key = NewKey::generate();
        assert!(well_formed(&key.full));
        assert!(key.full.starts_with(&key.prefix));
        assert_eq!(key.prefix.len(), 16);
        assert_eq!(hash(&key.full), key.hash);
        assert!(!well_formed("ss_live_short"));
        assert!(!well_formed(&key.full.replace("ss_live_", "ss_test_")));
    }
}
