//! Tenants: a building's occupants, who may follow their requests in the portal.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::Text;
use uuid::Uuid;

use crate::db::schema_org::{sites, tenants};
use crate::db::static_sql;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenants)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct Tenant {
    pub id: Uuid,
    pub site_id: Uuid,
    pub name: String,
    pub unit_number: Option<String>,
    pub floor: Option<String>,
    pub primary_contact_name: Option<String>,
    pub primary_contact_email: Option<String>,
    pub primary_contact_phone: Option<String>,
    pub portal_account_id: Option<Uuid>,
    pub is_active: bool,
    pub move_in_date: Option<NaiveDate>,
    pub move_out_date: Option<NaiveDate>,
}

pub fn tenants(
    conn: &mut PgConnection,
    site: Option<Uuid>,
    search: &str,
    include_inactive: bool,
) -> QueryResult<Vec<(Tenant, String)>> {
    let mut q = tenants::table.inner_join(sites::table).into_boxed();
    if let Some(site) = site {
        q = q.filter(tenants::site_id.eq(site));
    }
    if !include_inactive {
        q = q.filter(tenants::is_active.eq(true));
    }
    if !search.trim().is_empty() {
        let pattern = crate::db::contains_pattern(search.trim());
        q = q.filter(
            tenants::name
                .ilike(pattern.clone())
                .or(tenants::primary_contact_name.ilike(pattern.clone()))
                .or(tenants::primary_contact_email.ilike(pattern)),
        );
    }
    q.order((sites::name, static_sql::<Text>("lower(tenants.name)")))
        .limit(500)
        .select((Tenant::as_select(), sites::name))
        .load(conn)
}

pub fn tenant(conn: &mut PgConnection, id: Uuid) -> QueryResult<Tenant> {
    tenants::table
        .find(id)
        .select(Tenant::as_select())
        .first(conn)
}
