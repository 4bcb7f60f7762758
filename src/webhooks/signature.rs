//! The `SiteSync-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256>` of
//! `"<t>.<raw body>"` under the subscription's secret, as Stripe signs its webhooks. The
//! timestamp inside the MAC lets a receiver refuse an old request replayed by someone who
//! saw it; [`verify`] is what a receiver does, and what the tests check deliveries with.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How old (or how far in the future) a signed request may be: five minutes.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// The header's value for `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = keyed(secret, timestamp, body)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default();
    format!("t={timestamp},v1={mac}")
}

/// The MAC of `"<timestamp>.<body>"`, ready to finalize or verify. HMAC takes a key of any
/// length, so this is never `None` in practice.
fn keyed(secret: &str, timestamp: i64, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// Why a signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature header is not t=<seconds>,v1=<hex>")]
    Malformed,
    #[error("the signature was made too long ago (or in the future)")]
    OutsideTolerance,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks a `SiteSync-Signature` header against `body` at `now` (unix seconds): well formed,
/// `t` within `tolerance` seconds of `now`, and one of its `v1` values the body's MAC
/// (compared in constant time). Several `v1` are accepted, for a receiver's key rotation.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(VerifyError::Malformed)?;
        match key {
            "t" => timestamp = Some(value.parse::<i64>().map_err(|_| VerifyError::Malformed)?),
            "v1" => signatures.push(hex::decode(value).map_err(|_| VerifyError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::Malformed)?;
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(VerifyError::OutsideTolerance);
    }
    let matches = signatures.iter().any(|signature| {
        keyed(secret, timestamp, body).is_some_and(|mac| mac.verify_slice(signature).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"1","type":"ping"}"#;

    #[test]
    fn a_signature_verifies_within_the_window() {
        let header = sign(SECRET, 1_800_000_000, BODY);
        // The value the README's Python and openssl snippets print for the same input.
        assert_eq!(
            header,
            "t=1800000000,v1=25c50687835cded7f36d6d90828ebecac8da2fb078c009219c4645d49d2184ab"
        );
        assert_eq!(
            verify(SECRET, &header, BODY, 1_800_000_000, TOLERANCE_SECS),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, &header, BODY, 1_800_000_299, TOLERANCE_SECS),
            Ok(())
        );
    }

    #[test]
    fn a_bad_mac_a_malformed_header_and_an_old_timestamp_are_refused() {
        let t = 1_800_000_000;
        let header = sign(SECRET, t, BODY);
        assert_eq!(
            verify("whsec_other", &header, BODY, t, TOLERANCE_SECS),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(
                SECRET,
                &header,
                br#"{"id":"2","type":"ping"}"#,
                t,
                TOLERANCE_SECS
            ),
            Err(VerifyError::Mismatch)
        );
        // The timestamp is inside the MAC: changing it breaks the signature.
        let moved = header.replace("t=1800000000", "t=1800000100");
        assert_eq!(
            verify(SECRET, &moved, BODY, t, TOLERANCE_SECS),
            Err(VerifyError::Mismatch)
        );
        for malformed in [
            "",
            "t=1800000000",
            "v1=abcd",
            "t=soon,v1=abcd",
            "t=1800000000,v1=zz",
            "nonsense",
        ] {
            assert_eq!(
                verify(SECRET, malformed, BODY, t, TOLERANCE_SECS),
                Err(VerifyError::Malformed),
                "{malformed}"
            );
        }
        assert_eq!(
            verify(
                SECRET,
                &header,
                BODY,
                t + TOLERANCE_SECS + 1,
                TOLERANCE_SECS
            ),
            Err(VerifyError::OutsideTolerance)
        );
        assert_eq!(
            verify(
                SECRET,
                &header,
                BODY,
                t - TOLERANCE_SECS - 1,
                TOLERANCE_SECS
            ),
            Err(VerifyError::OutsideTolerance)
        );
    }
}
