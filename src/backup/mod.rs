//! Whole-installation backups: the database (`pg_dump` in directory format), the file store,
//! the secret key when it lives in the data directory, and a manifest with versions and the
//! SHA-256 of every file. [`restore`] puts one back into an empty target only.
//!
//! Layout of a backup folder:
//! ```text
//! manifest.json   versions, organizations' roles, checksums
//! database/       the pg_dump directory archive
//! files/          the file store, key by key
//! secret.key      when the key is the data directory's (not SITESYNC_SECRET_KEY)
//! ```

pub mod dump;
pub mod manifest;
pub mod restore;
pub mod tools;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::config::{Config, SecretKey};
use crate::db::bootstrap::{BootstrapError, Database};
use crate::db::PoolOptions;
use crate::storage;
use manifest::{
    copy_hashing, io_at, list_files, sha256_file, Manifest, SecretKeySource, DATABASE_DIR,
    FILES_DIR, FORMAT, SECRET_KEY_FILE,
};
use tools::{PgTools, ToolError};

pub use restore::{restore, RestoreReport};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not empty: back up into a new or empty folder")]
    TargetNotEmpty(PathBuf),
    #[error(
        "there is nothing to back up: DATABASE_URL is unset and {0} holds no database \
         (set SITESYNC_DATA_DIR to the data directory you mean)"
    )]
    NothingToBackUp(PathBuf),
    #[error(
        "the target is not empty ({0}); restore only into a fresh data directory or an \
         empty database"
    )]
    TargetInUse(String),
    #[error("{0} is missing from the backup")]
    Missing(String),
    #[error("checksum mismatch: {0} is not the file that was backed up (damaged or changed)")]
    ChecksumMismatch(String),
    #[error("{0} is in the backup folder but not in its manifest")]
    Unlisted(String),
    #[error("{0} cannot be read: {1}")]
    Manifest(PathBuf, String),
    #[error(
        "the backup needs a newer SiteSync: its {schema} schema is at migration {backup}, but \
         SiteSync {version} knows migrations up to {known} only"
    )]
    NewerSchema {
        schema: &'static str,
        backup: String,
        known: String,
        version: &'static str,
    },
    #[error("reading the embedded migrations: {0}")]
    Migrations(String),
    #[error("{tool} failed: {detail}")]
    ToolFailed { tool: &'static str, detail: String },
    #[error(transparent)]
    Tool(#[from] ToolError),
    #[error(transparent)]
    Open(#[from] BootstrapError),
    #[error("could not connect to PostgreSQL: {0}")]
    Connect(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Backs up the installation `config` describes into `to`, which must be empty or new. On
/// failure, what was written into `to` is removed again.
pub fn backup(config: &Config, to: &Path) -> Result<Manifest, BackupError> {
    if config.database_url.is_none() && !config.pg_dir().join("PG_VERSION").is_file() {
        return Err(BackupError::NothingToBackUp(config.pg_dir()));
    }
    let created = prepare_target(to)?;
    let outcome = open_database(config, "sitesync backup").and_then(|database| {
        let written = write_backup(config, &database, to);
        database.close();
        written
    });
    if outcome.is_err() {
        discard(to, created);
    }
    outcome
}

fn write_backup(config: &Config, database: &Database, to: &Path) -> Result<Manifest, BackupError> {
    let tools = PgTools::for_database(database)?;
    let facts = dump::dump(&tools, &database.url, &to.join(DATABASE_DIR))?;
    let mut files = BTreeMap::new();
    for name in list_files(&to.join(DATABASE_DIR), DATABASE_DIR)? {
        let path = to.join(&name);
        files.insert(name, sha256_file(&path).map_err(io_at(&path))?);
    }
    // After the dump: a file is stored before the row naming it commits, so every file the
    // dumped rows name is already there.
    let store = storage::local_root(&config.data_dir);
    for name in list_files(&store, FILES_DIR)? {
        let Some(key) = name
            .strip_prefix(FILES_DIR)
            .map(|k| k.trim_start_matches('/'))
        else {
            continue;
        };
        // A store write in progress (`LocalStore::put`); its finished file is a later key.
        if key.ends_with(".partial") {
            continue;
        }
        let sum = copy_hashing(&store.join(key), &to.join(&name))?;
        files.insert(name, sum);
    }
    let secret_key = if key_is_in_data_dir(config) {
        let sum = copy_hashing(
            &config.data_dir.join(SECRET_KEY_FILE),
            &to.join(SECRET_KEY_FILE),
        )?;
        files.insert(SECRET_KEY_FILE.to_string(), sum);
        SecretKeySource::File
    } else {
        SecretKeySource::Environment {
            fingerprint: fingerprint(&config.secret_key),
        }
    };
    let manifest = Manifest {
        format: FORMAT,
        sitesync_version: env!("CARGO_PKG_VERSION").to_string(),
        postgresql_version: facts.server.text,
        postgresql_version_num: facts.server.num,
        platform_migration: facts.platform_migration,
        organization_migration: facts.organization_migration,
        organizations: facts.organizations,
        secret_key,
        created_at: chrono::Utc::now(),
        files,
    };
    // Written last: a folder without a manifest is an unfinished backup.
    manifest.write(to)?;
    Ok(manifest)
}

/// Makes `dir` (readable by its owner only: it holds every organization's data and maybe the
/// key) or accepts it empty; returns whether it was made here.
fn prepare_target(dir: &Path) -> Result<bool, BackupError> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::TargetNotEmpty(dir.to_path_buf()));
            }
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_at(dir))?;
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_at(dir))?;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_at(dir))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(BackupError::TargetNotEmpty(dir.to_path_buf()))
        }
        Err(e) => Err(io_at(dir)(e)),
    }
}

/// Removes a failed backup's files: the folder when it was made here, else its contents.
fn discard(dir: &Path, created: bool) {
    if created {
        let _ = fs::remove_dir_all(dir);
        return;
    }
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let _ = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
    }
}

/// One connection is all a backup or restore uses itself; the tools open their own.
fn open_database(config: &Config, name: &'static str) -> Result<Database, BackupError> {
    let options = PoolOptions {
        size: 1,
        ..PoolOptions::from_config(config, name)
    };
    Ok(Database::open(config, options)?)
}

/// True when the key in use is the data directory's `secret.key`, not `SITESYNC_SECRET_KEY`.
fn key_is_in_data_dir(config: &Config) -> bool {
    fs::read(config.data_dir.join(SECRET_KEY_FILE)).is_ok_and(|key| key == config.secret_key.0)
}

/// Tells two keys apart without revealing either (HKDF output says nothing of its input).
fn fingerprint(key: &SecretKey) -> String {
    hex::encode(&key.derive("backup key fingerprint")[..8])
}
