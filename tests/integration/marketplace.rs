//! Parts marketplace.
