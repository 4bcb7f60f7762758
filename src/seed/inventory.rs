//! Parts inventory in the large seeded organizations, for the inventory list's benchmark:
//! `--inventory-items N` catalogue items and `--inventory-locations M` locations (a tenth of
//! them warehouses, the rest vans of the organization's contractors), and a year of ledger
//! lines — receipts, van restocks, issues — from which the levels and the items' totals are
//! summed in the same statement, so `sitesync inventory verify` finds them in agreement.
//! About one item in twenty is left at or below its reorder point.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Integer;

use super::{Progress, SeedError, SeedOptions, LARGE_PREFIX};
use crate::db::PooledConn;
use crate::orgs::{self, As};

/// `$1` locations, the first `$2` warehouses, the rest vans handed round the contractors.
const LOCATIONS: &str = "
WITH crews AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM contractors)
INSERT INTO stock_locations (name, location_type, contractor_id, address, created_at)
SELECT CASE WHEN g <= $2 THEN 'Warehouse ' || g ELSE 'Van ' || (g - $2) END,
       CASE WHEN g <= $2 THEN 'warehouse' ELSE 'van' END,
       CASE WHEN g > $2 AND crews.n > 0 THEN crews.ids[1 + (g - $2 - 1) % crews.n] END,
       CASE WHEN g <= $2 THEN (1 + g * 7 % 90) || ' ' || (ARRAY['Parramatta Road',
         'Sturt Street','Kingsford Smith Drive','Great Eastern Highway'])[1 + g % 4] || ', '
         || (ARRAY['Sydney','Melbourne','Brisbane','Perth'])[1 + g % 4] END,
       now() - interval '400 days'
FROM generate_series(1, $1) g, crews";

/// `$1` items over eight makes and sixteen kinds of part. Part numbers are the make's prefix
/// and six digits (`g * 7919` is a bijection modulo 10^6, so they never repeat); the lift
/// models are those the lifts seed uses.
const ITEMS: &str = "
INSERT INTO inventory_items (part_number, barcode, name, description, category, manufacturer,
    compatible_manufacturers, compatible_models, compatible_equipment_types, unit_cost,
    average_cost, sale_price, minimum_stock, reorder_point, reorder_quantity, created_at,
    updated_at)
SELECT x.prefix || lpad((g::bigint * 7919 % 1000000)::text, 6, '0'),
       '93' || lpad(g::text, 11, '0'),
       x.kind || ' for ' || x.make || ' ' || x.model,
       x.kind || ', genuine ' || x.make || ' part. Fits ' || x.model || ' and later units.',
       x.category, x.make, ARRAY[x.make], ARRAY[x.model], ARRAY['elevator'],
       x.cost, x.cost, round(x.cost * 1.35, 2),
       2 + g % 3, 5 + g % 6, 10 + g % 20,
       now() - interval '420 days', now() - interval '420 days'
FROM (SELECT g,
        (ARRAY['KONE','Otis','Schindler','TK Elevator','Mitsubishi','Fujitec','Hitachi','Sigma'])[1 + g % 8] AS make,
        (ARRAY['KM','GAA','SCH','TK','MEL','FJ','HT','SG'])[1 + g % 8] AS prefix,
        (ARRAY['MonoSpace 500','Gen2','3300','Synergy','NexWay','XIOR','UAX','Premier'])[1 + g % 8] AS model,
        (ARRAY['Door operator belt','Landing door roller','Car door roller set','Door gib',
               'Door interlock contact','Light curtain','Roller guide shoe insert','Brake pad set',
               'Final limit switch','Governor rope','Suspension rope 10 mm','Motor encoder',
               'Inverter cooling fan','Contactor relay','Car LED panel','Push button'])[1 + g / 8 % 16] AS kind,
        (ARRAY['Doors','Doors','Doors','Doors','Safety','Doors','Guides','Brakes','Safety',
               'Ropes','Ropes','Drive','Drive','Controller','Lighting','Fixtures'])[1 + g / 8 % 16] AS category,
        round((4 + g * 37 % 600 + (g % 100) / 100.0)::numeric, 2) AS cost
      FROM generate_series(1, $1) g) x";

/// The ledger of every item, then its levels and totals summed from the very lines written
/// (PostgreSQL runs the inserts in `WITH` whether or not the `UPDATE` reads them).
/// Each item is received at one warehouse, part of it moved to one van and (with more than
/// one van) to a second, some issued from the first van and some from the warehouse, in that
/// order over the past year, so no running figure goes below zero. Every twentieth item is
/// issued down to 0 or 1 in the warehouse and its reorder point raised to its total.
const LEDGER: &str = "
WITH places AS (
    SELECT (SELECT array_agg(id ORDER BY name) FROM stock_locations
              WHERE location_type = 'warehouse') AS whs,
           (SELECT count(*)::int FROM stock_locations WHERE location_type = 'warehouse') AS nw,
           (SELECT array_agg(id ORDER BY name) FROM stock_locations
              WHERE location_type = 'van') AS vans,
           (SELECT count(*)::int FROM stock_locations WHERE location_type = 'van') AS nv),
items AS (
    SELECT i.id, i.unit_cost, row_number() OVER (ORDER BY i.id)::int AS n
    FROM inventory_items i),
plan AS (
    SELECT p.*, CASE WHEN p.low THEN p.r - p.a - p.b - p.n % 2 ELSE p.n % 7 END AS d
    FROM (
        SELECT items.id, items.unit_cost, items.n, items.n % 20 = 0 AS low,
               places.whs[1 + items.n % places.nw] AS w,
               places.vans[1 + items.n % greatest(places.nv, 1)] AS v1,
               places.vans[1 + (items.n * 7 + 3) % greatest(places.nv, 1)] AS v2,
               20 + items.n % 60 AS r,
               CASE WHEN places.nv > 0 THEN 2 + items.n % 5 ELSE 0 END AS a,
               CASE WHEN places.nv > 1 AND (items.n * 7 + 3) % places.nv <> items.n % places.nv
                    THEN 1 + items.n % 4 ELSE 0 END AS b,
               CASE WHEN places.nv > 0 THEN items.n % 3 ELSE 0 END AS c,
               now() - interval '360 days' + (items.n % 60) * interval '1 day'
                 + (items.n % 1440) * interval '1 minute' AS t0,
               30 + items.n % 90 AS gap
        FROM items, places WHERE places.nw > 0) p),
lines AS (
    SELECT id, unit_cost, w AS location_id, 'receive' AS kind, r AS quantity,
           NULL::uuid AS counterpart, 'Opening stock' AS reason, t0 AS at FROM plan
    UNION ALL SELECT id, unit_cost, w, 'transfer_out', -a, v1, 'Van restock',
           t0 + gap * interval '1 day' FROM plan WHERE a > 0
    UNION ALL SELECT id, unit_cost, v1, 'transfer_in', a, w, 'Van restock',
           t0 + gap * interval '1 day' FROM plan WHERE a > 0
    UNION ALL SELECT id, unit_cost, w, 'transfer_out', -b, v2, 'Van restock',
           t0 + (gap + 20) * interval '1 day' FROM plan WHERE b > 0
    UNION ALL SELECT id, unit_cost, v2, 'transfer_in', b, w, 'Van restock',
           t0 + (gap + 20) * interval '1 day' FROM plan WHERE b > 0
    UNION ALL SELECT id, unit_cost, v1, 'issue', -c, NULL, 'Used on a service visit',
           t0 + (gap + 50 + n % 120) * interval '1 day' FROM plan WHERE c > 0
    UNION ALL SELECT id, unit_cost, w, 'issue', -d, NULL, 'Used on a repair',
           t0 + (gap + 55 + n % 120) * interval '1 day' FROM plan WHERE d > 0),
numbered AS (
    SELECT lines.*, sum(quantity) OVER (PARTITION BY id, location_id ORDER BY at
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::int AS after
    FROM lines),
movements AS (
    INSERT INTO stock_movements (item_id, location_id, kind, quantity, unit_cost, reason,
        counterpart_location_id, on_hand_after, created_by_name, created_at)
    SELECT id, location_id, kind, quantity, unit_cost, reason, counterpart, after,
           'Bench Runner', at FROM numbered),
levels AS (
    INSERT INTO stock_levels (item_id, location_id, on_hand)
    SELECT id, location_id, sum(quantity)::int FROM numbered GROUP BY id, location_id),
totals AS (
    SELECT id, sum(quantity)::int AS on_hand,
           max(at) FILTER (WHERE kind = 'issue') AS issued
    FROM numbered GROUP BY id)
UPDATE inventory_items i
SET on_hand = t.on_hand,
    reorder_point = CASE WHEN plan.low THEN greatest(i.reorder_point, t.on_hand)
                         ELSE i.reorder_point END,
    last_issued_at = t.issued
FROM totals t, plan
WHERE i.id = t.id AND plan.id = t.id";

/// Gives every large seeded organization without inventory its catalogue, locations and
/// ledger.
pub fn ensure(
    conn: &mut PooledConn,
    options: &SeedOptions,
    progress: &Progress,
) -> Result<usize, SeedError> {
    if options.inventory_items == 0 {
        return Ok(0);
    }
    use crate::db::schema_public::organizations::dsl as o;
    let large: Vec<crate::orgs::queries::Organization> = o::organizations
        .filter(o::slug.like(format!("{}%", LARGE_PREFIX.replace('_', "\\_"))))
        .filter(o::deleted_at.is_null())
        .select(crate::orgs::queries::Organization::as_select())
        .load(&mut **conn)?;
    let locations = to_i32(options.inventory_locations);
    let warehouses = (locations / 10).max(1).min(locations);
    let mut filled = 0;
    for org in &large {
        let added = orgs::enter_acting(
            conn,
            &org.handle(),
            As::Platform,
            |conn| -> Result<bool, SeedError> {
                let existing: i64 = crate::db::schema_org::inventory_items::table
                    .count()
                    .get_result(conn)?;
                if existing > 0 {
                    return Ok(false);
                }
                diesel::sql_query(LOCATIONS)
                    .bind::<Integer, _>(locations)
                    .bind::<Integer, _>(warehouses)
                    .execute(conn)?;
                diesel::sql_query(ITEMS)
                    .bind::<Integer, _>(to_i32(options.inventory_items))
                    .execute(conn)?;
                diesel::sql_query(LEDGER).execute(conn)?;
                conn.batch_execute(
                    "ANALYZE inventory_items; ANALYZE stock_locations; ANALYZE stock_levels; \
                     ANALYZE stock_movements",
                )?;
                Ok(true)
            },
        )?;
        filled += usize::from(added);
    }
    progress.say(format!(
        "inventory: {filled} organization(s) given {} items over {} locations",
        options.inventory_items, options.inventory_locations
    ));
    Ok(filled)
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
