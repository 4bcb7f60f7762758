//! The inventory pages' templates (`templates/inventory/`). Purchase orders and the reorder
//! list have theirs in [`purchases`].

pub mod purchases;
