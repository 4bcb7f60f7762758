//! Purchase orders and the reorder list.
