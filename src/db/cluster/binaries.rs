//! Finding the PostgreSQL server programs, of the major version a cluster was made with.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::ClusterError;

/// The folder holding `initdb`, `pg_ctl` and `postgres` of one PostgreSQL version.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub dir: PathBuf,
    /// The major version `postgres --version` reports (15 for 15.10).
    pub major: u32,
}

impl Binaries {
    fn has_all(dir: &Path) -> bool {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    }

    /// The newest server binaries: on PATH, then `pg_config --bindir`, then
    /// `/usr/lib/postgresql/*/bin` (newest first).
    pub fn discover() -> Result<Binaries, ClusterError> {
        Self::discover_in(
            std::env::var_os("PATH"),
            Path::new("/usr/lib/postgresql"),
            None,
        )
    }

    /// The binaries of one major version: a data directory only opens with the major version
    /// that wrote it (its `PG_VERSION`), whatever else is installed beside it.
    pub fn discover_major(major: u32) -> Result<Binaries, ClusterError> {
        Self::discover_in(
            std::env::var_os("PATH"),
            Path::new("/usr/lib/postgresql"),
            Some(major),
        )
    }

    pub fn discover_in(
        path: Option<std::ffi::OsString>,
        versions_root: &Path,
        wanted: Option<u32>,
    ) -> Result<Binaries, ClusterError> {
        let mut found: Vec<Binaries> = candidates(path, versions_root)
            .into_iter()
            .filter(|dir| Self::has_all(dir))
            .filter_map(|dir| {
                let major = major_of(&dir)?;
                Some(Binaries { dir, major })
            })
            .collect();
        match wanted {
            None => found
                .into_iter()
                .next()
                .ok_or(ClusterError::BinariesNotFound),
            Some(major) => {
                if let Some(at) = found.iter().position(|b| b.major == major) {
                    return Ok(found.swap_remove(at));
                }
                let mut installed: Vec<u32> = found.iter().map(|b| b.major).collect();
                installed.sort_unstable();
                installed.dedup();
                Err(ClusterError::WrongMajorVersion { major, installed })
            }
        }
    }

    pub fn tool(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// Folders that may hold the server programs, most preferred first.
fn candidates(path: Option<std::ffi::OsString>, versions_root: &Path) -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(path) = &path {
        for dir in std::env::split_paths(path) {
            // Debian links single tools into /usr/local/bin; follow the link to their folder.
            if let Ok(real) = dir.join("initdb").canonicalize() {
                if let Some(parent) = real.parent() {
                    candidates.push(parent.to_path_buf());
                }
            }
            candidates.push(dir);
        }
        let pg_config = std::env::split_paths(path)
            .map(|d| d.join("pg_config"))
            .find(|p| p.is_file());
        if let Some(pg_config) = pg_config {
            if let Ok(out) = Command::new(pg_config).arg("--bindir").output() {
                if out.status.success() {
                    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
                    candidates.push(PathBuf::from(dir));
                }
            }
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir(versions_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    candidates.extend(versioned.into_iter().map(|(_, dir)| dir));
    candidates
}

/// Asks the server program itself, since a folder's name need not say its version.
fn major_of(dir: &Path) -> Option<u32> {
    let out = Command::new(dir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    parse_major(&String::from_utf8_lossy(&out.stdout))
}

/// `postgres (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)` → 15.
pub fn parse_major(version_line: &str) -> Option<u32> {
    let version = version_line
        .split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))?;
    version
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The major version a data directory was made with, from its `PG_VERSION` file.
pub fn data_dir_major(dir: &Path) -> Option<u32> {
    fs::read_to_string(dir.join("PG_VERSION"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::parse_major;

    #[test]
    fn reads_the_major_version() {
        assert_eq!(
            parse_major("postgres (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(parse_major("postgres (PostgreSQL) 16beta2"), Some(16));
        assert_eq!(parse_major("nonsense"), None);
    }
}
