//! Organization slugs and the schema and role names built from them.
//!
//! Names that reach SQL as identifiers are built only from a validated slug, and the only
//! place they are spliced into SQL text is [`quote_ident`]; everything else is a bind value.

use rand::Rng;

/// Names an organization may not take: they clash with PostgreSQL's own schemas or with
/// top-level paths of the site.
const RESERVED: &[&str] = &[
    "public",
    "information_schema",
    "admin",
    "api",
    "static",
    "www",
    "app",
    "assets",
    "auth",
    "account",
    "accounts",
    "login",
    "logout",
    "signin",
    "signout",
    "signup",
    "settings",
    "forum",
    "marketplace",
    "jobs",
    "people",
    "healthz",
    "help",
    "org",
    "orgs",
    "root",
    "postgres",
    "sitesync",
    "system",
    "template0",
    "template1",
    "default",
    "new",
    "null",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error(
        "use 2 to 41 characters: lower-case letters, digits and underscores, starting with a letter"
    )]
    Format,
    #[error("“{0}” is reserved; please choose another")]
    Reserved(String),
}

/// A slug that passed validation: `^[a-z][a-z0-9_]{1,40}$` and not reserved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, SlugError> {
        let well_formed = (2..=41).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(SlugError::Format);
        }
        if raw.starts_with("pg_") || RESERVED.contains(&raw) {
            return Err(SlugError::Reserved(raw.to_string()));
        }
        Ok(Slug(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn schema_name(&self) -> String {
        format!("org_{}", self.0)
    }

    /// Roles belong to the whole cluster, while organizations belong to one database: a random
    /// suffix keeps two databases on one cluster (tests, staging) from claiming the same role.
    pub fn new_role_name(&self) -> String {
        let suffix: u32 = rand::thread_rng().gen();
        format!("org_{}_{:08x}", self.0, suffix)
    }
}

/// Suggests a slug from an organization's name ("Acme Lifts Pty" → "acme_lifts_pty").
pub fn suggest(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug = slug.trim_matches('_');
    let slug = slug.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    slug.chars()
        .take(41)
        .collect::<String>()
        .trim_end_matches('_')
        .to_string()
}

fn is_org_identifier(name: &str) -> bool {
    name.strip_prefix("org_")
        .is_some_and(|rest| !rest.is_empty() && rest.len() <= 50)
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Quotes a schema or role name of ours as an SQL identifier; `None` for anything else.
pub fn quote_ident(name: &str) -> Option<String> {
    is_org_identifier(name).then(|| format!("\"{name}\""))
}

/// The transaction-local search_path for an org schema: its tables first, then public.
pub fn search_path(schema_name: &str) -> Option<String> {
    quote_ident(schema_name).map(|quoted| format!("{quoted}, public"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("acme").is_ok());
        assert!(Slug::parse("a1_b").is_ok());
        for bad in [
            "ACME",
            "acme;drop",
            "..",
            "1abc",
            "a",
            "",
            &"a".repeat(42),
            "café",
        ] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Format), "{bad}");
        }
        for reserved in ["public", "pg_catalog", "admin", "information_schema"] {
            assert!(matches!(Slug::parse(reserved), Err(SlugError::Reserved(_))));
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("Acme Lifts Pty. Ltd."), "acme_lifts_pty_ltd");
        assert_eq!(suggest("  42 Towers "), "towers");
        assert_eq!(suggest("Émile & Co"), "mile_co");
    }

    #[test]
    fn identifiers_are_checked_before_quoting() {
        assert_eq!(quote_ident("org_acme").as_deref(), Some("\"org_acme\""));
        assert_eq!(quote_ident("org_a\"; drop"), None);
        assert_eq!(quote_ident("public"), None);
        assert_eq!(
            search_path("org_acme").as_deref(),
            Some("\"org_acme\", public")
        );
    }
}
