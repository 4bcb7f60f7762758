//! Rust twins of the PostgreSQL enum types (all in `public`), imported by the generated schema,
//! and [`pg_enum!`](crate::pg_enum) to map a Rust enum onto one of them.
//!
//! Each type names its schema: Diesel caches a custom type's OID per connection by name, and
//! the type must resolve to the one in `public` whatever the search_path.

/// Maps a Rust enum onto a PostgreSQL enum type declared in this module.
///
/// ```ignore
/// pg_enum!(ElevatorStatus: sql_types::ElevatorStatus {
///     Operational = "operational" => "Operational",
/// });
/// ```
/// gives the enum `as_str`, `label`, `parse`, `ALL`, `Display`, `Serialize` (as its stored
/// name), and Diesel's `ToSql`/`FromSql`.
#[macro_export]
macro_rules! pg_enum {
    ($(#[$meta:meta])* $name:ident : $sql_type:path { $($variant:ident = $text:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = $sql_type)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                match raw {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        /// Serialized as its stored name (audit trails, JSON).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Read by its stored name (the JSON API's input).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                $name::parse(&raw)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&raw, &[$($text),+]))
            }
        }

        /// Described to the API's OpenAPI document as its stored names.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl diesel::serialize::ToSql<$sql_type, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                std::io::Write::write_all(out, self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<$sql_type, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = std::str::from_utf8(bytes.as_bytes())?;
                $name::parse(text).ok_or_else(|| format!("unknown {} value {text:?}", stringify!($name)).into())
            }
        }
    };
}

/// Declares the Diesel SQL type of a PostgreSQL enum in `public`.
macro_rules! sql_enum_type {
    ($($name:ident = $pg:literal),+ $(,)?) => {
        $(
            #[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId, Debug, Clone, Copy)]
            #[diesel(postgres_type(name = $pg, schema = "public"))]
            pub struct $name;
        )+
    };
}

sql_enum_type! {
    ElevatorStatus = "elevator_status",
    InspectionResult = "inspection_result",
    WorkOrderStatus = "work_order_status",
    WorkOrderPriority = "work_order_priority",
    WorkOrderType = "work_order_type",
    ForumScope = "forum_scope",
    ForumVisibility = "forum_visibility",
    PartCondition = "part_condition",
    ListingStatus = "listing_status",
    MarketplaceTransactionStatus = "marketplace_transaction_status",
}

sql_enum_type! {
    JobEmploymentType = "job_employment_type",
    JobStatus = "job_status",
    ApplicationStatus = "application_status",
}

/// PostgreSQL's `tsvector`: the stored search document of forum threads. Only queried in SQL,
/// never read into Rust; the generated schema needs its name.
#[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId, Debug, Clone, Copy)]
#[diesel(postgres_type(oid = 3614, array_oid = 3643))]
pub struct Tsvector;
