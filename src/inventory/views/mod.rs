//! The inventory pages' templates (`templates/inventory/`). Purchase orders and the reorder
//! list have theirs in [`purchases`].

use askama::Template;
use uuid::Uuid;

use super::forms::{
    CountForm, FromStockForm, ItemForm, ItemListQuery, LocationForm, StockForm, SurplusForm,
    TransferForm,
};
use super::model::LocationType;
use super::operations::surplus::Purchase;
use super::queries::ledger::Movement;
use super::queries::listing::{ItemRow, Summary};
use super::queries::reservations::Reservation;
use super::queries::{Item, LevelRow, Location, LocationRow, Pickable};
use crate::attachments::views::Gallery;
use crate::marketplace::lifecycle::PartCondition;
use crate::web::forms::FieldErrors;
#[allow(unused_imports)] // the catalogue's template sorts by column
use crate::web::listing::Sortable;
use crate::web::local_time::filters;
use crate::web::pagination::Pagination;
use crate::web::Layout;
use crate::work_orders::queries::WorkOrder;

pub mod purchases;

pub use super::routes::Options;

#[derive(Template)]
#[template(path = "inventory/list.html")]
pub struct CataloguePage {
    pub layout: Layout,
    pub slug: String,
    pub query: ItemListQuery,
    pub rows: Vec<ItemRow>,
    pub pagination: Pagination,
    pub summary: Summary,
    pub by_location: Vec<LocationRow>,
    pub purchases: Vec<Purchase>,
    pub categories: Vec<String>,
    pub manufacturers: Vec<String>,
    pub models: Vec<String>,
    pub locations: Options,
    /// The vans the viewer holds.
    pub my_vans: Options,
    pub export_href: String,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "inventory/list.html", block = "results")]
pub struct CatalogueResults {
    pub slug: String,
    pub query: ItemListQuery,
    pub rows: Vec<ItemRow>,
    pub pagination: Pagination,
}

#[derive(Template)]
#[template(path = "inventory/item_form.html")]
pub struct ItemFormPage {
    pub layout: Layout,
    pub slug: String,
    pub item_id: Option<Uuid>,
    pub form: ItemForm,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "inventory/item.html")]
pub struct ItemPage {
    pub layout: Layout,
    pub slug: String,
    pub item: Item,
    pub levels: Vec<LevelRow>,
    pub movements: Vec<Movement>,
    pub pagination: Pagination,
    pub gallery: Gallery,
    pub locations: Options,
    pub zone: chrono_tz::Tz,
    pub can_manage: bool,
    pub can_trade: bool,
}

#[derive(Template)]
#[template(path = "inventory/locations.html")]
pub struct LocationsPage {
    pub layout: Layout,
    pub slug: String,
    pub rows: Vec<LocationRow>,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "inventory/location_form.html")]
pub struct LocationFormPage {
    pub layout: Layout,
    pub slug: String,
    pub location_id: Option<Uuid>,
    pub form: LocationForm,
    pub errors: FieldErrors,
    pub types: &'static [LocationType],
    pub contractors: Options,
    pub members: Options,
    pub sites: Options,
}

#[derive(Template)]
#[template(path = "inventory/location.html")]
pub struct LocationPage {
    pub layout: Layout,
    pub slug: String,
    pub location: Location,
    pub holder: Option<String>,
    pub levels: Vec<LevelRow>,
    pub movements: Vec<Movement>,
    pub pagination: Pagination,
    pub zone: chrono_tz::Tz,
    pub can_manage: bool,
}

/// Receiving or adjusting one item at one location.
#[derive(Template)]
#[template(path = "inventory/stock_form.html")]
pub struct StockPage {
    pub layout: Layout,
    pub slug: String,
    /// "receive" or "adjust".
    pub mode: &'static str,
    pub form: StockForm,
    pub errors: FieldErrors,
    pub items: Options,
    pub locations: Options,
}

#[derive(Template)]
#[template(path = "inventory/transfer.html")]
pub struct TransferPage {
    pub layout: Layout,
    pub slug: String,
    pub form: TransferForm,
    pub errors: FieldErrors,
    pub items: Options,
    pub locations: Options,
}

#[derive(Template)]
#[template(path = "inventory/count.html")]
pub struct CountPage {
    pub layout: Layout,
    pub slug: String,
    pub location: Location,
    pub levels: Vec<LevelRow>,
    /// What was typed per item, when the form comes back refused.
    pub form: CountForm,
    pub errors: FieldErrors,
}

impl CountPage {
    pub fn field(&self, item: &Uuid) -> String {
        super::forms::count_field(*item)
    }
}

#[derive(Template)]
#[template(path = "inventory/sell.html")]
pub struct SellPage {
    pub layout: Layout,
    pub slug: String,
    pub item: Item,
    pub levels: Vec<LevelRow>,
    pub form: SurplusForm,
    pub errors: FieldErrors,
    pub conditions: &'static [PartCondition],
}

/// Lines of the transfer form: what was typed, padded with blank rows.
impl TransferPage {
    pub fn rows(&self) -> Vec<(String, String)> {
        self.form.rows()
    }
}

/// "−3" or "+5" for a change of quantity.
pub fn signed(n: &i32) -> String {
    if *n > 0 {
        format!("+{n}")
    } else if *n < 0 {
        format!("−{}", n.unsigned_abs())
    } else {
        "0".into()
    }
}

/// The select's selected attribute helper: whether `id` is the chosen value.
pub fn is(chosen: &str, id: &Uuid) -> bool {
    chosen == id.to_string()
}

/// A work order's stock: what can be taken, what is reserved for it.
pub struct StockPanel {
    pub slug: String,
    pub order: WorkOrder,
    pub picks: Vec<Pickable>,
    pub reserved: Vec<Reservation>,
    pub can_work: bool,
    pub can_reserve: bool,
    pub form: FromStockForm,
    pub errors: FieldErrors,
}

impl StockPanel {
    /// The picker's value for a choice.
    pub fn value(&self, pick: &Pickable) -> String {
        format!("{}|{}", pick.item_id, pick.location_id)
    }
}

#[derive(Template)]
#[template(path = "inventory/stock_panel.html")]
pub struct StockPanelPage {
    pub layout: Layout,
    pub panel: StockPanel,
}

#[derive(Template)]
#[template(path = "inventory/stock_panel.html", block = "panel")]
pub struct StockPanelFragment {
    pub layout: Layout,
    pub panel: StockPanel,
}
