//! Rust twins of the PostgreSQL enum types (all in `public`), imported by the generated schema.
