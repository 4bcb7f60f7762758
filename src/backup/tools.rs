//! PostgreSQL's client tools (`pg_dump`, `pg_restore`, `psql`) of the version a database
//! needs, and commands that reach that database with SiteSync's own connection URL.
//!
//! `pg_dump` refuses a server newer than itself, and the archive a newer `pg_dump` writes may
//! use syntax an older server rejects, so the tools must match the server's major version. For
//! the private cluster they are the binaries it runs on; for a `DATABASE_URL` server they are
//! looked for on PATH and under `/usr/lib/postgresql/<major>/bin`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::bootstrap::Database;
use crate::db::cluster::{parse_major, Binaries};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    PgDump,
    PgRestore,
    Psql,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::PgDump => "pg_dump",
            Tool::PgRestore => "pg_restore",
            Tool::Psql => "psql",
        }
    }
}

const ALL_TOOLS: [Tool; 3] = [Tool::PgDump, Tool::PgRestore, Tool::Psql];

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("could not read the PostgreSQL server's version: {0}")]
    Version(String),
    #[error(
        "pg_dump, pg_restore and psql of PostgreSQL {major} were not found (looked on PATH and \
         in {looked}). Install that version's client tools (Debian/Ubuntu: `apt-get install \
         postgresql-client-{major}`)."
    )]
    NotFound { major: u32, looked: String },
}

/// The server a database runs on, as `SHOW server_version` and `server_version_num` say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// `15.18 (Debian 15.18-0+deb12u1)`
    pub text: String,
    /// `150018`
    pub num: u32,
}

impl ServerVersion {
    pub fn major(&self) -> u32 {
        self.num / 10000
    }

    pub fn of(conn: &mut PgConnection) -> Result<ServerVersion, ToolError> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            text: String,
            #[diesel(sql_type = Text)]
            num: String,
        }
        let row: Row = diesel::sql_query(
            "SELECT current_setting('server_version') AS text, \
                    current_setting('server_version_num') AS num",
        )
        .get_result(conn)
        .map_err(|e| ToolError::Version(e.to_string()))?;
        let num = row
            .num
            .trim()
            .parse()
            .map_err(|_| ToolError::Version(format!("{:?} is not a number", row.num)))?;
        Ok(ServerVersion {
            text: row.text,
            num,
        })
    }
}

/// A folder holding `pg_dump`, `pg_restore` and `psql` fit for one server.
#[derive(Debug, Clone)]
pub struct PgTools {
    pub dir: PathBuf,
    pub server: ServerVersion,
}

impl PgTools {
    /// The tools for `database`: its private cluster's own binaries when it has them, else
    /// the client tools of the server's major version.
    pub fn for_database(database: &Database) -> Result<PgTools, ToolError> {
        let mut conn = database
            .db
            .get()
            .map_err(|e| ToolError::Version(e.to_string()))?;
        let server = ServerVersion::of(&mut conn)?;
        Self::find(server, database.cluster().map(|c| c.binaries()))
    }

    /// Looks in the cluster's binaries first, then PATH, then `/usr/lib/postgresql/<major>/bin`;
    /// a folder counts only when its `pg_dump --version` is the server's major version.
    pub fn find(server: ServerVersion, cluster: Option<&Binaries>) -> Result<PgTools, ToolError> {
        let versions_root = Path::new("/usr/lib/postgresql");
        let major = server.major();
        let mut candidates: Vec<PathBuf> = cluster.map(|b| b.dir.clone()).into_iter().collect();
        candidates.extend(std::env::var_os("PATH").map_or_else(Vec::new, |path| {
            std::env::split_paths(&path).collect::<Vec<_>>()
        }));
        candidates.push(versions_root.join(major.to_string()).join("bin"));
        candidates
            .into_iter()
            .find(|dir| {
                ALL_TOOLS.iter().all(|t| dir.join(t.name()).is_file())
                    && tool_major(&dir.join(Tool::PgDump.name())) == Some(major)
            })
            .map(|dir| PgTools {
                dir,
                server: server.clone(),
            })
            .ok_or_else(|| ToolError::NotFound {
                major,
                looked: versions_root
                    .join(major.to_string())
                    .join("bin")
                    .display()
                    .to_string(),
            })
    }

    pub fn path(&self, tool: Tool) -> PathBuf {
        self.dir.join(tool.name())
    }

    /// `tool` connected to `url`: the URL goes in `--dbname`, except its password, which goes
    /// in `PGPASSWORD` so that it never shows in the process list.
    pub fn connected(&self, tool: Tool, url: &str) -> Command {
        let mut command = self.offline(tool);
        let (dbname, password) = split_password(url);
        command.arg(format!("--dbname={dbname}"));
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        command
    }

    /// `tool` for work that reaches no server (`pg_restore` writing a script).
    pub fn offline(&self, tool: Tool) -> Command {
        let mut command = Command::new(self.path(tool));
        // A password prompt would hang a command run from a script or a test.
        command.arg("--no-password");
        command
    }
}

/// The major version a tool reports (`pg_dump (PostgreSQL) 15.18 (Debian …)` → 15).
fn tool_major(path: &Path) -> Option<u32> {
    let output = Command::new(path).arg("--version").output().ok()?;
    parse_major(&String::from_utf8_lossy(&output.stdout))
}

/// The URL without its password, and the password (decoded), if it has one.
fn split_password(url: &str) -> (String, Option<OsString>) {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return (url.to_string(), None);
    };
    let Some(password) = parsed.password().map(str::to_string) else {
        return (url.to_string(), None);
    };
    let decoded = percent_decode(&password);
    if parsed.set_password(None).is_err() {
        return (url.to_string(), None);
    }
    (parsed.to_string(), Some(OsString::from(decoded)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_command_line() {
        let (url, password) = split_password("postgres://app:p%40ss%2Fw@db.example:5432/sitesync");
        assert_eq!(url, "postgres://app@db.example:5432/sitesync");
        assert_eq!(password, Some(OsString::from("p@ss/w")));
        let socket = "postgres://sitesync@/sitesync?host=%2Ftmp%2Fpg&port=5432";
        assert_eq!(split_password(socket), (socket.to_string(), None));
    }
}
