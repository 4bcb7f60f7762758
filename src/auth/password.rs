//! Password hashing (argon2id with OWASP's parameters) and the strength rule for new passwords.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

fn hasher() -> Argon2<'static> {
    // m = 19 MiB, t = 2, p = 1: OWASP's minimum for argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub fn hash(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real check, so an unknown email cannot be told apart from a
/// wrong password by how long the answer takes.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash("not a real password, only for timing").unwrap_or_default());
    let _ = verify(password, dummy);
}

/// Refuses passwords that are too short, too long, equal to the email, or easy to guess
/// (zxcvbn score below 3, which covers common-password lists). No composition rules.
pub fn check_strength(password: &str, email: &str, names: &[&str]) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!(
            "Use at least {MIN_LENGTH} characters; a short phrase works well."
        ));
    }
    if length > MAX_LENGTH {
        return Err(format!("Use at most {MAX_LENGTH} characters."));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err("The password must not be your email address.".into());
    }
    let mut inputs: Vec<&str> = vec![email];
    inputs.extend(email.split(['@', '.']));
    inputs.extend(names.iter().copied().filter(|n| !n.is_empty()));
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if (estimate.score() as u8) < 3 {
        let warning = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(format!(
            "This password is too easy to guess{warning}. Add more words or make it less common."
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery staple").unwrap_or_default();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery staple", &a));
        assert!(!verify("correct horse battery stapler", &a));
        assert_ne!(a, hash("correct horse battery staple").unwrap_or_default());
    }

    #[test]
    fn strength_rules() {
        assert!(check_strength("short", "a@b.co", &[]).is_err());
        assert!(check_strength(&"x".repeat(129), "a@b.co", &[]).is_err());
        assert!(check_strength("password1234", "a@b.co", &[]).is_err());
        assert!(check_strength("someone@example.com", "someone@example.com", &[]).is_err());
        assert!(check_strength("lift shaft pulley orange", "a@b.co", &[]).is_ok());
    }
}
