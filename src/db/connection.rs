//! Pooled connections that remember which organization schemas they have entered.
//!
//! A PostgreSQL backend keeps catalog caches for every schema it has touched (about 0.1 to
//! 0.25 MB each, never given back), so a connection rotated over a thousand organizations
//! holds hundreds of megabytes. A connection that has entered more distinct schemas than the
//! pool allows (`SITESYNC_POOL_SCHEMAS_PER_CONNECTION`, 100 by default) is retired when it goes
//! back to the pool and a fresh one takes its place: a backend's memory stays bounded whatever
//! the number of organizations, for a reconnect (a few milliseconds) every few hundred requests
//! at worst.
//!
//! The schemas are noted by `orgs::enter` (the one door into an organization) on the
//! connection's [`SchemaLedger`]; nothing else switches schemas.

use std::collections::HashSet;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, ManageConnection, PooledConnection, R2D2Connection};
use diesel::PgConnection;

use super::liveness::Liveness;

/// The organization schemas one pooled connection has entered. Cloning it gives another handle
/// on the same ledger, so work that already holds a transaction (and so only the bare
/// `PgConnection`) can still note the schema it enters.
#[derive(Clone, Default, Debug)]
pub struct SchemaLedger(Arc<Mutex<HashSet<String>>>);

impl SchemaLedger {
    /// Notes that the connection is entering `schema`.
    pub fn note(&self, schema: &str) {
        if let Ok(mut schemas) = self.0.lock() {
            if !schemas.contains(schema) {
                schemas.insert(schema.to_string());
            }
        }
    }

    /// How many distinct schemas the connection has entered.
    pub fn len(&self) -> usize {
        self.0
            .lock()
            .map(|schemas| schemas.len())
            .unwrap_or(usize::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A connection and the organization schemas it has entered.
pub struct Conn {
    pg: PgConnection,
    ledger: SchemaLedger,
    /// The pool's epoch when this connection last proved alive (see `db::liveness`).
    alive_at_epoch: u64,
    /// Found dead: the pool drops it instead of taking it back.
    broken: bool,
}

impl Deref for Conn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.pg
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.pg
    }
}

/// Diesel's manager, with connections retired once they have entered more than
/// `max_schemas` organization schemas (see the module notes).
pub struct Manager {
    diesel: ConnectionManager<PgConnection>,
    max_schemas: usize,
    liveness: Arc<Liveness>,
}

impl Manager {
    pub fn new(url: &str, max_schemas: usize, liveness: Arc<Liveness>) -> Manager {
        Manager {
            diesel: ConnectionManager::new(url),
            max_schemas,
            liveness,
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        let epoch = self.liveness.epoch();
        match self.diesel.connect() {
            Ok(pg) => {
                self.liveness.connected();
                Ok(Conn {
                    pg,
                    ledger: SchemaLedger::default(),
                    alive_at_epoch: epoch,
                    broken: false,
                })
            }
            Err(e) => {
                self.liveness.connect_failed(&e.to_string());
                Err(e)
            }
        }
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.pg.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.broken || conn.ledger.len() > self.max_schemas || self.diesel.has_broken(&mut conn.pg)
    }
}

/// A connection from the pool, used as a `PgConnection`.
pub struct PooledConn(pub(super) PooledConnection<Manager>);

impl PooledConn {
    /// The ledger of organization schemas this connection has entered.
    pub fn ledger(&self) -> SchemaLedger {
        self.0.ledger.clone()
    }

    /// Whether the connection still answers; a dead one is marked so the pool drops it.
    pub fn answers(&mut self) -> bool {
        let alive = self.0.pg.batch_execute("SELECT 1").is_ok();
        self.0.broken |= !alive;
        alive
    }

    /// Pings the connection when it has not proved alive since the pool's current epoch began.
    pub fn alive_in(&mut self, liveness: &Liveness) -> bool {
        let epoch = liveness.epoch();
        if self.0.alive_at_epoch >= epoch {
            return true;
        }
        let alive = self.answers();
        if alive {
            self.0.alive_at_epoch = epoch;
        }
        alive
    }
}

impl Deref for PooledConn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}
