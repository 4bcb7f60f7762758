//! Cursors for paging API lists by `(created_at, id)`: rows added meanwhile land after every
//! cursor, so a client walking a list never sees one twice or misses one. A cursor is signed
//! with the organization's id, so one made up, altered or taken from another organization's
//! list is refused rather than read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::problem::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// Where a page ends: the last row's creation time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// Signs and reads cursors with the installation's key for this purpose.
#[derive(Clone)]
pub struct Cursors {
    key: [u8; 32],
}

impl Cursors {
    pub fn new(key: [u8; 32]) -> Cursors {
        Cursors { key }
    }

    fn mac(&self, organization: Uuid, payload: &str) -> Vec<u8> {
        // HMAC takes a key of any length; were it ever refused, no cursor would verify.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.key) else {
            return Vec::new();
        };
        mac.update(organization.as_bytes());
        mac.update(payload.as_bytes());
        mac.finalize().into_bytes()[..12].to_vec()
    }

    pub fn encode(&self, organization: Uuid, cursor: Cursor) -> String {
        let payload = format!("{}.{}", cursor.created_at.timestamp_micros(), cursor.id);
        let mac = URL_SAFE_NO_PAD.encode(self.mac(organization, &payload));
        format!("{}.{mac}", URL_SAFE_NO_PAD.encode(payload))
    }

    pub fn decode(&self, organization: Uuid, text: &str) -> Result<Cursor, ApiError> {
        let refused = || {
            ApiError::field(
                "cursor",
                "This cursor was not given out by this list; start again without one.",
            )
        };
        let (payload, mac) = text.split_once('.').ok_or_else(refused)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(refused)?;
        let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| refused())?;
        let expected = self.mac(organization, &payload);
        if expected.is_empty()
            || mac.len() != expected.len()
            || mac
                .iter()
                .zip(&expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                != 0
        {
            return Err(refused());
        }
        let (micros, id) = payload.split_once('.').ok_or_else(refused)?;
        Ok(Cursor {
            created_at: micros
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(refused)?,
            id: id.parse().map_err(|_| refused())?,
        })
    }
}

/// The page size asked for, refused beyond [`MAX_LIMIT`].
pub fn limit(asked: Option<i64>) -> Result<i64, ApiError> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
            "limit",
            format!("Ask for 1 to {MAX_LIMIT} items per page."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_in_its_own_organization_and_unaltered() {
        let cursors = Cursors::new([7; 32]);
        let (ours, theirs) = (Uuid::new_v4(), Uuid::new_v4());
        let cursor = Cursor {
            created_at: DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap_or_default(),
            id: Uuid::new_v4(),
        };
        let text = cursors.encode(ours, cursor);
        assert_eq!(cursors.decode(ours, &text).ok(), Some(cursor));
        assert!(cursors.decode(theirs, &text).is_err());
        let mut altered = text.clone();
        altered.replace_range(0..1, if text.starts_with('M') { "N" } else { "M" });
        assert!(cursors.decode(ours, &altered).is_err());
        assert!(cursors.decode(ours, "garbage").is_err());
        assert!(limit(Some(1_000_000_000)).is_err());
        assert_eq!(limit(None).ok(), Some(50));
    }
}
