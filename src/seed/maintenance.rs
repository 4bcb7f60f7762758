//! Maintenance schedules in the small seeded organizations, for the generator's benchmark:
//! `--maintenance-schedules N` gives each N monthly and weekly schedules over its lifts, their
//! first visits spread over the coming month, so a pass raises some and plans the rest.

use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::{Progress, SeedError, SeedOptions, SMALL_PREFIX};
use crate::db::PooledConn;
use crate::orgs::{self, As};

const SCHEDULES: &str = "INSERT INTO maintenance_schedules (elevator_id, site_id, name, work_type, \
       priority, frequency, every, anchor, lead_days, start_date, next_due_on, estimated_hours, \
       created_by) \
     SELECT e.id, e.site_id, CASE WHEN g % 4 = 0 THEN 'Weekly check ' ELSE 'Monthly service ' END || g, \
       'preventive', 'scheduled', CASE WHEN g % 4 = 0 THEN 'weekly' ELSE 'monthly' END, 1, 'fixed', 7, \
       current_date + (g * 7) % 30, current_date + (g * 7) % 30, 1.5, \
       '00000000-0000-0000-0000-000000000000' \
     FROM generate_series(1, $1) g \
     JOIN LATERAL (SELECT id, site_id FROM elevators WHERE deleted_at IS NULL \
       ORDER BY unit_number, id OFFSET (g - 1) % greatest((SELECT count(*) FROM elevators), 1) \
       LIMIT 1) e ON true";

/// Gives every small seeded organization without schedules `options.maintenance_schedules`.
pub fn ensure(
    conn: &mut PooledConn,
    options: &SeedOptions,
    progress: &Progress,
) -> Result<usize, SeedError> {
    if options.maintenance_schedules == 0 {
        return Ok(0);
    }
    use crate::db::schema_public::organizations::dsl as o;
    let small: Vec<crate::orgs::queries::Organization> = o::organizations
        .filter(o::slug.like(format!("{SMALL_PREFIX}%")))
        .filter(o::deleted_at.is_null())
        .select(crate::orgs::queries::Organization::as_select())
        .load(&mut **conn)?;
    let mut filled = 0;
    for org in &small {
        let added = orgs::enter_acting(
            conn,
            &org.handle(),
            As::Platform,
            |conn| -> Result<usize, SeedError> {
                let existing: i64 = crate::db::schema_org::maintenance_schedules::table
                    .count()
                    .get_result(conn)?;
                if existing > 0 {
                    return Ok(0);
                }
                Ok(diesel::sql_query(SCHEDULES)
                    .bind::<Integer, _>(
                        i32::try_from(options.maintenance_schedules).unwrap_or(i32::MAX),
                    )
                    .execute(conn)?)
            },
        )?;
        filled += usize::from(added > 0);
    }
    progress.say(format!(
        "maintenance schedules: {filled} organization(s) given {} each",
        options.maintenance_schedules
    ));
    Ok(filled)
}
