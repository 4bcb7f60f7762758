//! One-click unsubscribe links (RFC 8058): a token naming an account and a kind, signed so
//! that it cannot be altered to stop another account's email or another kind.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use super::kinds::{self, DIGEST};
use crate::config::SecretKey;

const PURPOSE: &str = "unsubscribe";

/// What a valid token stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub account_id: Uuid,
    /// A kind of notification, or [`DIGEST`].
    pub kind: String,
}

fn signature(key: &SecretKey, account_id: Uuid, kind: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&pad(key.derive(PURPOSE)).into());
    mac.update(account_id.as_bytes());
    mac.update(b"/");
    mac.update(kind.as_bytes());
    mac
}

/// HMAC-SHA256 takes a 64-byte key block; a shorter key is zero-padded (as RFC 2104 does).
fn pad(key: [u8; 32]) -> [u8; 64] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(&key);
    block
}

/// `<account>.<kind>.<signature>`, all URL-safe.
pub fn token(key: &SecretKey, account_id: Uuid, kind: &str) -> String {
    let sig = signature(key, account_id, kind).finalize().into_bytes();
    format!("{}.{kind}.{}", account_id.simple(), hex::encode(sig))
}

/// The target of `token`, or `None` when it was altered or names no kind we send.
pub fn verify(key: &SecretKey, token: &str) -> Option<Target> {
    let mut parts = token.split('.');
    let (account, kind, sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || (kind != DIGEST && kinds::find(kind).is_none()) {
        return None;
    }
    let account_id = Uuid::try_parse(account).ok()?;
    let sig = hex::decode(sig).ok()?;
    signature(key, account_id, kind).verify_slice(&sig).ok()?;
    Some(Target {
        account_id,
        kind: kind.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_account_and_kind_and_nothing_else() {
        let key = SecretKey(vec![7; 64]);
        let account = Uuid::new_v4();
        let good = token(&key, account, "forum_reply");
        assert_eq!(
            verify(&key, &good),
            Some(Target {
                account_id: account,
                kind: "forum_reply".into()
            })
        );
        let other_kind = good.replace("forum_reply", "job_application");
        assert_eq!(verify(&key, &other_kind), None);
        let other_account = good.replacen(&account.simple().to_string()[..1], "f", 1);
        if other_account != good {
            assert_eq!(verify(&key, &other_account), None);
        }
        assert_eq!(verify(&SecretKey(vec![8; 64]), &good), None);
        assert_eq!(verify(&key, "nonsense"), None);
        assert_eq!(verify(&key, &format!("{good}.x")), None);
    }
}
