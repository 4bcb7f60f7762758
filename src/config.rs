//! All settings, read once from environment variables with safe defaults.
//! Each variable is documented where it is read and listed in the README.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bigdecimal::BigDecimal;
use rand::RngCore;

#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`: use this server; when unset, a private cluster is started under the data dir.
    pub database_url: Option<String>,
    /// `SITESYNC_BIND`: address the web server listens on.
    pub bind: String,
    /// `SITESYNC_PUBLIC_URL`: where people reach SiteSync (`https://lifts.example.com`), for
    /// every link handed out (invitations, QR codes, emails). Never taken from a request's
    /// `Host` or forwarding headers, which anyone can send. When unset, `http://` + the bind
    /// address is used and a warning logged at start-up.
    pub public_url: Option<String>,
    /// `SITESYNC_DATA_DIR`: the embedded cluster (`pg/`), the secret key file and uploaded files.
    pub data_dir: PathBuf,
    /// `SITESYNC_SECRET_KEY`: signs cookies and derives encryption keys. Never printed.
    pub secret_key: SecretKey,
    /// `SITESYNC_POOL_SIZE`: maximum database connections held by this process.
    pub pool_size: u32,
    /// `SITESYNC_POOL_TIMEOUT_SECS`: how long a request waits for a free connection before a 503.
    pub pool_timeout: Duration,
    /// `SITESYNC_STATEMENT_TIMEOUT_SECS`: a statement of a request running longer is cancelled
    /// and the request answered 503, so one slow query cannot hold a connection for long.
    pub statement_timeout: Duration,
    /// `SITESYNC_POOL_MAX_LIFETIME_SECS`: connections are recycled after this long, which drops
    /// the per-schema catalog caches a connection gathers while serving many organizations.
    pub pool_max_lifetime: Duration,
    /// `SITESYNC_POOL_IDLE_TIMEOUT_SECS`: idle connections are closed after this long.
    pub pool_idle_timeout: Duration,
    /// `SITESYNC_POOL_SCHEMAS_PER_CONNECTION`: a connection that has entered more organization
    /// schemas than this is replaced, which bounds PostgreSQL's memory (`db::connection`).
    pub pool_schemas_per_connection: usize,
    /// `SITESYNC_SECURE_COOKIES`: set to `true` when served over HTTPS: cookies get `Secure` and
    /// the `__Host-` prefix, and responses carry HSTS.
    pub secure_cookies: bool,
    /// `SITESYNC_SESSION_IDLE_MINUTES`: a session unused this long ends.
    pub session_idle: Duration,
    /// `SITESYNC_SESSION_LIFETIME_HOURS`: a session ends this long after sign-in, used or not.
    pub session_lifetime: Duration,
    /// `SITESYNC_TRUSTED_PROXIES`: comma-separated proxy IPs whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// `SITESYNC_PLATFORM_FEE_PERCENT`: the marketplace's fee on each purchase's subtotal, in
    /// percent (0 to 50, up to two decimals). Money, so never a float.
    pub platform_fee_percent: BigDecimal,
    /// `SITESYNC_SMTP_URL`: the SMTP server email goes to (`smtps://user:pass@host`,
    /// `smtp://host:587?tls=required`). When unset, messages are written as `.eml` files under
    /// `<data dir>/mail/` and shown at `/admin/mail`.
    pub smtp_url: Option<String>,
    /// `SITESYNC_MAIL_FROM`: the sender of every email (`SiteSync <no-reply@example.com>`).
    pub mail_from: lettre::message::Mailbox,
    /// `SITESYNC_WEBHOOK_ALLOW_PRIVATE`: set to `1` (or `true`) to let webhooks reach private,
    /// loopback and link-local addresses, and plain `http://` URLs (a test or an intranet
    /// install). Off by default: an administrator's URL must not reach into the server's own
    /// network (cloud metadata, the database, internal services).
    pub webhook_allow_private: bool,
    /// `SITESYNC_METRICS_BIND`: the separate address (`127.0.0.1:9100`) that serves `/metrics`
    /// in the Prometheus text format. Unset, there are no metrics; they are never served on the
    /// public address, whose visitors must not see the platform's traffic and queues.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// `SITESYNC_LOG_FORMAT`: `text` (the default, for people) or `json` (one object per line,
    /// for a log collector).
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Key material; `Debug` is deliberately not derived so it cannot end up in a log line.
#[derive(Clone)]
pub struct SecretKey(pub Vec<u8>);

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            reason: format!("{raw:?} could not be read"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(var("SITESYNC_DATA_DIR").unwrap_or_else(|| "./var".into()));
        fs::create_dir_all(&data_dir).map_err(|source| ConfigError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(|source| ConfigError::DataDir {
                path: data_dir.clone(),
                source,
            })?;
        let secret_key = match var("SITESYNC_SECRET_KEY") {
            Some(key) if key.len() >= 32 => SecretKey(key.into_bytes()),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "SITESYNC_SECRET_KEY",
                    reason: "it must be at least 32 characters long".into(),
                })
            }
            None => load_or_create_key(&data_dir.join("secret.key")).map_err(|source| {
                ConfigError::DataDir {
                    path: data_dir.clone(),
                    source,
                }
            })?,
        };
        let secs = |name, default| parse_var(name, default).map(Duration::from_secs);
        let bind = var("SITESYNC_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let metrics_bind = parse_metrics_bind(var("SITESYNC_METRICS_BIND").as_deref())?;
        if metrics_bind.is_some() && bind.trim().parse().ok() == metrics_bind {
            return Err(ConfigError::Invalid {
                name: "SITESYNC_METRICS_BIND",
                reason: "it must differ from SITESYNC_BIND: metrics are never served publicly"
                    .into(),
            });
        }
        Ok(Config {
            database_url: var("DATABASE_URL"),
            bind,
            public_url: parse_public_url(var("SITESYNC_PUBLIC_URL").as_deref())?,
            data_dir,
            secret_key,
            pool_size: parse_var("SITESYNC_POOL_SIZE", 10u32)?.max(1),
            pool_timeout: secs("SITESYNC_POOL_TIMEOUT_SECS", 5)?,
            statement_timeout: secs("SITESYNC_STATEMENT_TIMEOUT_SECS", 5)?
                .max(Duration::from_secs(1)),
            pool_max_lifetime: secs("SITESYNC_POOL_MAX_LIFETIME_SECS", 30 * 60)?,
            pool_idle_timeout: secs("SITESYNC_POOL_IDLE_TIMEOUT_SECS", 5 * 60)?,
            pool_schemas_per_connection: parse_var(
                "SITESYNC_POOL_SCHEMAS_PER_CONNECTION",
                100usize,
            )?
            .max(1),
            secure_cookies: parse_var("SITESYNC_SECURE_COOKIES", false)?,
            session_idle: Duration::from_secs(
                60 * parse_var("SITESYNC_SESSION_IDLE_MINUTES", 8 * 60u64)?,
            ),
            session_lifetime: Duration::from_secs(
                3600 * parse_var("SITESYNC_SESSION_LIFETIME_HOURS", 14 * 24u64)?,
            ),
            trusted_proxies: parse_proxies(var("SITESYNC_TRUSTED_PROXIES").as_deref())?,
            platform_fee_percent: parse_fee_percent(
                var("SITESYNC_PLATFORM_FEE_PERCENT").as_deref(),
            )?,
            smtp_url: parse_smtp_url(var("SITESYNC_SMTP_URL"))?,
            mail_from: parse_mail_from(var("SITESYNC_MAIL_FROM").as_deref())?,
            webhook_allow_private: parse_flag(
                "SITESYNC_WEBHOOK_ALLOW_PRIVATE",
                var("SITESYNC_WEBHOOK_ALLOW_PRIVATE").as_deref(),
            )?,
            metrics_bind,
            log_format: parse_log_format(var("SITESYNC_LOG_FORMAT").as_deref())?,
        })
    }

    pub fn pg_dir(&self) -> PathBuf {
        self.data_dir.join("pg")
    }

    /// The base of links handed out: `SITESYNC_PUBLIC_URL`, else the bind address.
    pub fn link_base(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }
}

/// `http(s)://host[:port][/prefix]`, without a trailing slash; anything else is refused at
/// start-up rather than printed into every link.
fn parse_public_url(raw: Option<&str>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw.map(str::trim) else {
        return Ok(None);
    };
    let invalid = |reason: &str| ConfigError::Invalid {
        name: "SITESYNC_PUBLIC_URL",
        reason: format!("{raw:?}: {reason}"),
    };
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or_else(|| invalid("start it with https:// (or http://)"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let well_formed = !host.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._:/[]".contains(c));
    if !well_formed {
        return Err(invalid(
            "use a plain address such as https://lifts.example.com",
        ));
    }
    Ok(Some(raw.trim_end_matches('/').to_string()))
}

fn parse_smtp_url(raw: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    match lettre::SmtpTransport::from_url(raw.trim()) {
        Ok(_) => Ok(Some(raw.trim().to_string())),
        // The URL may hold a password: only the reason is shown.
        Err(e) => Err(ConfigError::Invalid {
            name: "SITESYNC_SMTP_URL",
            reason: format!(
                "it cannot be used ({e}); use smtp://host:port or smtps://user:password@host"
            ),
        }),
    }
}

/// The sender; by default `SiteSync <no-reply@localhost>`.
pub fn parse_mail_from(raw: Option<&str>) -> Result<lettre::message::Mailbox, ConfigError> {
    raw.unwrap_or("SiteSync <no-reply@localhost>")
        .trim()
        .parse()
        .map_err(|e| ConfigError::Invalid {
            name: "SITESYNC_MAIL_FROM",
            reason: format!("{raw:?}: {e}; use an address such as SiteSync <no-reply@example.com>"),
        })
}

/// `1`/`true`/`yes` or `0`/`false`/`no`; unset is `false`.
fn parse_flag(name: &'static str, raw: Option<&str>) -> Result<bool, ConfigError> {
    match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(ConfigError::Invalid {
            name,
            reason: format!("{other:?}: use 1 or 0"),
        }),
    }
}

/// An IP address and port; unset means no metrics at all.
fn parse_metrics_bind(raw: Option<&str>) -> Result<Option<std::net::SocketAddr>, ConfigError> {
    raw.map(str::trim)
        .map(|raw| {
            raw.parse().map_err(|_| ConfigError::Invalid {
                name: "SITESYNC_METRICS_BIND",
                reason: format!("{raw:?}: use an IP address and port such as 127.0.0.1:9100"),
            })
        })
        .transpose()
}

/// `text` (the default) or `json`.
fn parse_log_format(raw: Option<&str>) -> Result<LogFormat, ConfigError> {
    match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        None | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(ConfigError::Invalid {
            name: "SITESYNC_LOG_FORMAT",
            reason: format!("{other:?}: use text or json"),
        }),
    }
}

fn parse_proxies(raw: Option<&str>) -> Result<Vec<IpAddr>, ConfigError> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| ConfigError::Invalid {
                name: "SITESYNC_TRUSTED_PROXIES",
                reason: format!("{s:?} is not an IP address"),
            })
        })
        .collect()
}

/// The default fee, 5 %, when unset; refuses negative, absurd or over-precise values.
fn parse_fee_percent(raw: Option<&str>) -> Result<BigDecimal, ConfigError> {
    let Some(raw) = raw else {
        return Ok(BigDecimal::from(5));
    };
    let invalid = |reason: &str| ConfigError::Invalid {
        name: "SITESYNC_PLATFORM_FEE_PERCENT",
        reason: format!("{raw:?}: {reason}"),
    };
    let value: BigDecimal = raw.trim().parse().map_err(|_| invalid("not a number"))?;
    let (lowest, highest) = (BigDecimal::from(0), BigDecimal::from(50));
    if !(lowest..=highest).contains(&value) {
        return Err(invalid("use a percentage from 0 to 50"));
    }
    if value.normalized().fractional_digit_count() > 2 {
        return Err(invalid("use at most two decimals"));
    }
    Ok(value)
}

/// Generates a 64-byte key on first start and keeps it (mode 0600) so sessions survive restarts.
fn load_or_create_key(path: &Path) -> std::io::Result<SecretKey> {
    if let Ok(existing) = fs::read(path) {
        if existing.len() >= 64 {
            return Ok(SecretKey(existing));
        }
    }
    let mut key = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut key);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(&key)?;
    Ok(SecretKey(key))
}

impl SecretKey {
    /// A 32-byte key for one purpose, derived with HKDF-SHA256, so one secret serves cookies,
    /// encryption and anything else without the keys being related.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut key = [0u8; 32];
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"sitesync"), &self.0);
        // 32 bytes is far below HKDF's limit of 255 × 32, so expand cannot fail.
        let _ = hkdf.expand(purpose.as_bytes(), &mut key);
        key
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_log_format, parse_metrics_bind, parse_public_url, LogFormat};

    #[test]
    fn metrics_are_off_unless_an_address_is_given() {
        assert_eq!(parse_metrics_bind(None).ok(), Some(None));
        assert_eq!(
            parse_metrics_bind(Some("127.0.0.1:9100")).ok().flatten(),
            "127.0.0.1:9100".parse().ok()
        );
        for bad in ["9100", "localhost", "127.0.0.1"] {
            assert!(parse_metrics_bind(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn logs_are_text_unless_json_is_asked_for() {
        assert_eq!(parse_log_format(None).ok(), Some(LogFormat::Text));
        assert_eq!(parse_log_format(Some("JSON")).ok(), Some(LogFormat::Json));
        let refused = parse_log_format(Some("yaml")).err().map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("SITESYNC_LOG_FORMAT")));
    }

    #[test]
    fn public_urls_are_plain_http_addresses() {
        assert_eq!(
            parse_public_url(Some("https://lifts.example.com/")).ok(),
            Some(Some("https://lifts.example.com".into()))
        );
        assert_eq!(parse_public_url(None).ok(), Some(None));
        for bad in [
            "javascript://evil.example/%0aalert(1)",
            "lifts.example.com",
            "https://",
            "https://a b",
            "https://x\"onmouseover=",
        ] {
            assert!(parse_public_url(Some(bad)).is_err(), "{bad}");
        }
    }
}
