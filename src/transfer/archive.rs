//! The archive file: a zip of named entries and a manifest that lists each entry's SHA-256,
//! so an import can tell a damaged or altered archive before it changes anything.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::TransferError;

pub const MANIFEST: &str = "manifest.json";

/// What the organization's role may do with each table and sequence of its schema.
pub const PRIVILEGES: &str = "privileges.json";

/// The archive layout this build writes and reads; a later layout gets a higher number.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub sitesync_version: String,
    /// The newest migration applied to the organization's schema when it was dumped.
    pub org_migration: String,
    /// The newest platform migration of the exporting installation.
    pub public_migration: String,
    pub exported_at: DateTime<Utc>,
    pub organization: ExportedOrganization,
    /// Every other entry of the archive, by name.
    pub entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportedOrganization {
    pub id: uuid::Uuid,
    pub slug: String,
    pub name: String,
    pub schema_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub sha256: String,
    pub bytes: u64,
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a zip beside its destination and moves it into place when complete, so a failed
/// export leaves no partial file under the name asked for.
pub struct ArchiveWriter {
    zip: ZipWriter<File>,
    partial: PathBuf,
    destination: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl ArchiveWriter {
    pub fn create(destination: &Path) -> Result<ArchiveWriter, TransferError> {
        let mut partial = destination.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|e| TransferError::io(&partial, e))?;
        Ok(ArchiveWriter {
            zip: ZipWriter::new(file),
            partial,
            destination: destination.to_path_buf(),
            entries: BTreeMap::new(),
        })
    }

    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), TransferError> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(bytes.len() >= u32::MAX as usize);
        self.zip.start_file(name, options)?;
        self.zip
            .write_all(bytes)
            .map_err(|e| TransferError::io(&self.partial, e))?;
        self.entries.insert(
            name.to_string(),
            Entry {
                sha256: sha256(bytes),
                bytes: bytes.len() as u64,
            },
        );
        Ok(())
    }

    /// The entries written so far, for the manifest.
    pub fn entries(&self) -> &BTreeMap<String, Entry> {
        &self.entries
    }

    /// Adds `manifest` (if any) and moves the finished file into place.
    pub fn finish(mut self, manifest: Option<&Manifest>) -> Result<(), TransferError> {
        if let Some(manifest) = manifest {
            let json = serde_json::to_vec_pretty(manifest)?;
            self.zip
                .start_file(MANIFEST, SimpleFileOptions::default())?;
            self.zip
                .write_all(&json)
                .map_err(|e| TransferError::io(&self.partial, e))?;
        }
        let file = self.zip.finish()?;
        file.sync_all()
            .map_err(|e| TransferError::io(&self.partial, e))?;
        std::fs::rename(&self.partial, &self.destination)
            .map_err(|e| TransferError::io(&self.destination, e))
    }

    /// Removes the partial file after a failure.
    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// An archive read whole and checked against its manifest.
pub struct Archive {
    pub manifest: Manifest,
    entries: HashMap<String, Vec<u8>>,
}

impl Archive {
    pub fn open(path: &Path) -> Result<Archive, TransferError> {
        let file = File::open(path).map_err(|e| TransferError::io(path, e))?;
        let damaged = |detail: String| TransferError::Damaged(detail);
        let mut zip = ZipArchive::new(file).map_err(|e| damaged(e.to_string()))?;
        let mut entries = HashMap::new();
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).map_err(|e| damaged(e.to_string()))?;
            let name = entry.name().to_string();
            let mut bytes = Vec::new();
            // The zip reader checks each entry's CRC as it reaches the end.
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| damaged(format!("{name}: {e}")))?;
            entries.insert(name, bytes);
        }
        let manifest_bytes = entries
            .remove(MANIFEST)
            .ok_or_else(|| damaged(format!("it has no {MANIFEST}")))?;
        let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| damaged(format!("{MANIFEST}: {e}")))?;
        for (name, expected) in &manifest.entries {
            let bytes = entries
                .get(name)
                .ok_or_else(|| damaged(format!("{name} is missing")))?;
            if sha256(bytes) != expected.sha256 || bytes.len() as u64 != expected.bytes {
                return Err(TransferError::Checksum(name.clone()));
            }
        }
        if let Some(extra) = entries
            .keys()
            .find(|name| !manifest.entries.contains_key(*name))
        {
            return Err(damaged(format!("{extra} is not in the manifest")));
        }
        Ok(Archive { manifest, entries })
    }

    pub fn get(&self, name: &str) -> Result<&[u8], TransferError> {
        self.entries
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| TransferError::Damaged(format!("{name} is missing")))
    }

    /// Entries whose names start with `prefix`, with the prefix taken off.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.entries.iter().filter_map(move |(name, bytes)| {
            name.strip_prefix(prefix)
                .map(|rest| (rest, bytes.as_slice()))
        })
    }
}
