//! The forum's pages and actions, under `/forum`: each handler reads the request, calls one
//! operation or query with the viewer's [`Access`], and renders.

pub mod categories;
pub mod index;
pub mod moderation;
pub mod posts;
pub mod search;
pub mod subscriptions;
pub mod threads;

use diesel::PgConnection;

use super::access::Access;
use crate::auth::identity::Viewer;
use crate::web::AppError;
use crate::AppState;

/// Runs `work` with this viewer's forum rights loaded, on a pooled connection.
async fn with_access<T, F>(state: &AppState, viewer: &Viewer, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection, &Access) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let access = Access::of(viewer.signed_in());
    state
        .db
        .run(move |conn| {
            let access = access.load(conn)?;
            work(conn, &access)
        })
        .await
}
