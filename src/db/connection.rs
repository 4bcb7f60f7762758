//! Pooled connections that remember which organization schemas they have entered.
//!
//! A PostgreSQL backend keeps catalog caches for every schema it has touched (about 0.1 to
//! 0.25 MB each, never given back), so a connection rotated over a thousand organizations
//! holds hundreds of megabytes. A connection that has entered more distinct schemas than the
//! pool allows (`SITESYNC_POOL_SCHEMAS_PER_CONNECTION`, 100 by default) is retired when it goes
//! back to the pool and a fresh one takes its place: a backend's memory stays bounded whatever the number of
//! organizations, for a reconnect (a few milliseconds) every few hundred requests at worst.

use std::collections::HashSet;
use std::ops::{Deref, DerefMut};

use diesel::r2d2::{ConnectionManager, ManageConnection, PooledConnection, R2D2Connection};
use diesel::PgConnection;

/// A connection and the organization schemas it has entered.
pub struct Conn {
    pg: PgConnection,
    schemas: HashSet<String>,
}

impl Conn {
    /// Notes that this connection is about to enter `schema`.
    pub fn entering(&mut self, schema: &str) {
        if !self.schemas.contains(schema) {
            self.schemas.insert(schema.to_string());
        }
    }
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
}

impl Manager {
    pub fn new(url: &str, max_schemas: usize) -> Manager {
        Manager {
            diesel: ConnectionManager::new(url),
            max_schemas,
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        Ok(Conn {
            pg: self.diesel.connect()?,
            schemas: HashSet::new(),
        })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.pg.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.schemas.len() > self.max_schemas || self.diesel.has_broken(&mut conn.pg)
    }
}

/// A connection from the pool, used as a `PgConnection`.
pub struct PooledConn(pub(super) PooledConnection<Manager>);

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
