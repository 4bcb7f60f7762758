//! Demo listings (placeholder, filled below).
