//! A private PostgreSQL cluster under the data directory, for running without `DATABASE_URL`.
//!
//! It listens on a Unix socket inside its own folder only (no TCP), so nothing else on the
//! machine can reach it. PostgreSQL refuses to run as root, so under root the server runs as an
//! unprivileged user (`postgres` where it exists) that is given the cluster folder.

use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The database user created by `initdb`; it owns every object the app creates.
pub const SUPERUSER: &str = "sitesync";
const SOCKET_PORT: u16 = 5432;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, via \
         pg_config, or under /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: \
         `apt-get install postgresql`), or set DATABASE_URL to use an existing server."
    )]
    BinariesNotFound,
    #[error("the cluster folder path {0} is too long for a Unix socket; use a shorter SITESYNC_DATA_DIR")]
    PathTooLong(PathBuf),
    #[error("{action} failed: {detail}")]
    Command { action: String, detail: String },
    #[error("file system error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The folder holding `initdb`, `pg_ctl` and `postgres` of one PostgreSQL version.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub dir: PathBuf,
}

impl Binaries {
    fn has_all(dir: &Path) -> bool {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    }

    /// Looks on PATH, then `pg_config --bindir`, then `/usr/lib/postgresql/*/bin` (newest first).
    pub fn discover() -> Result<Binaries, ClusterError> {
        Self::discover_in(std::env::var_os("PATH"), Path::new("/usr/lib/postgresql"))
    }

    pub fn discover_in(
        path: Option<std::ffi::OsString>,
        versions_root: &Path,
    ) -> Result<Binaries, ClusterError> {
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
            .into_iter()
            .find(|dir| Self::has_all(dir))
            .map(|dir| Binaries { dir })
            .ok_or(ClusterError::BinariesNotFound)
    }

    pub fn tool(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// An OS account to run PostgreSQL as, when this process is root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

fn unprivileged_user() -> Option<RunAs> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    let lookup = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() > 3 && fields[0] == name {
                Some(RunAs {
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
            uid: 65534,
            gid: 65534,
        }))
}

/// A private cluster in `dir`, started if it was not running.
#[derive(Debug)]
pub struct Cluster {
    pub dir: PathBuf,
    bins: Binaries,
    run_as: Option<RunAs>,
}

impl Cluster {
    /// Creates the cluster on first use, clears a stale lock left by a crash, and starts it.
    pub fn start(dir: &Path) -> Result<Cluster, ClusterError> {
        let bins = Binaries::discover()?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ClusterError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let dir = dir.canonicalize().map_err(io(dir))?;
        // sun_path holds 108 bytes, and the socket file name adds 13.
        if dir.as_os_str().len() > 90 {
            return Err(ClusterError::PathTooLong(dir));
        }
        let cluster = Cluster {
            dir,
            bins,
            run_as: unprivileged_user(),
        };
        cluster.prepare_folder()?;
        if !cluster.dir.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        if !cluster.is_running() {
            cluster.clear_stale_lock()?;
            cluster.pg_ctl_start()?;
        }
        Ok(cluster)
    }

    /// The PostgreSQL binaries this cluster runs on (their pg_dump matches its server).
    pub fn binaries(&self) -> &Binaries {
        &self.bins
    }

    fn prepare_folder(&self) -> Result<(), ClusterError> {
        let err = |source| ClusterError::Io {
            path: self.dir.clone(),
            source,
        };
        if let Some(user) = self.run_as {
            chown(&self.dir, Some(user.uid), Some(user.gid)).map_err(err)?;
        }
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700)).map_err(err)
    }

    fn run(&self, action: &str, tool: &str, args: &[&str]) -> Result<Output, ClusterError> {
        let mut command = Command::new(self.bins.tool(tool));
        command.args(args).current_dir(&self.dir);
        if let Some(user) = self.run_as {
            command.uid(user.uid).gid(user.gid);
            command.env("HOME", &self.dir);
        }
        let output = command.output().map_err(|e| ClusterError::Command {
            action: action.into(),
            detail: e.to_string(),
        })?;
        Ok(output)
    }

    fn run_ok(&self, action: &str, tool: &str, args: &[&str]) -> Result<(), ClusterError> {
        let output = self.run(action, tool, args)?;
        if output.status.success() {
            Ok(())
        } else {
            Err(ClusterError::Command {
                action: action.into(),
                detail: format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stderr),
                    self.log_tail()
                ),
            })
        }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The last lines of the server log, to show beside a failure.
    pub fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(10)..].join("\n");
        if tail.is_empty() {
            String::new()
        } else {
            format!("\nserver log:\n{tail}")
        }
    }

    fn dir_str(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }

    fn initdb(&self) -> Result<(), ClusterError> {
        self.run_ok(
            "initdb",
            "initdb",
            &[
                "-D",
                &self.dir_str(),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ],
        )
    }

    /// True when a postmaster answers for this folder.
    pub fn is_running(&self) -> bool {
        self.run(
            "pg_ctl status",
            "pg_ctl",
            &["status", "-D", &self.dir_str()],
        )
        .map(|o| o.status.success())
        .unwrap_or(false)
            && self.socket_path().exists()
    }

    /// After a crash `postmaster.pid` may name a PID that now belongs to another process (common
    /// in containers, where PIDs restart low); PostgreSQL would then refuse to start.
    fn clear_stale_lock(&self) -> Result<(), ClusterError> {
        let pid_file = self.dir.join("postmaster.pid");
        let Ok(contents) = fs::read_to_string(&pid_file) else {
            return Ok(());
        };
        let pid: i32 = contents
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
        let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let is_postgres = pid > 0 && String::from_utf8_lossy(&cmdline).contains("postgres");
        if !is_postgres {
            tracing::warn!(
                pid,
                "removing a stale postmaster.pid left by an earlier crash"
            );
            fs::remove_file(&pid_file).map_err(|source| ClusterError::Io {
                path: pid_file.clone(),
                source,
            })?;
            let _ = fs::remove_file(
                self.socket_path()
                    .with_extension(format!("{SOCKET_PORT}.lock")),
            );
        }
        Ok(())
    }

    fn pg_ctl_start(&self) -> Result<(), ClusterError> {
        // random_page_cost: this cluster is on local disk with its working set in memory, where
        // a random read costs about what a sequential one does. With the default (4) the
        // planner preferred walking every open work order in heap order to reading the few
        // hundred a selective index points at (docs/PERFORMANCE.md).
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700 \
             -c random_page_cost=1.1 -p {SOCKET_PORT}",
            self.dir_str()
        );
        let log = self.log_path().to_string_lossy().into_owned();
        self.run_ok(
            "starting PostgreSQL",
            "pg_ctl",
            &[
                "start",
                "-D",
                &self.dir_str(),
                "-w",
                "-t",
                "60",
                "-l",
                &log,
                "-o",
                &options,
            ],
        )
    }

    pub fn socket_path(&self) -> PathBuf {
        self.dir.join(format!(".s.PGSQL.{SOCKET_PORT}"))
    }

    /// A libpq URL that reaches `database` over this cluster's socket.
    pub fn url(&self, database: &str) -> String {
        let host: String = self
            .dir_str()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                other => format!("%{other:02X}"),
            })
            .collect();
        format!("postgres://{SUPERUSER}@/{database}?host={host}&port={SOCKET_PORT}")
    }

    /// Stops the server, waiting for a clean shutdown (fast mode rolls back open transactions).
    pub fn stop(&self) -> Result<(), ClusterError> {
        if !self.is_running() {
            return Ok(());
        }
        self.run_ok(
            "stopping PostgreSQL",
            "pg_ctl",
            &[
                "stop",
                "-D",
                &self.dir_str(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
            ],
        )
    }
}
