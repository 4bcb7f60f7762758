//! What inventory is made of: kinds of location, kinds of movement, purchase-order statuses,
//! and the limits every form and import checks.

use crate::pg_enum;

/// The most units one movement, level or order line may carry: more than any lift company
/// stocks of one part, and far from overflowing a total.
pub const MAX_QUANTITY: i32 = 1_000_000;
/// The largest unit cost or price, in the organization's currency.
pub const MAX_PRICE: i64 = 9_999_999;
/// Longest part number kept (the marketplace's limit).
pub const MAX_PART_NUMBER: usize = 100;

pg_enum!(
    /// Where stock is kept (seed 001 `stock_locations.location_type`).
    LocationType: diesel::sql_types::Text {
        Warehouse = "warehouse" => "Warehouse",
        Van = "van" => "Van",
        Site = "site" => "Site store",
        Consignment = "consignment" => "Consignment stock",
    }
);

pg_enum!(
    /// One kind of line in the ledger.
    MovementKind: diesel::sql_types::Text {
        Receive = "receive" => "Received",
        Issue = "issue" => "Issued to a work order",
        Return = "return" => "Returned from a work order",
        TransferOut = "transfer_out" => "Transferred out",
        TransferIn = "transfer_in" => "Transferred in",
        Adjust = "adjust" => "Adjusted",
        Count = "count" => "Counted",
        Reserve = "reserve" => "Reserved",
        Unreserve = "unreserve" => "Reservation released",
    }
);

pg_enum!(
    /// Where a purchase order is: draft → ordered → partly received → received | cancelled.
    PurchaseStatus: diesel::sql_types::Text {
        Draft = "draft" => "Draft",
        Ordered = "ordered" => "Ordered",
        PartlyReceived = "partly_received" => "Partly received",
        Received = "received" => "Received",
        Cancelled = "cancelled" => "Cancelled",
    }
);

impl MovementKind {
    /// The audit event a movement of this kind is recorded as (seed 000's names).
    pub fn audit_event(self) -> &'static str {
        match self {
            MovementKind::Receive => "stock_received",
            MovementKind::Issue => "stock_issued",
            MovementKind::Return => "stock_returned",
            MovementKind::TransferOut | MovementKind::TransferIn => "stock_transferred",
            MovementKind::Adjust => "stock_adjusted",
            MovementKind::Count => "stock_counted",
            MovementKind::Reserve => "stock_reserved",
            MovementKind::Unreserve => "stock_unreserved",
        }
    }

    /// The badge colour of the ledger's lines: in, out or neither.
    pub fn tone(self) -> &'static str {
        match self {
            MovementKind::Receive | MovementKind::Return | MovementKind::TransferIn => "ok",
            MovementKind::Issue | MovementKind::TransferOut => "warn",
            MovementKind::Adjust | MovementKind::Count => "info",
            MovementKind::Reserve | MovementKind::Unreserve => "grey",
        }
    }
}

impl PurchaseStatus {
    pub fn tone(self) -> &'static str {
        match self {
            PurchaseStatus::Draft => "grey",
            PurchaseStatus::Ordered => "info",
            PurchaseStatus::PartlyReceived => "warn",
            PurchaseStatus::Received => "ok",
            PurchaseStatus::Cancelled => "grey",
        }
    }

    /// Whether goods can still be received against it.
    pub fn receivable(self) -> bool {
        matches!(
            self,
            PurchaseStatus::Ordered | PurchaseStatus::PartlyReceived
        )
    }
}
