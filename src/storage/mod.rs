//! Uploaded files (listing photos, résumés) behind a small interface, so an object store can
//! replace the local folder later. Files are stored under keys we make, never under names
//! people send, and their kind is read from their bytes, never from their name.

pub mod images;

use std::fs;
use std::path::{Path, PathBuf};

/// What a file really is, judged by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl FileKind {
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, FileKind::Pdf)
    }
}

/// A file's size as people read it: "340 KB", "2.4 MB".
pub fn size_label(byte_size: i32) -> String {
    let bytes = f64::from(byte_size.max(0));
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes / 1024.0).ceil())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid file key")]
    InvalidKey,
    /// The store has no room (or no quota) left for the file; nothing of it was kept.
    #[error("the file store is full")]
    Full,
    #[error("file storage error: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for StorageError {
    fn from(e: std::io::Error) -> Self {
        let full = e.kind() == std::io::ErrorKind::StorageFull
            || matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT));
        if full {
            StorageError::Full
        } else {
            StorageError::Io(e)
        }
    }
}

impl From<StorageError> for crate::web::AppError {
    /// A full store is the person's to hear about (their upload was not kept); anything else
    /// is an internal failure.
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Full => crate::web::AppError::PayloadTooLarge(FULL_MESSAGE.into()),
            other => crate::web::AppError::internal(other),
        }
    }
}

/// What a person is told when the store is full: their upload is not lost through any fault
/// of theirs, and trying later (or asking for room) is what helps.
pub const FULL_MESSAGE: &str = "There is not enough space to store the file right now, so \
     nothing was saved. Please try again later; if it keeps happening, tell your administrator.";

/// Where files live. Keys are ours: lower-case letters, digits, `-`, `_` and `/`.
pub trait FileStore: Send + Sync {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError>;
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;
    fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Removes every file whose key starts with `folder/` (a deleted organization's, say).
    fn delete_folder(&self, folder: &str) -> Result<(), StorageError>;
}

/// The folder under the data directory that holds the local store's files (backups copy it).
pub fn local_root(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

/// Files in a folder under the data directory.
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: &Path) -> LocalStore {
        LocalStore {
            root: root.to_path_buf(),
        }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let valid = !key.is_empty()
            && key.len() <= 200
            && !key.starts_with('/')
            && !key.contains("..")
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_/.".contains(c));
        if valid {
            Ok(self.root.join(key))
        } else {
            Err(StorageError::InvalidKey)
        }
    }
}

impl FileStore for LocalStore {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        // Write then rename, so a reader never sees half a file; a write that fails (a full
        // disk) leaves nothing behind.
        let partial = path.with_extension("partial");
        let written = fs::write(&partial, bytes).and_then(|()| fs::rename(&partial, &path));
        if let Err(e) = written {
            let _ = fs::remove_file(&partial);
            return Err(e.into());
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match fs::read(self.path(key)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), StorageError> {
        match fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn delete_folder(&self, folder: &str) -> Result<(), StorageError> {
        let path = self.path(folder)?;
        if path == self.root {
            return Err(StorageError::InvalidKey);
        }
        match fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_bytes() {
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(FileKind::Webp)
        );
        assert_eq!(FileKind::sniff(b"%PDF-1.7"), Some(FileKind::Pdf));
        assert_eq!(FileKind::sniff(b"<?php echo 1; ?>"), None);
        assert_eq!(
            FileKind::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(FileKind::sniff(b""), None);
    }

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        for full in [libc::ENOSPC, libc::EDQUOT] {
            let error = std::io::Error::from_raw_os_error(full);
            assert!(matches!(StorageError::from(error), StorageError::Full));
        }
        let denied = std::io::Error::from_raw_os_error(libc::EACCES);
        assert!(matches!(StorageError::from(denied), StorageError::Io(_)));
    }

    #[test]
    fn keys_cannot_escape_the_folder() {
        let dir = std::env::temp_dir().join(format!("sitesync-store-{}", std::process::id()));
        let store = LocalStore::new(&dir);
        store.put("listings/a1/photo.jpg", b"x").unwrap();
        assert_eq!(
            store.get("listings/a1/photo.jpg").unwrap(),
            Some(b"x".to_vec())
        );
        assert!(matches!(
            store.put("../etc/passwd", b"x"),
            Err(StorageError::InvalidKey)
        ));
        assert!(matches!(
            store.get("/etc/passwd"),
            Err(StorageError::InvalidKey)
        ));
        store.delete("listings/a1/photo.jpg").unwrap();
        assert_eq!(store.get("listings/a1/photo.jpg").unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
