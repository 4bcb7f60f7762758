//! Site access codes (door codes, key safe combinations) are encrypted at rest with
//! ChaCha20-Poly1305 under a key derived from the secret key. Stored as nonce ‖ ciphertext.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::config::SecretKey;

const PURPOSE: &str = "site access codes v1";
const NONCE_LEN: usize = 12;

fn cipher(secret: &SecretKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(&secret.derive(PURPOSE)))
}

pub fn encrypt(secret: &SecretKey, plain: &str) -> Option<Vec<u8>> {
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher(secret).encrypt(&nonce, plain.as_bytes()).ok()?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Some(out)
}

/// `None` when the bytes were not sealed with this secret (or were tampered with).
pub fn decrypt(secret: &SecretKey, sealed: &[u8]) -> Option<String> {
    if sealed.len() <= NONCE_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let plain = cipher(secret)
        .decrypt(Nonce::from_slice(nonce), body)
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let secret = SecretKey(vec![3; 64]);
        let sealed = encrypt(&secret, "Front door 4821#").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("4821"));
        assert_eq!(
            decrypt(&secret, &sealed).as_deref(),
            Some("Front door 4821#")
        );
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert_eq!(decrypt(&secret, &tampered), None);
        assert_eq!(decrypt(&SecretKey(vec![4; 64]), &sealed), None);
    }
}
