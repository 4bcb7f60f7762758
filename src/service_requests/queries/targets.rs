//! What a public report link points at: a site, or one lift of it.

use diesel::prelude::*;
use diesel::sql_types::Text;
use uuid::Uuid;

use crate::db::schema_org::{elevators, sites};
use crate::db::static_sql;

#[derive(Debug, Clone)]
pub struct ReportTarget {
    pub site_id: Uuid,
    pub site_name: String,
    pub address: String,
    pub emergency_phone: Option<String>,
    pub emergency_name: Option<String>,
    /// Set for a per-lift link.
    pub elevator_id: Option<Uuid>,
    pub lifts: Vec<(Uuid, String)>,
}

/// The site or lift behind a report token; retired or unknown tokens find nothing.
pub fn find_target(conn: &mut PgConnection, token: &str) -> QueryResult<Option<ReportTarget>> {
    let by_lift: Option<(Uuid, Uuid)> = elevators::table
        .filter(elevators::report_token.eq(token))
        .filter(elevators::deleted_at.is_null())
        .select((elevators::id, elevators::site_id))
        .first(conn)
        .optional()?;
    let (site_id, elevator_id) = match by_lift {
        Some((lift, site)) => (site, Some(lift)),
        None => match sites::table
            .filter(sites::report_token.eq(token))
            .filter(sites::deleted_at.is_null())
            .select(sites::id)
            .first::<Uuid>(conn)
            .optional()?
        {
            Some(site) => (site, None),
            None => return Ok(None),
        },
    };
    site_target(conn, site_id, elevator_id)
}

/// The report target of a current site (and one of its lifts, for a per-lift link); a removed
/// site is none.
pub fn site_target(
    conn: &mut PgConnection,
    site_id: Uuid,
    elevator_id: Option<Uuid>,
) -> QueryResult<Option<ReportTarget>> {
    let site = crate::sites::queries::find(conn, site_id)?;
    if site.deleted_at.is_some() {
        return Ok(None);
    }
    let lifts = current_lifts(conn, site_id)?;
    let address = [
        site.address_line1.clone(),
        site.city.clone(),
        site.state.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    Ok(Some(ReportTarget {
        site_id,
        site_name: site.name,
        address,
        emergency_phone: site.emergency_contact_phone,
        emergency_name: site.emergency_contact_name,
        elevator_id,
        lifts,
    }))
}

/// The current lifts of a site, by unit: (id, unit).
pub fn current_lifts(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<Vec<(Uuid, String)>> {
    elevators::table
        .filter(elevators::site_id.eq(site_id))
        .filter(elevators::deleted_at.is_null())
        .order(static_sql::<Text>("lower(unit_number)"))
        .select((elevators::id, elevators::unit_number))
        .load(conn)
}

/// A site's name and time zone: where a request was made, and the zone its times read in.
pub fn site_place(conn: &mut PgConnection, site_id: Uuid) -> QueryResult<(String, String)> {
    sites::table
        .find(site_id)
        .select((sites::name, sites::timezone))
        .first(conn)
}

pub fn lift_unit(conn: &mut PgConnection, elevator_id: Uuid) -> QueryResult<String> {
    elevators::table
        .find(elevator_id)
        .select(elevators::unit_number)
        .first(conn)
}

/// Whose report link: a site's (for any of its lifts) or one lift's.
#[derive(Debug, Clone, Copy)]
pub enum ReportLink {
    Site(Uuid),
    Lift(Uuid),
}

/// What a printed report link names, and its token.
pub struct LinkLabel {
    pub site_name: String,
    /// For one lift's link.
    pub unit: Option<String>,
    pub token: String,
}

/// The report link of a current lift or of a site.
pub fn report_link(conn: &mut PgConnection, link: ReportLink) -> QueryResult<LinkLabel> {
    match link {
        ReportLink::Lift(lift) => {
            let (unit, site_id, token): (String, Uuid, String) = elevators::table
                .find(lift)
                .filter(elevators::deleted_at.is_null())
                .select((
                    elevators::unit_number,
                    elevators::site_id,
                    elevators::report_token,
                ))
                .first(conn)?;
            Ok(LinkLabel {
                site_name: site_place(conn, site_id)?.0,
                unit: Some(unit),
                token,
            })
        }
        ReportLink::Site(site) => {
            let (site_name, token): (String, String) = sites::table
                .find(site)
                .select((sites::name, sites::report_token))
                .first(conn)?;
            Ok(LinkLabel {
                site_name,
                unit: None,
                token,
            })
        }
    }
}
