//! Who the private server runs as when SiteSync runs as root, and where that account can work.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Where clusters go whose data directory the server's account cannot reach.
pub const RELOCATED_ROOT: &str = "/var/lib/sitesync/clusters";

/// An OS account to run PostgreSQL as, when this process is root.
#[derive(Debug, Clone, Copy)]
pub struct RunAs {
    pub name: &'static str,
    pub uid: u32,
    pub gid: u32,
}

impl RunAs {
    /// The account PostgreSQL runs as: only needed (and only possible) when we are root.
    pub fn for_this_process() -> Option<RunAs> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return None;
        }
        let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
        let lookup = |name: &'static str| {
            passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                if fields.len() > 3 && fields[0] == name {
                    Some(RunAs {
                        name,
                        uid: fields[2].parse().ok()?,
                        gid: fields[3].parse().ok()?,
                    })
                } else {
                    None
                }
            })
        };
        lookup("postgres")
            .or_else(|| lookup("nobody"))
            .or(Some(RunAs {
                name: "nobody",
                uid: 65534,
                gid: 65534,
            }))
    }

    /// The first folder on the way to `dir` this account may not pass through, if any. Only
    /// the owner/group/other execute bits are read: that is what stops `postgres` at a private
    /// home such as `/root` (mode 0700).
    pub fn blocked_at(&self, dir: &Path) -> Option<PathBuf> {
        let mut ancestors: Vec<&Path> = dir.ancestors().skip(1).collect();
        ancestors.reverse();
        ancestors.into_iter().find_map(|folder| {
            let meta = fs::metadata(folder).ok()?;
            let mode = meta.mode();
            let can_pass = if meta.uid() == self.uid {
                mode & 0o100 != 0
            } else if meta.gid() == self.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            };
            (!can_pass).then(|| folder.to_path_buf())
        })
    }
}

/// A folder outside the data directory for a cluster the server's account cannot reach there.
/// It is named by a hash of the data directory, so the same data directory finds the same
/// cluster on every start.
pub fn relocated_dir(requested: &Path) -> PathBuf {
    let digest = Sha256::digest(requested.as_os_str().as_encoded_bytes());
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Path::new(RELOCATED_ROOT).join(name)
}
