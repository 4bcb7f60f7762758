//! Marketplace handlers, one module per section: browsing, selling, photos, inquiries, buying
//! and orders. Anyone may browse; everything else needs an account. A handler reads the
//! request, calls one operation (`super::operations`, which decides who may do what) or
//! query, and renders.

pub mod browse;
pub mod buying;
pub mod inquiries;
pub mod orders;
pub mod photos;
pub mod selling;

use diesel::PgConnection;

use super::traders::{Membership, Trader};
use super::views::OrgChoice;
use crate::auth::identity::{SignedIn, Viewer};
use crate::web::AppError;
use crate::AppState;

const PER_PAGE: i64 = 20;

fn trader_of(account: &SignedIn) -> Trader {
    Trader::of(account)
}

/// The viewer as a trader, if signed in.
fn trader(viewer: &Viewer) -> Option<Trader> {
    viewer.signed_in().map(trader_of)
}

/// The viewer as a trader, or a trip to the sign-in page.
fn require_trader(viewer: &Viewer) -> Result<Trader, AppError> {
    viewer.require_account().map(trader_of)
}

fn choices<'a>(memberships: impl IntoIterator<Item = &'a Membership>) -> Vec<OrgChoice> {
    memberships
        .into_iter()
        .map(|m| OrgChoice {
            slug: m.slug.clone(),
            name: m.name.clone(),
        })
        .collect()
}

/// Runs one operation or query off the async workers.
async fn run<T, E>(
    state: &AppState,
    work: impl FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, AppError>
where
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    state
        .db
        .run(move |conn| work(conn).map_err(Into::into))
        .await
}
