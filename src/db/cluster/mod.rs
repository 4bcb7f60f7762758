//! A private PostgreSQL cluster under the data directory, for running without `DATABASE_URL`.
//!
//! It listens on a Unix socket inside its own folder only (no TCP), so nothing else on the
//! machine can reach it. PostgreSQL refuses to run as root, so under root the server runs as an
//! unprivileged user (`postgres` where it exists) that is given the cluster folder.

mod binaries;
mod run_as;

use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use binaries::{data_dir_major, parse_major, Binaries};
pub use run_as::{relocated_dir, RunAs, RELOCATED_ROOT};

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
    #[error(
        "this data directory's database was made by PostgreSQL {major}, whose server binaries \
         are not installed (installed: {}). Install them (Debian/Ubuntu: `apt-get install \
         postgresql-{major}`), or upgrade the data with pg_upgrade.",
        if installed.is_empty() { "none".to_string() } else {
            installed.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        }
    )]
    WrongMajorVersion { major: u32, installed: Vec<u32> },
    #[error(
        "the private database in {dir} cannot be used: PostgreSQL runs as the `{user}` account, \
         and {blocked} does not let that account through. Either let it through (`chmod o+x \
         {blocked}`), or choose a data directory it can reach (SITESYNC_DATA_DIR=/var/lib/sitesync) \
         or an existing server (DATABASE_URL)."
    )]
    Unreachable {
        dir: PathBuf,
        blocked: PathBuf,
        user: &'static str,
    },
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
        Self::start_with(dir, None)
    }

    /// As [`Cluster::start`], with the server programs given rather than discovered.
    pub fn start_with(dir: &Path, bins: Option<Binaries>) -> Result<Cluster, ClusterError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ClusterError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let requested = dir.canonicalize().map_err(io(dir))?;
        let run_as = RunAs::for_this_process();
        let dir = match run_as {
            Some(user) => reachable_dir(requested, user)?,
            None => requested,
        };
        // sun_path holds 108 bytes, and the socket file name adds 13.
        if dir.as_os_str().len() > 90 {
            return Err(ClusterError::PathTooLong(dir));
        }
        let bins = match (bins, data_dir_major(&dir)) {
            (Some(bins), _) => bins,
            (None, Some(major)) => Binaries::discover_major(major)?,
            (None, None) => Binaries::discover()?,
        };
        let cluster = Cluster { dir, bins, run_as };
        cluster.prepare_folder()?;
        if !cluster.dir.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        if !cluster.is_running() {
            cluster.clear_stale_lock()?;
            cluster.pg_ctl("starting PostgreSQL", "start")?;
        } else if cluster.server_program_replaced() {
            // A package upgrade (same major, new minor) swapped the programs under the running
            // server: its new backends would load libraries of the new minor and fail.
            tracing::warn!(
                dir = %cluster.dir.display(),
                "the PostgreSQL server programs were replaced under the running server; restarting it"
            );
            cluster.pg_ctl("restarting PostgreSQL", "restart")?;
        }
        Ok(cluster)
    }

    /// The PID of the running postmaster, from its lock file.
    pub fn postmaster_pid(&self) -> Option<i32> {
        fs::read_to_string(self.dir.join("postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// True when the running server's program file was deleted or replaced since it started.
    fn server_program_replaced(&self) -> bool {
        let Some(pid) = self.postmaster_pid() else {
            return false;
        };
        fs::read_link(format!("/proc/{pid}/exe"))
            .map(|exe| exe.to_string_lossy().ends_with(" (deleted)"))
            .unwrap_or(false)
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
        if !pid_file.exists() {
            return Ok(());
        }
        let pid = self.postmaster_pid().unwrap_or(0);
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

    fn pg_ctl(&self, action: &str, verb: &str) -> Result<(), ClusterError> {
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
        let mut args = vec![verb, "-D"];
        let dir = self.dir_str();
        args.push(&dir);
        if verb == "restart" {
            args.extend(["-m", "fast"]);
        }
        args.extend(["-w", "-t", "60", "-l", &log, "-o", &options]);
        self.run_ok(action, "pg_ctl", &args)
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

/// Where the cluster for `requested` lives when the server runs as `user`: there if the
/// account can reach it; else, for a new cluster, a folder it can reach (with a note left in
/// `requested` saying where); an existing cluster it cannot reach is an error naming the fix.
fn reachable_dir(requested: PathBuf, user: RunAs) -> Result<PathBuf, ClusterError> {
    let Some(blocked) = user.blocked_at(&requested) else {
        return Ok(requested);
    };
    if requested.join("PG_VERSION").exists() {
        return Err(ClusterError::Unreachable {
            dir: requested,
            blocked,
            user: user.name,
        });
    }
    let relocated = relocated_dir(&requested);
    let io = |path: &Path, source| ClusterError::Io {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(&relocated).map_err(|e| io(&relocated, e))?;
    if let Some(blocked_too) = user.blocked_at(&relocated) {
        return Err(ClusterError::Unreachable {
            dir: requested,
            blocked: blocked_too,
            user: user.name,
        });
    }
    let note = requested.join("WHERE-IS-THE-DATABASE.txt");
    fs::write(
        &note,
        format!(
            "PostgreSQL runs as the `{}` account, which cannot pass through {}.\n\
             The database of this data directory is kept in {}.\n",
            user.name,
            blocked.display(),
            relocated.display()
        ),
    )
    .map_err(|e| io(&note, e))?;
    tracing::warn!(
        blocked = %blocked.display(),
        database = %relocated.display(),
        "PostgreSQL runs as `{}`, which cannot reach the data directory; the database is kept where it can",
        user.name
    );
    Ok(relocated)
}
