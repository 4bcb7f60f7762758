//! Every environment variable SiteSync reads, with its default: printed by `sitesync --help`
//! and listed in docs/OPERATIONS.md (a test keeps both in step with `config.rs`).

pub struct Setting {
    pub name: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn setting(name: &'static str, default: &'static str, meaning: &'static str) -> Setting {
    Setting {
        name,
        default,
        meaning,
    }
}

pub const SETTINGS: &[Setting] = &[
    setting(
        "DATABASE_URL",
        "unset: a private cluster under the data dir",
        "PostgreSQL server to use",
    ),
    setting(
        "SITESYNC_BIND",
        "127.0.0.1:8080",
        "address the web server listens on",
    ),
    setting(
        "SITESYNC_PUBLIC_URL",
        "http:// + the bind address",
        "where people reach SiteSync, for links in emails, invitations and QR codes",
    ),
    setting(
        "SITESYNC_DATA_DIR",
        "./var",
        "private cluster, secret key, uploaded files, mail folder",
    ),
    setting(
        "SITESYNC_SECRET_KEY",
        "generated into <data dir>/secret.key",
        "signs cookies, derives keys; at least 32 characters",
    ),
    setting(
        "SITESYNC_POOL_SIZE",
        "10",
        "database connections per process",
    ),
    setting(
        "SITESYNC_POOL_TIMEOUT_SECS",
        "5",
        "wait for a free connection before answering 503",
    ),
    setting(
        "SITESYNC_STATEMENT_TIMEOUT_SECS",
        "5",
        "a request's statement running longer is cancelled and answered 503",
    ),
    setting(
        "SITESYNC_POOL_MAX_LIFETIME_SECS",
        "1800",
        "connections are recycled after this long",
    ),
    setting(
        "SITESYNC_POOL_IDLE_TIMEOUT_SECS",
        "300",
        "idle connections are closed after this long",
    ),
    setting(
        "SITESYNC_POOL_SCHEMAS_PER_CONNECTION",
        "100",
        "a connection that entered more organizations is replaced",
    ),
    setting(
        "SITESYNC_SECURE_COOKIES",
        "false",
        "true behind HTTPS: Secure cookies and HSTS",
    ),
    setting(
        "SITESYNC_SESSION_IDLE_MINUTES",
        "480",
        "a session unused this long ends",
    ),
    setting(
        "SITESYNC_SESSION_LIFETIME_HOURS",
        "336",
        "a session ends this long after sign-in",
    ),
    setting(
        "SITESYNC_TRUSTED_PROXIES",
        "none",
        "comma-separated proxy IPs whose X-Forwarded-For is believed",
    ),
    setting(
        "SITESYNC_PLATFORM_FEE_PERCENT",
        "5",
        "marketplace fee on each purchase, 0 to 50",
    ),
    setting(
        "SITESYNC_SMTP_URL",
        "unset: .eml files under <data dir>/mail/",
        "SMTP server for email (smtps://user:pass@host)",
    ),
    setting(
        "SITESYNC_MAIL_FROM",
        "SiteSync <no-reply@localhost>",
        "sender of every email",
    ),
    setting(
        "SITESYNC_WEBHOOK_ALLOW_PRIVATE",
        "false",
        "let webhooks reach private addresses and plain http://",
    ),
    setting(
        "SITESYNC_METRICS_BIND",
        "unset: no metrics",
        "separate address serving /metrics (Prometheus)",
    ),
    setting(
        "SITESYNC_LOG_FORMAT",
        "text",
        "text, or json for one JSON object per line",
    ),
    setting(
        "SITESYNC_SEED_PASSWORD",
        "bench-harbour-lifts-2026",
        "password of the accounts `sitesync seed` makes",
    ),
    setting(
        "RUST_LOG",
        "info",
        "log filter (e.g. sitesync=debug,actix_web=info)",
    ),
];

/// The settings as a block for `--help`.
pub fn help() -> String {
    let width = SETTINGS.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut text = String::from("Settings (environment variables):\n");
    for s in SETTINGS {
        text.push_str(&format!(
            "  {:<width$}  {}\n  {:<width$}  default: {}\n",
            s.name, s.meaning, "", s.default
        ));
    }
    text
}
