//! Every query of the marketplace, one module per section: listings (and a seller's own),
//! search, photos, inquiries, orders, and the organizations behind them. Rules about who may
//! do what live in `operations`, not here.

mod inquiries;
mod listings;
mod orders;
mod organizations;
mod photos;
mod search;

pub use inquiries::*;
pub use listings::*;
pub use orders::*;
pub use organizations::*;
pub use photos::*;
pub use search::*;
