//! Signing secrets: made here, shown to the organization's administrators on the
//! subscription's page, and kept sealed (ChaCha20-Poly1305 under a key derived from the
//! server's secret key for this purpose alone), so a copy of the database does not let anyone
//! sign requests a receiver would believe.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use crate::config::SecretKey;

const PURPOSE: &str = "webhook signing secrets v1";
const NONCE_LEN: usize = 12;

/// A new secret: `whsec_` and 32 random bytes in hex.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

fn cipher(key: &SecretKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(&key.derive(PURPOSE)))
}

/// Nonce ‖ ciphertext; `None` only if the cipher refused (it does not for short input).
pub fn seal(key: &SecretKey, secret: &str) -> Option<Vec<u8>> {
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher(key).encrypt(&nonce, secret.as_bytes()).ok()?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Some(out)
}

/// `None` when the bytes were not sealed with this key (the server's key was changed).
pub fn open(key: &SecretKey, sealed: &[u8]) -> Option<String> {
    if sealed.len() <= NONCE_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let plain = cipher(key).decrypt(Nonce::from_slice(nonce), body).ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_sealed() {
        let key = SecretKey(vec![5; 64]);
        let secret = generate();
        assert!(secret.starts_with("whsec_") && secret.len() == 6 + 64);
        assert_ne!(secret, generate());
        let sealed = seal(&key, &secret).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains(&secret[6..]));
        assert_eq!(open(&key, &sealed).as_deref(), Some(secret.as_str()));
        assert_eq!(open(&SecretKey(vec![6; 64]), &sealed), None);
    }
}
