//! The states of listings and purchases, and which party may move a purchase from which state.

use crate::db::sql_types;
use crate::pg_enum;

pg_enum!(PartCondition: sql_types::PartCondition {
    New = "new" => "New",
    Refurbished = "refurbished" => "Refurbished",
    UsedTested = "used_tested" => "Used, tested",
    UsedUntested = "used_untested" => "Used, untested",
    ForParts = "for_parts" => "For parts or repair",
});

pg_enum!(ListingStatus: sql_types::ListingStatus {
    Active = "active" => "Active",
    Reserved = "reserved" => "Reserved",
    Sold = "sold" => "Sold",
    Expired = "expired" => "Expired",
    Withdrawn = "withdrawn" => "Withdrawn",
});

pg_enum!(TransactionStatus: sql_types::MarketplaceTransactionStatus {
    Pending = "pending" => "Awaiting payment",
    Paid = "paid" => "Paid",
    Shipped = "shipped" => "Shipped",
    Delivered = "delivered" => "Delivered",
    Completed = "completed" => "Completed",
    Cancelled = "cancelled" => "Cancelled",
    Disputed = "disputed" => "Disputed",
    Refunded = "refunded" => "Refunded",
});

impl ListingStatus {
    /// The badge colour class; the badge always shows the label too.
    pub fn badge(self) -> &'static str {
        match self {
            ListingStatus::Active => "badge-ok",
            ListingStatus::Reserved => "badge-info",
            ListingStatus::Sold => "badge-grey",
            ListingStatus::Expired => "badge-warn",
            ListingStatus::Withdrawn => "badge-bad",
        }
    }
}

impl TransactionStatus {
    pub fn badge(self) -> &'static str {
        match self {
            TransactionStatus::Pending | TransactionStatus::Paid => "badge-info",
            TransactionStatus::Shipped | TransactionStatus::Delivered => "badge-warn",
            TransactionStatus::Completed => "badge-ok",
            TransactionStatus::Cancelled | TransactionStatus::Refunded => "badge-grey",
            TransactionStatus::Disputed => "badge-bad",
        }
    }
}

/// Which side of a purchase someone is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Buyer,
    Seller,
}

/// A step in a purchase's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The seller records the payment it received.
    Pay,
    /// The seller sends the part (or has it ready for pickup).
    Ship,
    /// The buyer confirms it arrived.
    Deliver,
    /// The buyer is satisfied; reviews open.
    Complete,
    /// Either side calls off an unpaid purchase; the quantity goes back on the listing.
    Cancel,
    /// The buyer raises a problem with a part sent or received.
    Dispute,
    /// The seller refunds a disputed purchase, which closes it.
    Refund,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Pay,
        Action::Ship,
        Action::Deliver,
        Action::Complete,
        Action::Cancel,
        Action::Dispute,
        Action::Refund,
    ];

    pub fn parse(raw: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Pay => "pay",
            Action::Ship => "ship",
            Action::Deliver => "deliver",
            Action::Complete => "complete",
            Action::Cancel => "cancel",
            Action::Dispute => "dispute",
            Action::Refund => "refund",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Pay => "Record payment",
            Action::Ship => "Mark as shipped",
            Action::Deliver => "Confirm delivery",
            Action::Complete => "Complete the purchase",
            Action::Cancel => "Cancel the purchase",
            Action::Dispute => "Open a dispute",
            Action::Refund => "Record refund",
        }
    }

    /// The states it may start from, the state it leads to, and who may take it.
    pub fn rule(
        self,
    ) -> (
        &'static [TransactionStatus],
        TransactionStatus,
        &'static [Party],
    ) {
        use TransactionStatus as S;
        match self {
            Action::Pay => (&[S::Pending], S::Paid, &[Party::Seller]),
            Action::Ship => (&[S::Paid], S::Shipped, &[Party::Seller]),
            Action::Deliver => (&[S::Shipped], S::Delivered, &[Party::Buyer]),
            Action::Complete => (&[S::Delivered], S::Completed, &[Party::Buyer]),
            Action::Cancel => (&[S::Pending], S::Cancelled, &[Party::Buyer, Party::Seller]),
            Action::Dispute => (&[S::Shipped, S::Delivered], S::Disputed, &[Party::Buyer]),
            Action::Refund => (&[S::Disputed], S::Refunded, &[Party::Seller]),
        }
    }

    pub fn party_may(self, party: Party) -> bool {
        self.rule().2.contains(&party)
    }

    pub fn starts_from(self, status: TransactionStatus) -> bool {
        self.rule().0.contains(&status)
    }

    /// The actions `party` can take on a purchase in `status`.
    pub fn available(status: TransactionStatus, party: Party) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| a.party_may(party) && a.starts_from(status))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_offers_only_its_steps() {
        use TransactionStatus as S;
        assert_eq!(
            Action::available(S::Pending, Party::Seller),
            vec![Action::Pay, Action::Cancel]
        );
        assert_eq!(
            Action::available(S::Pending, Party::Buyer),
            vec![Action::Cancel]
        );
        assert_eq!(
            Action::available(S::Shipped, Party::Buyer),
            vec![Action::Deliver, Action::Dispute]
        );
        for closed in [S::Completed, S::Cancelled, S::Refunded] {
            assert!(Action::available(closed, Party::Buyer).is_empty());
            assert!(Action::available(closed, Party::Seller).is_empty());
        }
        assert!(!Action::Refund.party_may(Party::Buyer));
    }
}
