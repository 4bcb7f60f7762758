//! Opening the database a command works on: `DATABASE_URL` when set, else the private cluster
//! under the data dir, started on demand and stopped when the last SiteSync process leaves it.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::cluster::{Cluster, ClusterError};
use super::{Db, PoolOptions, Unavailable};
use crate::config::Config;

/// The database the embedded cluster keeps SiteSync's data in.
pub const EMBEDDED_DATABASE: &str = "sitesync";

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("could not connect to PostgreSQL: {0}")]
    Connect(String),
    #[error(transparent)]
    Pool(#[from] Unavailable),
}

pub struct Database {
    pub db: Db,
    pub url: String,
    cluster: Option<Cluster>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl Database {
    pub fn open(config: &Config, options: PoolOptions) -> Result<Database, BootstrapError> {
        let (url, cluster) = match &config.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let cluster = Cluster::start(&config.pg_dir())?;
                ensure_database(&cluster, EMBEDDED_DATABASE)?;
                (cluster.url(EMBEDDED_DATABASE), Some(cluster))
            }
        };
        let db = Db::connect(&url, options)?;
        Ok(Database { db, url, cluster })
    }

    pub fn is_embedded(&self) -> bool {
        self.cluster.is_some()
    }

    /// The private cluster this database lives in, when `DATABASE_URL` is unset.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    /// Closes this process's connections, then stops the embedded cluster unless another
    /// SiteSync process (a running server, say, while this is a CLI command) still uses it.
    pub fn close(self) {
        let Database { db, url, cluster } = self;
        drop(db);
        let Some(cluster) = cluster else { return };
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let others = other_clients(&url).unwrap_or(0);
            if others == 0 {
                break;
            }
            if Instant::now() > deadline {
                tracing::info!(
                    others,
                    "leaving the database running for other SiteSync processes"
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        match cluster.stop() {
            Ok(()) => tracing::info!("database stopped"),
            Err(e) => tracing::error!(error = %e, "could not stop the database"),
        }
    }
}

fn other_clients(url: &str) -> Result<i64, diesel::ConnectionError> {
    let mut conn = PgConnection::establish(url)?;
    let count: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity \
         WHERE application_name LIKE 'sitesync%' AND pid <> pg_backend_pid()",
    )
    .get_result(&mut conn)
    .unwrap_or(Count { n: 0 });
    Ok(count.n)
}

/// Creates `name` in the cluster if it does not exist yet.
pub fn ensure_database(cluster: &Cluster, name: &str) -> Result<(), BootstrapError> {
    let mut conn = PgConnection::establish(&cluster.url("postgres"))
        .map_err(|e| BootstrapError::Connect(e.to_string()))?;
    let exists: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(name)
            .get_result(&mut conn)
            .map_err(|e| BootstrapError::Connect(e.to_string()))?;
    if exists.n == 0 {
        // Database names cannot be bind values; this one is a constant of ours.
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .map_err(|e| BootstrapError::Connect(e.to_string()))?;
    }
    Ok(())
}
