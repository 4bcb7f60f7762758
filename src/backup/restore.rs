//! Putting a backup back: into the private cluster of a fresh data directory or into an empty
//! `DATABASE_URL` database, never over data. Everything that can be checked is checked before
//! anything is written, and a failure midway leaves the target as it was.

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::manifest::{
    inside, io_at, list_files, Manifest, SecretKeySource, DATABASE_DIR, FILES_DIR, SECRET_KEY_FILE,
};
use super::tools::PgTools;
use super::{dump, fingerprint, key_is_in_data_dir, open_database, BackupError};
use crate::config::{Config, SecretKey};
use crate::db::bootstrap::Database;
use crate::storage;

pub struct RestoreReport {
    pub manifest: Manifest,
    /// Things the operator must do for everything to work (a secret key to set).
    pub warnings: Vec<String>,
}

/// Restores the backup in `from` into the installation `config` describes.
pub fn restore(config: &Config, from: &Path) -> Result<RestoreReport, BackupError> {
    let manifest = Manifest::read(from)?;
    manifest.check_migrations()?;
    manifest.verify(from)?;
    let store = storage::local_root(&config.data_dir);
    if let Some(first) = list_files(&store, FILES_DIR)?.first() {
        return Err(BackupError::TargetInUse(format!(
            "the data directory's file store already holds {first}"
        )));
    }
    // A fresh data directory gets its cluster made here; on failure it goes again, so the
    // directory is as fresh as it was.
    let fresh_cluster = config.database_url.is_none() && !config.pg_dir().exists();
    let staging = config.data_dir.join("files.restoring");
    let outcome = restore_into(config, from, manifest, &staging);
    if outcome.is_err() {
        let _ = fs::remove_dir_all(&staging);
        if fresh_cluster && !config.pg_dir().join("postmaster.pid").exists() {
            let _ = fs::remove_dir_all(config.pg_dir());
        }
    }
    outcome
}

fn restore_into(
    config: &Config,
    from: &Path,
    manifest: Manifest,
    staging: &Path,
) -> Result<RestoreReport, BackupError> {
    let database = open_database(config, "sitesync restore")?;
    let restored = restore_database(&database, from, &manifest, staging);
    database.close();
    restored?;
    let store = storage::local_root(&config.data_dir);
    // An empty store folder may exist (checked above); the staged one takes its place.
    let _ = fs::remove_dir(&store);
    if staging.exists() {
        fs::rename(staging, &store).map_err(io_at(&store))?;
    }
    let warnings = restore_key(config, from, &manifest)?;
    Ok(RestoreReport { manifest, warnings })
}

fn restore_database(
    database: &Database,
    from: &Path,
    manifest: &Manifest,
    staging: &Path,
) -> Result<(), BackupError> {
    let mut conn = database
        .db
        .get()
        .map_err(|e| BackupError::Connect(e.to_string()))?;
    let existing = existing_objects(&mut conn)?;
    drop(conn);
    if !existing.is_empty() {
        return Err(BackupError::TargetInUse(format!(
            "the database already holds {}",
            existing.join(", ")
        )));
    }
    stage_files(from, manifest, staging)?;
    let tools = PgTools::for_database(database)?;
    let scratch = std::env::temp_dir().join(format!("sitesync-restore-{}", std::process::id()));
    fs::create_dir_all(&scratch).map_err(io_at(&scratch))?;
    let restored = dump::restore(
        &tools,
        &database.url,
        &from.join(DATABASE_DIR),
        &manifest.organizations,
        &scratch,
    );
    let _ = fs::remove_dir_all(&scratch);
    restored
}

/// Up to three tables, views or sequences, or schemas of ours, already in the target.
fn existing_objects(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let names = diesel::sql_query(
        "(SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c \
          JOIN pg_namespace n ON n.oid = c.relnamespace \
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
            AND n.nspname NOT LIKE 'pg\\_%' \
          ORDER BY 1 LIMIT 3) \
         UNION ALL \
         (SELECT format('schema %I', nspname) FROM pg_namespace \
          WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%' \
          ORDER BY 1 LIMIT 3)",
    )
    .load::<Name>(conn)?;
    Ok(names.into_iter().map(|n| n.name).take(3).collect())
}

/// Copies the backup's store files next to the store, checking each copy's checksum.
fn stage_files(from: &Path, manifest: &Manifest, staging: &Path) -> Result<(), BackupError> {
    if staging.exists() {
        // Left by a restore that was killed; nothing but a restore writes there.
        fs::remove_dir_all(staging).map_err(io_at(staging))?;
    }
    for (key, expected) in manifest.files_under(FILES_DIR) {
        let source = inside(from, &format!("{FILES_DIR}/{key}"))?;
        let target: PathBuf = inside(staging, key)?;
        if super::manifest::copy_hashing(&source, &target)? != expected {
            return Err(BackupError::ChecksumMismatch(format!("{FILES_DIR}/{key}")));
        }
    }
    Ok(())
}

/// Puts the backup's key in place of the new data directory's, or says which key to set:
/// site access codes and webhook secrets were sealed with it.
fn restore_key(
    config: &Config,
    from: &Path,
    manifest: &Manifest,
) -> Result<Vec<String>, BackupError> {
    let mut warnings = Vec::new();
    match &manifest.secret_key {
        SecretKeySource::File => {
            let source = from.join(SECRET_KEY_FILE);
            let key = fs::read(&source).map_err(io_at(&source))?;
            if key_is_in_data_dir(config) {
                let target = config.data_dir.join(SECRET_KEY_FILE);
                let partial = config.data_dir.join("secret.key.restoring");
                let _ = fs::remove_file(&partial);
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&partial)
                    .map_err(io_at(&partial))?;
                std::io::Write::write_all(&mut file, &key).map_err(io_at(&partial))?;
                fs::rename(&partial, &target).map_err(io_at(&target))?;
            } else if fingerprint(&SecretKey(key)) != fingerprint(&config.secret_key) {
                warnings.push(format!(
                    "SITESYNC_SECRET_KEY differs from the key in the backup ({}): site access \
                     codes and webhook secrets can only be read with the backup's key",
                    source.display()
                ));
            }
        }
        SecretKeySource::Environment {
            fingerprint: expected,
        } => {
            if *expected != fingerprint(&config.secret_key) {
                warnings.push(
                    "the backup was made with SITESYNC_SECRET_KEY set: set it to the same value \
                     here, or site access codes and webhook secrets cannot be read"
                        .to_string(),
                );
            }
        }
    }
    Ok(warnings)
}
