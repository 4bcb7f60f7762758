//! Demo stock: a main warehouse, two vans of the demo's technicians, about 150 parts of the
//! makes the demo's lifts are, and a year of ledger history posted through the operations
//! (receipts, van restocks, issues, a purchase order received, a van count, adjustments,
//! parts taken for this week's work orders), a few items left at or below their reorder point
//! and one purchase order on its way. The caller has entered the demo organization.
//!
//! Every line is posted at the moment it is posted; each one is then re-dated to its place in
//! the year, so the script runs in date order and each step re-dates only what it wrote.

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::forms::{FromStock, ItemValues, LocationValues, PurchaseValues, StockChange, Transfer};
use super::model::{LocationType, MovementKind, PurchaseStatus};
use super::operations::{self, purchases, stock, InventoryError};
use super::queries::ledger::Entry;
use crate::db::schema_org::{inventory_items, purchase_orders, stock_levels, stock_movements};
use crate::orgs::{Actor, OrgHandle};
use crate::work_orders::operations::Acting;
use crate::work_orders::status::WorkOrderStatus;

/// (name, category, list cost in cents, reorder point, reorder quantity)
const KINDS: &[(&str, &str, i64, i32, i32)] = &[
    ("Door operator belt", "Doors", 4250, 4, 10),
    ("Landing door roller", "Doors", 1280, 8, 20),
    ("Car door hanger roller set", "Doors", 8900, 3, 6),
    ("Door gib (sill guide shoe)", "Doors", 640, 10, 30),
    ("Door interlock contact", "Safety", 7400, 4, 8),
    ("Light curtain pair", "Doors", 46500, 1, 2),
    ("Door operator motor", "Doors", 128000, 1, 1),
    ("Roller guide shoe insert", "Guides", 1890, 8, 24),
    ("Sliding guide shoe liner", "Guides", 2450, 6, 16),
    ("Brake pad set", "Brakes", 23600, 2, 4),
    ("Brake solenoid coil", "Brakes", 41200, 1, 2),
    ("Final limit switch", "Safety", 15800, 2, 4),
    ("Slowdown limit switch", "Safety", 9600, 2, 6),
    ("Governor rope 6 mm, 50 m reel", "Ropes", 38000, 1, 2),
    ("Suspension rope 10 mm, 100 m reel", "Ropes", 185000, 1, 1),
    ("Rope clamp set", "Ropes", 5200, 4, 10),
    ("Motor encoder", "Drive", 48900, 1, 2),
    ("Inverter cooling fan", "Drive", 11800, 2, 4),
    ("Main contactor", "Controller", 16400, 2, 4),
    ("Controller relay board", "Controller", 89000, 1, 1),
    ("Car operating panel push button", "Fixtures", 3900, 10, 20),
    ("Landing call push button", "Fixtures", 3400, 10, 20),
    ("LED car ceiling panel", "Lighting", 21500, 2, 4),
    ("Emergency light battery pack", "Lighting", 7800, 4, 8),
    ("Car position indicator display", "Fixtures", 32000, 1, 2),
    ("Safety gear spring set", "Safety", 13500, 2, 4),
    ("Door safety edge", "Doors", 27500, 2, 4),
    ("Emergency phone module", "Communication", 54000, 1, 2),
    ("Travelling cable 24-core, 25 m", "Cables", 62000, 1, 1),
    ("Hydraulic valve seal kit", "Hydraulic", 18600, 2, 4),
];

/// The demo lifts' makes (`sites::demo`), their models, and what their prices run at against
/// the list cost, in percent.
const MAKES: &[(&str, &[&str], i64)] = &[
    ("KONE", &["MonoSpace 500", "TranSys"], 100),
    ("Otis", &["Gen2 Comfort", "SkyRise"], 110),
    ("Schindler", &["5500", "330A"], 105),
    ("TK Elevator", &["synergy"], 95),
    ("Mitsubishi", &["NexWay"], 115),
];

/// The parts the demo work orders name (`work_orders::demo`), with their own numbers and
/// prices: (kind, make, part number, cents).
const KNOWN: &[(&str, &str, &str, i64)] = &[
    ("Door operator belt", "KONE", "KM602450", 4250),
    ("Roller guide shoe insert", "Schindler", "59311032", 1890),
    ("Brake pad set", "Otis", "GAA24350BK1", 23600),
    ("Motor encoder", "TK Elevator", "ENC-1024", 48900),
];

/// One catalogue entry of the demo.
#[derive(Debug, Clone)]
pub struct Part {
    pub part_number: String,
    pub name: String,
    pub category: &'static str,
    pub make: &'static str,
    pub models: Vec<String>,
    pub cents: i64,
    pub reorder_point: i32,
    pub reorder_quantity: i32,
}

/// Each make's own style of part number for the `k`-th kind.
fn part_number(make: &str, k: usize) -> String {
    match make {
        "KONE" => format!("KM{}", 600_000 + 1_000 * ((k * 37) % 97) + k * 11),
        "Otis" => format!(
            "GAA{:05}{}",
            20_000 + k * 613,
            ["AH1", "BK1", "CD2", "AJ3", "BF4"][k % 5]
        ),
        "Schindler" => format!("{}", 59_300_000 + k * 1_237),
        "TK Elevator" => format!("TK-{:07}", 1_004_000 + k * 523),
        _ => format!("YX{:03}B{:03}", 100 + k * 7, 200 + k * 13),
    }
}

/// The demo catalogue: every kind of part for every make, and the car LED strip the demo
/// work orders fit to any lift.
pub fn catalogue() -> Vec<Part> {
    let mut parts = Vec::new();
    for (k, (kind, category, cents, reorder_point, reorder_quantity)) in KINDS.iter().enumerate() {
        for (make, models, percent) in MAKES {
            let known = KNOWN.iter().find(|(n, m, _, _)| n == kind && m == make);
            parts.push(Part {
                part_number: known.map_or_else(
                    || part_number(make, k),
                    |(_, _, number, _)| (*number).to_string(),
                ),
                name: (*kind).to_string(),
                category,
                make,
                models: models.iter().map(|m| (*m).to_string()).collect(),
                cents: known.map_or(cents * percent / 100, |(_, _, _, c)| *c),
                reorder_point: *reorder_point,
                reorder_quantity: *reorder_quantity,
            });
        }
    }
    parts.push(Part {
        part_number: "LC-24V".into(),
        name: "Car LED light strip, 24 V".into(),
        category: "Lighting",
        make: "Generic",
        models: Vec::new(),
        cents: 6500,
        reorder_point: 3,
        reorder_quantity: 10,
    });
    parts
}

fn money(cents: i64) -> BigDecimal {
    BigDecimal::new(cents.into(), 2)
}

/// Posts the demo's stock and keeps, beside the database, what each place holds, so every
/// step of the script is one the rules allow.
struct Stocker<'a> {
    conn: &'a mut PgConnection,
    org: &'a OrgHandle,
    actor: &'a Actor,
    parts: Vec<Part>,
    items: Vec<Uuid>,
    /// The warehouse first, then the vans.
    places: Vec<Uuid>,
    held: HashMap<(usize, usize), i32>,
}

impl Stocker<'_> {
    fn at(&self, item: usize, place: usize) -> i32 {
        self.held.get(&(item, place)).copied().unwrap_or(0)
    }

    fn total(&self, item: usize) -> i32 {
        (0..self.places.len()).map(|p| self.at(item, p)).sum()
    }

    /// Units above the reorder point: what may go without making the item one to reorder.
    fn spare(&self, item: usize) -> i32 {
        self.total(item) - self.parts[item].reorder_point
    }

    fn change(&mut self, item: usize, place: usize, quantity: i32) {
        *self.held.entry((item, place)).or_insert(0) += quantity;
    }

    /// Moves what was just written to `at`: the script runs in date order, so everything
    /// later than `at` is this step's.
    fn stamp(&mut self, at: DateTime<Utc>) -> QueryResult<()> {
        diesel::update(stock_movements::table.filter(stock_movements::created_at.gt(at)))
            .set(stock_movements::created_at.eq(at))
            .execute(self.conn)?;
        Ok(())
    }

    fn receive(
        &mut self,
        at: DateTime<Utc>,
        item: usize,
        quantity: i32,
    ) -> Result<(), InventoryError> {
        let change = StockChange {
            item_id: self.items[item],
            location_id: self.places[0],
            quantity,
            unit_cost: Some(money(self.parts[item].cents)),
            reason: Some("Opening stock, carried over from the parts spreadsheet".into()),
        };
        stock::receive(self.conn, self.org, self.actor, &change)?;
        self.change(item, 0, quantity);
        Ok(self.stamp(at)?)
    }

    fn restock(
        &mut self,
        at: DateTime<Utc>,
        van: usize,
        lines: &[(usize, i32)],
    ) -> Result<(), InventoryError> {
        let transfer = Transfer {
            from: self.places[0],
            to: self.places[van],
            reason: Some("Weekly van restock".into()),
            lines: lines
                .iter()
                .map(|(item, q)| (self.items[*item], *q))
                .collect(),
        };
        operations::transfer(self.conn, self.org, self.actor, &transfer)?;
        for (item, q) in lines {
            self.change(*item, 0, -q);
            self.change(*item, van, *q);
        }
        Ok(self.stamp(at)?)
    }

    /// An issue without a work order in SiteSync (a visit booked elsewhere) or an
    /// adjustment: one ledger line with its reason.
    fn post(
        &mut self,
        at: DateTime<Utc>,
        kind: MovementKind,
        (item, place): (usize, usize),
        quantity: i32,
        reason: &str,
    ) -> Result<(), InventoryError> {
        let (id, location) = (self.items[item], self.places[place]);
        let mut entry = Entry::new(kind, id, location, quantity, self.actor);
        entry.reason = Some(reason);
        stock::record(self.conn, self.org, self.actor, &entry)?;
        self.change(item, place, quantity);
        Ok(self.stamp(at)?)
    }

    /// Where one unit of `item` is taken from: the van first, as a technician would.
    fn source(&self, item: usize, van: Option<usize>) -> Option<usize> {
        van.filter(|v| self.at(item, *v) > 0)
            .or_else(|| (1..self.places.len()).find(|p| self.at(item, *p) > 0))
            .or_else(|| (self.at(item, 0) > 0).then_some(0))
    }
}

/// Items left at or below their reorder point at the end of the year (by catalogue index).
const LOW: &[usize] = &[3, 17, 46, 80, 112, 139];

/// Seeds the demo stock unless the catalogue has items already.
pub fn seed(conn: &mut PgConnection, org: &OrgHandle, actor: &Actor) -> Result<(), InventoryError> {
    let existing: i64 = inventory_items::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let warehouse = operations::create_location(
        conn,
        org.id,
        actor,
        &LocationValues {
            name: "Main warehouse".into(),
            location_type: LocationType::Warehouse,
            contractor_id: None,
            account_id: None,
            site_id: None,
            address: Some("Unit 4, 18 Bourke Road, Alexandria NSW 2015".into()),
            notes: Some(
                "Shelves A–F; ropes and cable reels in the cage by the roller door.".into(),
            ),
        },
    )?;
    let mut places = vec![warehouse.id];
    let mut van_of = HashMap::new();
    for (n, (contractor, name, _)) in crate::contractors::queries::options(conn)?
        .into_iter()
        .take(2)
        .enumerate()
    {
        let van = operations::create_location(
            conn,
            org.id,
            actor,
            &LocationValues {
                name: format!("Van {} — {name}", n + 1),
                location_type: LocationType::Van,
                contractor_id: Some(contractor),
                account_id: None,
                site_id: None,
                address: None,
                notes: Some("Restocked from the main warehouse every few weeks.".into()),
            },
        )?;
        van_of.insert(contractor, places.len());
        places.push(van.id);
    }
    let parts = catalogue();
    let mut items = Vec::with_capacity(parts.len());
    for (n, part) in parts.iter().enumerate() {
        let values = ItemValues {
            part_number: part.part_number.clone(),
            manufacturer_part_number: None,
            barcode: Some(format!("93{:011}", 4_100_000 + n * 7)),
            name: part.name.clone(),
            description: Some(if part.models.is_empty() {
                "Fits any lift.".to_string()
            } else {
                format!(
                    "Genuine {} part for {} lifts.",
                    part.make,
                    part.models.join(" and ")
                )
            }),
            category: Some(part.category.into()),
            subcategory: None,
            manufacturer: Some(part.make.into()),
            // The generic strip fits any make, so names none.
            compatible_manufacturers: part
                .models
                .iter()
                .take(1)
                .map(|_| part.make.into())
                .collect(),
            compatible_models: part.models.clone(),
            compatible_equipment_types: vec!["elevator".into()],
            sale_price: Some(money(part.cents * 140 / 100)),
            unit_cost: money(part.cents),
            minimum_stock: part.reorder_point / 2,
            reorder_point: part.reorder_point,
            reorder_quantity: part.reorder_quantity,
            specifications: None,
        };
        items.push(operations::create_item(conn, actor, &values)?.id);
    }
    let vans = places.len() - 1;
    let now = Utc::now();
    let start = now - Duration::days(365);
    let mut s = Stocker {
        conn,
        org,
        actor,
        parts,
        items,
        places,
        held: HashMap::new(),
    };
    let n = s.items.len();

    // Opening stock over the first three weeks.
    for item in 0..n {
        let q =
            s.parts[item].reorder_point + s.parts[item].reorder_quantity + 3 + (item % 4) as i32;
        s.receive(start + Duration::hours(3 * item as i64), item, q)?;
    }
    // A year of weeks: vans restocked every fourth week, a part or two used each week, and
    // a purchase order received in the middle of the year.
    let mut restocks = 0;
    for week in 0..46i64 {
        let monday = start + Duration::days(21 + week * 7) + Duration::hours(7);
        if week % 4 == 1 && vans > 0 && restocks < 10 {
            let lines: Vec<(usize, i32)> = (0..7)
                .map(|j| ((restocks * 13 + j * 17) % n, 2 + (j % 2) as i32))
                .filter(|(item, q)| s.at(*item, 0) > q + 1)
                .collect();
            if !lines.is_empty() {
                s.restock(monday, 1 + restocks % vans, &lines)?;
            }
            restocks += 1;
        }
        if week == 24 {
            received_order(&mut s, monday + Duration::hours(2))?;
        }
        for k in 0..(1 + usize::from(week % 3 == 0)) {
            let item = (week as usize * 31 + k * 7) % n;
            if LOW.contains(&item) || s.spare(item) <= 1 {
                continue;
            }
            if let Some(place) = s.source(item, None) {
                let at = monday + Duration::days(1 + k as i64 * 2) + Duration::hours(3);
                let reason = "Used on a maintenance visit";
                s.post(at, MovementKind::Issue, (item, place), -1, reason)?;
            }
        }
    }
    // The quarterly count of the first van, fifteen days ago: one unit missing, one found.
    if vans > 0 {
        let at = now - Duration::days(15);
        let mut counted: Vec<(usize, i32)> = (0..n)
            .filter(|i| s.at(*i, 1) > 0)
            .map(|i| (i, s.at(i, 1)))
            .collect();
        if let Some(missing) = counted
            .iter_mut()
            .find(|(i, _)| !LOW.contains(i) && s.spare(*i) > 2)
        {
            missing.1 -= 1;
        }
        if let Some(found) = counted.last_mut() {
            found.1 += 1;
        }
        let by_id: Vec<(Uuid, i32)> = counted.iter().map(|(i, q)| (s.items[*i], *q)).collect();
        let count = crate::inventory::forms::Count {
            lines: by_id,
            reason: Some("Quarterly van stocktake".into()),
        };
        stock::count(s.conn, org, actor, s.places[1], &count)?;
        for (item, q) in &counted {
            let before = s.at(*item, 1);
            s.change(*item, 1, q - before);
        }
        s.stamp(at)?;
        diesel::update(
            stock_levels::table
                .filter(stock_levels::location_id.eq(s.places[1]))
                .filter(stock_levels::last_counted_at.is_not_null()),
        )
        .set(stock_levels::last_counted_at.eq(at))
        .execute(s.conn)?;
    }
    // Corrections after the count.
    let adjustments: [(usize, i32, &str); 4] = [
        (5, -1, "Damaged in handling: cracked housing"),
        (21, 2, "Found on the returns shelf"),
        (64, -1, "Wrong part returned to the supplier"),
        (98, -1, "Water damage in the store"),
    ];
    for (k, (item, q, why)) in adjustments.into_iter().enumerate() {
        if item < n && s.at(item, 0) + q >= 0 && (q > 0 || s.spare(item) > 1) {
            let at = now - Duration::days(12 - 2 * k as i64);
            s.post(at, MovementKind::Adjust, (item, 0), q, why)?;
        }
    }
    // A modernisation took the last of a few parts.
    for (k, item) in LOW.iter().copied().filter(|i| *i < n).enumerate() {
        let target = (s.parts[item].reorder_point - (k % 2) as i32).max(0);
        let mut needed = s.total(item) - target;
        for place in 0..s.places.len() {
            let q = needed.min(s.at(item, place));
            if q > 0 {
                let at = now - Duration::days(4)
                    + Duration::hours(k as i64 * 2)
                    + Duration::minutes(place as i64);
                let reason = "Used on the Harbour Tower modernisation";
                s.post(at, MovementKind::Issue, (item, place), -q, reason)?;
                needed -= q;
            }
        }
    }
    work_order_issues(&mut s, &van_of, now)?;
    open_order(&mut s, now)?;
    diesel::sql_query(
        "UPDATE inventory_items i SET last_issued_at = (SELECT max(m.created_at) \
           FROM stock_movements m WHERE m.item_id = i.id AND m.kind = 'issue')",
    )
    .execute(s.conn)?;
    Ok(())
}

/// A restock ordered from the supplier and received in full, in the middle of the year.
fn received_order(s: &mut Stocker, at: DateTime<Utc>) -> Result<(), InventoryError> {
    let picked: Vec<usize> = (0..8).map(|j| (j * 19 + 5) % s.items.len()).collect();
    let notes = "Mid-year top-up of fast movers.";
    let id = order(
        s,
        "Elevator Parts Australia",
        notes,
        at - Duration::days(1),
        &picked,
    )?;
    let lines = super::queries::purchases::lines_of(s.conn, id)?;
    let arrived: Vec<(Uuid, i32)> = lines.iter().map(|l| (l.id, l.quantity)).collect();
    purchases::receive(s.conn, s.org, s.actor, id, &arrived)?;
    for item in picked {
        let q = s.parts[item].reorder_quantity;
        s.change(item, 0, q);
    }
    s.stamp(at)?;
    diesel::update(purchase_orders::table.find(id))
        .set((
            purchase_orders::created_at.eq(at - Duration::days(9)),
            purchase_orders::ordered_at.eq(Some(at - Duration::days(8))),
            purchase_orders::updated_at.eq(at),
        ))
        .execute(s.conn)?;
    Ok(())
}

/// Parts taken from stock for this week's open work orders, from the assignee's van when it
/// holds them.
fn work_order_issues(
    s: &mut Stocker,
    van_of: &HashMap<Uuid, usize>,
    now: DateTime<Utc>,
) -> Result<(), InventoryError> {
    use crate::db::schema_org::work_orders as wo;
    let orders: Vec<(Uuid, i32, Option<Uuid>)> = wo::table
        .filter(wo::status.eq_any([WorkOrderStatus::Scheduled, WorkOrderStatus::InProgress]))
        .order((wo::reported_at.desc(), wo::id))
        .select((wo::id, wo::version, wo::assigned_contractor_id))
        .limit(10)
        .load(s.conn)?;
    let acting = Acting::system(s.org, s.actor);
    for (k, (order, version, contractor)) in orders.into_iter().enumerate() {
        let van = contractor.and_then(|c| van_of.get(&c).copied());
        let item = (0..s.items.len())
            .map(|j| (k * 11 + j * 3) % s.items.len())
            .find(|i| !LOW.contains(i) && s.spare(*i) > 1 && s.source(*i, van).is_some());
        let Some(item) = item else { continue };
        let Some(place) = s.source(item, van) else {
            continue;
        };
        let pick = FromStock {
            item_id: s.items[item],
            location_id: s.places[place],
            quantity: 1,
            reserve: false,
        };
        operations::issue_to_work_order(s.conn, &acting, order, version, &pick)?;
        s.change(item, place, -1);
        s.stamp(now - Duration::hours(36) + Duration::hours(2 * k as i64))?;
    }
    Ok(())
}

/// The order for what is running low, sent to the supplier and not yet arrived.
fn open_order(s: &mut Stocker, now: DateTime<Utc>) -> Result<(), InventoryError> {
    let low: Vec<usize> = LOW.iter().copied().filter(|i| *i < s.items.len()).collect();
    if low.is_empty() {
        return Ok(());
    }
    let notes = "Reorder of the parts the modernisation used up.";
    order(
        s,
        "Lift Spares Direct",
        notes,
        now + Duration::days(10),
        &low,
    )?;
    Ok(())
}

/// A purchase order of each item's reorder quantity, at list cost, sent to `supplier`.
fn order(
    s: &mut Stocker,
    supplier: &str,
    notes: &str,
    expected: DateTime<Utc>,
    items: &[usize],
) -> Result<Uuid, InventoryError> {
    let values = PurchaseValues {
        supplier: supplier.into(),
        location_id: s.places[0],
        expected_on: Some(expected.date_naive()),
        notes: Some(notes.into()),
        lines: items
            .iter()
            .map(|i| (s.items[*i], s.parts[*i].reorder_quantity, None))
            .collect(),
    };
    let (id, _) = purchases::create(s.conn, s.actor, &values)?;
    purchases::set_status(s.conn, s.actor, id, PurchaseStatus::Ordered)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_about_150_parts_with_distinct_part_numbers() {
        let parts = catalogue();
        assert_eq!(parts.len(), KINDS.len() * MAKES.len() + 1);
        let mut numbers: Vec<String> = parts
            .iter()
            .map(|p| crate::inventory::queries::normalize_part_number(&p.part_number))
            .collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), parts.len());
        for (_, _, number, _) in KNOWN {
            assert!(parts.iter().any(|p| p.part_number == *number), "{number}");
        }
        assert!(LOW.iter().all(|i| *i < parts.len()));
    }
}
