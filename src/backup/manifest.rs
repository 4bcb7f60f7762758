//! `manifest.json`: what a backup holds (versions, the organizations' roles) and the SHA-256
//! of every file in it, so a restore can refuse a damaged or too-new backup before it writes
//! anything.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, Utc};
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_migrations::EmbeddedMigrations;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BackupError;
use crate::db::migrations::{ORG, PUBLIC};

pub const MANIFEST: &str = "manifest.json";
/// Raised when the layout of a backup changes in a way older restores cannot read.
pub const FORMAT: u32 = 1;
/// Where the `pg_dump` directory archive sits inside a backup.
pub const DATABASE_DIR: &str = "database";
/// Where the file store's files sit inside a backup.
pub const FILES_DIR: &str = "files";
/// The data directory's key file, kept when the key is not given by `SITESYNC_SECRET_KEY`.
pub const SECRET_KEY_FILE: &str = "secret.key";

/// An organization's schema and the role its pages run as; pg_dump does not dump roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRole {
    pub schema: String,
    pub role: String,
}

/// Where the secret key that sealed the backup's encrypted values (site access codes, webhook
/// secrets) is: in the backup, or only in the environment of the backed-up installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum SecretKeySource {
    /// `secret.key` is in the backup.
    File,
    /// `SITESYNC_SECRET_KEY` was set; the fingerprint tells whether a target has the same key.
    Environment { fingerprint: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub sitesync_version: String,
    pub postgresql_version: String,
    pub postgresql_version_num: u32,
    /// The latest migration applied to the platform tables.
    pub platform_migration: Option<String>,
    /// The latest migration applied to any organization schema.
    pub organization_migration: Option<String>,
    pub organizations: Vec<OrganizationRole>,
    pub secret_key: SecretKeySource,
    pub created_at: DateTime<Utc>,
    /// Every file of the backup but this one, by its path inside the backup, with its SHA-256.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn write(&self, dir: &Path) -> Result<(), BackupError> {
        let path = dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| BackupError::Manifest(path.clone(), e.to_string()))?;
        fs::write(&path, json).map_err(io_at(&path))
    }

    pub fn read(dir: &Path) -> Result<Manifest, BackupError> {
        let path = dir.join(MANIFEST);
        let bytes = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::Missing(MANIFEST.into()))
            }
            other => other.map_err(io_at(&path))?,
        };
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| BackupError::Manifest(path.clone(), e.to_string()))?;
        if manifest.format != FORMAT {
            return Err(BackupError::Manifest(
                path,
                format!(
                    "backup format {} cannot be read by SiteSync {} (it reads format {FORMAT})",
                    manifest.format,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        Ok(manifest)
    }

    /// Every listed file is present with its checksum, and nothing unlisted sits in the
    /// database archive or the files folder (a file left over from another backup).
    pub fn verify(&self, dir: &Path) -> Result<(), BackupError> {
        let toc = format!("{DATABASE_DIR}/toc.dat");
        if !self.files.contains_key(&toc) {
            return Err(BackupError::Missing(toc));
        }
        for (name, expected) in &self.files {
            let path = inside(dir, name)?;
            let actual = match sha256_file(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(BackupError::Missing(name.clone()))
                }
                other => other.map_err(io_at(&path))?,
            };
            if &actual != expected {
                return Err(BackupError::ChecksumMismatch(name.clone()));
            }
        }
        if self.secret_key == SecretKeySource::File && !self.files.contains_key(SECRET_KEY_FILE) {
            return Err(BackupError::Missing(SECRET_KEY_FILE.into()));
        }
        for folder in [DATABASE_DIR, FILES_DIR] {
            for name in list_files(&dir.join(folder), folder)? {
                if !self.files.contains_key(&name) {
                    return Err(BackupError::Unlisted(name));
                }
            }
        }
        Ok(())
    }

    /// The bytes of the files listed, as they are in `dir`.
    pub fn size(&self, dir: &Path) -> u64 {
        self.files
            .keys()
            .filter_map(|name| fs::metadata(dir.join(name)).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Refuses a backup made by a SiteSync whose migrations this binary does not know.
    pub fn check_migrations(&self) -> Result<(), BackupError> {
        check_known("platform", self.platform_migration.as_deref(), &PUBLIC)?;
        check_known("organization", self.organization_migration.as_deref(), &ORG)
    }

    /// The files of the backup under `folder` (`files`), with their paths below it.
    pub fn files_under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.files.iter().filter_map(move |(name, sum)| {
            let rest = name.strip_prefix(folder)?.strip_prefix('/')?;
            Some((rest, sum.as_str()))
        })
    }
}

fn check_known(
    schema: &'static str,
    applied: Option<&str>,
    known: &EmbeddedMigrations,
) -> Result<(), BackupError> {
    let Some(applied) = applied else {
        return Ok(());
    };
    let versions: Vec<String> = MigrationSource::<Pg>::migrations(known)
        .map_err(|e| BackupError::Migrations(e.to_string()))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    if versions.iter().any(|v| v == applied) {
        return Ok(());
    }
    // Versions are timestamps of equal length, so text order is time order.
    let latest = versions
        .into_iter()
        .max_by(|a, b| (a.len(), a).cmp(&(b.len(), b)))
        .unwrap_or_default();
    Err(BackupError::NewerSchema {
        schema,
        backup: applied.to_string(),
        known: latest,
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// `name` (a path inside a backup, `/`-separated) under `dir`, refusing any name that would
/// leave it: a manifest is read before anything in it is trusted.
pub fn inside(dir: &Path, name: &str) -> Result<PathBuf, BackupError> {
    let relative = Path::new(name);
    let plain = !name.is_empty()
        && !name.contains('\\')
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(dir.join(relative))
    } else {
        Err(BackupError::Unlisted(name.to_string()))
    }
}

pub fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Io { path, source }
}

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Copies `from` to `to` (made with mode 0600) and returns the SHA-256 of what was copied,
/// read once.
pub fn copy_hashing(from: &Path, to: &Path) -> Result<String, BackupError> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    let mut source = fs::File::open(from).map_err(io_at(from))?;
    let mut target = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(io_at(to))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = source.read(&mut buffer).map_err(io_at(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        target.write_all(&buffer[..n]).map_err(io_at(to))?;
    }
    target.sync_all().map_err(io_at(to))?;
    Ok(hex::encode(hasher.finalize()))
}

/// The regular files under `root`, as `prefix/relative/path`; a missing folder has none.
/// Symbolic links are not followed (the store never makes them).
pub fn list_files(root: &Path, prefix: &str) -> Result<Vec<String>, BackupError> {
    let mut found = Vec::new();
    let mut pending = vec![(root.to_path_buf(), prefix.to_string())];
    while let Some((dir, name)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            other => other.map_err(io_at(&dir))?,
        };
        for entry in entries {
            let entry = entry.map_err(io_at(&dir))?;
            let kind = entry.file_type().map_err(io_at(&entry.path()))?;
            let child = format!("{name}/{}", entry.file_name().to_string_lossy());
            if kind.is_dir() {
                pending.push((entry.path(), child));
            } else if kind.is_file() {
                found.push(child);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_backup() {
        let dir = Path::new("/backups/b1");
        assert!(inside(dir, "files/listings/a.jpg").is_ok());
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "files/../../x",
            "",
            "a\\b",
            "./x",
        ] {
            assert!(inside(dir, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn migrations_newer_than_the_binary_are_named() {
        assert!(check_known("platform", None, &PUBLIC).is_ok());
        let error = check_known("platform", Some("99991231000000"), &PUBLIC)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("99991231000000"), "{error}");
        assert!(error.contains("platform"), "{error}");
    }
}
