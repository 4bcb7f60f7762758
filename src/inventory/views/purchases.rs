//! Purchase orders and the reorder list.

use askama::Template;
use bigdecimal::BigDecimal;
use uuid::Uuid;

use crate::inventory::forms::{PurchaseForm, ReceiveForm};
use crate::inventory::model::PurchaseStatus;
use crate::inventory::queries::purchases::{Line, OrderRow, PurchaseOrder};
use crate::inventory::queries::reorder::ReorderRow;
use crate::web::forms::FieldErrors;
use crate::web::local_time::filters;
use crate::web::pagination::Pagination;
use crate::web::Layout;

/// The list's filter that shows every order still expecting something.
pub const OPEN: &str = "open";
/// The list's filter that shows every order.
pub const ALL: &str = "all";

#[derive(Template)]
#[template(path = "inventory/purchase_orders.html")]
pub struct OrdersPage {
    pub layout: Layout,
    pub slug: String,
    /// The filter shown: [`OPEN`], [`ALL`] or a status's stored name.
    pub filter: String,
    pub rows: Vec<OrderRow>,
    pub pagination: Pagination,
    pub can_manage: bool,
}

impl OrdersPage {
    /// The filter tabs: (value, label).
    pub fn tabs(&self) -> Vec<(&'static str, &'static str)> {
        let mut tabs = vec![(OPEN, "Open")];
        tabs.extend(PurchaseStatus::ALL.iter().map(|s| (s.as_str(), s.label())));
        tabs.push((ALL, "All"));
        tabs
    }

    /// What the empty list says, in the filter's words.
    pub fn empty_message(&self) -> String {
        match (self.filter.as_str(), PurchaseStatus::parse(&self.filter)) {
            (ALL, _) => "No purchase orders yet.".into(),
            (_, Some(status)) => {
                format!("No purchase orders are {}.", status.label().to_lowercase())
            }
            _ => "No open purchase orders: nothing is waiting to be ordered or received.".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "inventory/purchase_order_form.html")]
pub struct OrderFormPage {
    pub layout: Layout,
    pub slug: String,
    pub form: PurchaseForm,
    pub errors: FieldErrors,
    pub items: Vec<(Uuid, String)>,
    pub locations: Vec<(Uuid, String)>,
}

impl OrderFormPage {
    /// The message for `field` of line `n` (`item_id-2`), as the form's checks name it.
    pub fn error(&self, field: &str, n: &usize) -> Option<&str> {
        self.errors.get(&format!("{field}-{n}"))
    }
}

#[derive(Template)]
#[template(path = "inventory/purchase_order.html")]
pub struct OrderPage {
    pub layout: Layout,
    pub slug: String,
    pub order: PurchaseOrder,
    pub location_name: String,
    pub lines: Vec<Line>,
    pub total: BigDecimal,
    /// The receive form's messages, per `quantity-N` of the lines still to come.
    pub errors: FieldErrors,
    /// Why the last change was refused, when it was.
    pub problem: Option<String>,
    /// What was typed in the receive form, kept when it is refused.
    pub receive: ReceiveForm,
    pub can_manage: bool,
}

impl OrderPage {
    /// The lines goods can still arrive for, in the order the receive form lists them.
    pub fn outstanding(&self) -> Vec<&Line> {
        self.lines.iter().filter(|l| l.outstanding() > 0).collect()
    }

    /// What was typed for `line` in the refused receive form.
    pub fn typed(&self, line: &Uuid) -> &str {
        let line = line.to_string();
        self.receive
            .line_id
            .iter()
            .position(|id| *id == line)
            .and_then(|n| self.receive.quantity.get(n))
            .map_or("", String::as_str)
    }

    /// The receive form's message for its line `n`.
    pub fn error(&self, n: &usize) -> Option<&str> {
        self.errors.get(&format!("quantity-{n}"))
    }

    pub fn can_order(&self) -> bool {
        self.can_manage && self.order.status == PurchaseStatus::Draft
    }

    pub fn can_cancel(&self) -> bool {
        self.can_manage
            && matches!(
                self.order.status,
                PurchaseStatus::Draft | PurchaseStatus::Ordered
            )
    }

    pub fn can_receive(&self) -> bool {
        self.can_manage && self.order.status.receivable()
    }
}

#[derive(Template)]
#[template(path = "inventory/reorder.html")]
pub struct ReorderPage {
    pub layout: Layout,
    pub slug: String,
    pub rows: Vec<ReorderRow>,
    pub pagination: Pagination,
    pub can_manage: bool,
}

impl ReorderPage {
    /// The new purchase order form with this row's item, quantity and location filled in.
    pub fn order_href(&self, row: &ReorderRow) -> String {
        let mut query = vec![
            ("item", row.item_id.to_string()),
            ("quantity", row.suggested.to_string()),
        ];
        if let Some(location) = row.location_id {
            query.push(("location", location.to_string()));
        }
        format!(
            "/o/{}/inventory/purchase-orders/new?{}",
            self.slug,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }

    /// The marketplace's search for this part number (other companies' surplus).
    pub fn market_href(&self, row: &ReorderRow) -> String {
        format!(
            "/marketplace?{}",
            serde_urlencoded::to_string([("q", &row.part_number)]).unwrap_or_default()
        )
    }
}
