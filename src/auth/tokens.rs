//! Secret tokens for links and cookies (invitations, known devices): random, and stored only as
//! a SHA-256 hash, so a database leak hands out no working link.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is stored of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}
