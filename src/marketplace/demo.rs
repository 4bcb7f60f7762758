//! Demo listings: about sixty lift parts from the three demo organizations, a few of them sold
//! with completed, reviewed purchases. Seeded once; later starts leave them alone.

use std::str::FromStr;

use bigdecimal::BigDecimal;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::lifecycle::{ListingStatus, PartCondition, TransactionStatus};
use super::money;
use super::queries::{self, ListingInput};
use crate::db::schema_public::{marketplace_listings, marketplace_transactions};
use crate::orgs::queries as orgs;

/// part number, name, manufacturer, fits, condition, price, description
type Part = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    PartCondition,
    &'static str,
    &'static str,
);

const PARTS: &[Part] = &[
    (
        "KM602450",
        "Door operator belt",
        "Kone",
        "MonoSpace, MiniSpace",
        PartCondition::New,
        "86.00",
        "Toothed drive belt for the AMD door operator.",
    ),
    (
        "KM601160G01",
        "Door roller, landing",
        "Kone",
        "MonoSpace",
        PartCondition::New,
        "24.50",
        "Landing door hanger roller, 60 mm, with bearing.",
    ),
    (
        "KM50002050",
        "Car door operator AMD 2",
        "Kone",
        "MonoSpace 500",
        PartCondition::Refurbished,
        "1890.00",
        "Complete **AMD 2** door operator, bench tested, new belt fitted.",
    ),
    (
        "KM713120G11",
        "LCE CPU board",
        "Kone",
        "LCE controller",
        PartCondition::UsedTested,
        "1450.00",
        "Main processor board removed during a modernisation. Tested working.",
    ),
    (
        "KM3711724",
        "Brake pad set, MX10 machine",
        "Kone",
        "EcoDisc MX10",
        PartCondition::New,
        "320.00",
        "Pair of brake linings for the MX10 hoisting machine.",
    ),
    (
        "KM1364213",
        "Encoder, 2048 ppr",
        "Kone",
        "EcoDisc",
        PartCondition::UsedTested,
        "540.00",
        "Motor encoder with cable, tested on a test bench.",
    ),
    (
        "59313003",
        "Door operator controller QKS9",
        "Schindler",
        "3300, 5500",
        PartCondition::Refurbished,
        "1320.00",
        "QKS9 door drive electronics, refurbished, 6 months warranty.",
    ),
    (
        "591882",
        "Car door roller set",
        "Schindler",
        "3300",
        PartCondition::New,
        "68.00",
        "Set of four car door rollers.",
    ),
    (
        "ID.NR. 594152",
        "SMLCD landing indicator",
        "Schindler",
        "5500",
        PartCondition::UsedUntested,
        "95.00",
        "Removed working but not tested since.",
    ),
    (
        "55502876",
        "Brake magnet coil",
        "Schindler",
        "Miconic 10",
        PartCondition::UsedTested,
        "410.00",
        "Brake coil, 180 V DC.",
    ),
    (
        "SCH-SDIC5.Q",
        "SDIC car interface board",
        "Schindler",
        "3300, 5500",
        PartCondition::UsedTested,
        "780.00",
        "Car interface board, version Q.",
    ),
    (
        "GAA24350BH1",
        "Door operator belt",
        "Otis",
        "Gen2",
        PartCondition::New,
        "74.00",
        "Door operator drive belt.",
    ),
    (
        "GAA24350AC1",
        "Door hanger roller",
        "Otis",
        "Gen2, GeN2 Comfort",
        PartCondition::New,
        "22.00",
        "Hanger roller with eccentric bolt.",
    ),
    (
        "GBA26800MH1",
        "GECB main board",
        "Otis",
        "Gen2",
        PartCondition::Refurbished,
        "1650.00",
        "GECB controller board, refurbished, firmware updated.",
    ),
    (
        "GAA26800LT2",
        "Encoder kit",
        "Otis",
        "Gen2",
        PartCondition::UsedTested,
        "480.00",
        "Machine encoder with mounting kit.",
    ),
    (
        "GO-BRK-1840",
        "Brake pads, machine brake",
        "Otis",
        "Gen2 MRL",
        PartCondition::New,
        "290.00",
        "Brake pad pair, with springs.",
    ),
    (
        "AAA20290AC",
        "OVF10 drive",
        "Otis",
        "Gen2",
        PartCondition::ForParts,
        "250.00",
        "Drive with a failed power module: for parts or repair.",
    ),
    (
        "TK-9693000189",
        "Door operator MIDI",
        "TK Elevator",
        "Synergy",
        PartCondition::Refurbished,
        "1480.00",
        "MIDI door operator, refurbished with new rollers.",
    ),
    (
        "TK-6300AAK001",
        "Door roller, car",
        "TK Elevator",
        "Synergy, Evolution",
        PartCondition::New,
        "29.00",
        "Car door roller, 52 mm.",
    ),
    (
        "TK-TCM-32",
        "TCM controller board",
        "TK Elevator",
        "TCM",
        PartCondition::UsedTested,
        "990.00",
        "TCM main board, tested.",
    ),
    (
        "FERMATOR-VVVF4",
        "Fermator VVVF4+ door controller",
        "Fermator",
        "VVVF4+",
        PartCondition::New,
        "760.00",
        "Door controller with encoder input.",
    ),
    (
        "FERM-RL-60",
        "Fermator landing door roller",
        "Fermator",
        "Fermator doors",
        PartCondition::New,
        "18.50",
        "Landing door roller, 60 mm.",
    ),
    (
        "WITTUR-ECO+",
        "Wittur ECO+ door drive",
        "Wittur",
        "Midi/Supra",
        PartCondition::UsedTested,
        "640.00",
        "ECO+ door drive, removed at modernisation.",
    ),
    (
        "HEID-ECN1313",
        "Heidenhain ECN 1313 encoder",
        "Heidenhain",
        "Gearless machines",
        PartCondition::New,
        "890.00",
        "Absolute encoder, EnDat 2.1.",
    ),
    (
        "ZIEHL-ZAD-BR",
        "Ziehl-Abegg brake pads",
        "Ziehl-Abegg",
        "ZAtop SM",
        PartCondition::New,
        "260.00",
        "Brake pad set for ZAtop machines.",
    ),
    (
        "ROPE-8MM-200",
        "Steel wire rope, 8 mm, 200 m",
        "Gustav Wolf",
        "Traction lifts",
        PartCondition::New,
        "1100.00",
        "8 mm 8x19 rope, 200 m drum.",
    ),
    (
        "ROPE-10MM-150",
        "Steel wire rope, 10 mm, 150 m",
        "Brugg",
        "Traction lifts",
        PartCondition::New,
        "1250.00",
        "10 mm rope, 150 m, unused off-cut of a drum.",
    ),
    (
        "GOV-ROPE-6",
        "Governor rope, 6 mm, 60 m",
        "Brugg",
        "Overspeed governors",
        PartCondition::New,
        "210.00",
        "Governor rope, 6 mm.",
    ),
    (
        "MONA-DRV-45",
        "Monarch NICE3000 drive",
        "Monarch",
        "NICE3000+",
        PartCondition::UsedTested,
        "980.00",
        "Integrated controller and drive, 11 kW.",
    ),
    (
        "DOR-SW-221",
        "Door lock switch contact",
        "Kone",
        "Various",
        PartCondition::New,
        "36.00",
        "Landing door lock contact.",
    ),
];

/// (slug, city, state, price factor in percent)
const SELLERS: [(&str, &str, &str, i64); 3] = [
    ("demo", "Sydney", "NSW", 100),
    ("coastal", "Gold Coast", "QLD", 95),
    ("summit", "Melbourne", "VIC", 105),
];

pub fn ensure(conn: &mut PgConnection) -> QueryResult<()> {
    let mut sellers = Vec::new();
    for (slug, city, state, factor) in SELLERS {
        let Some(org) = orgs::find_by_slug(conn, slug)? else {
            return Ok(());
        };
        let managers = queries::org_traders(conn, org.id)?;
        let Some(account) = managers.first().copied() else {
            return Ok(());
        };
        sellers.push((org.id, account, city, state, factor));
    }
    let ids: Vec<Uuid> = sellers.iter().map(|s| s.0).collect();
    let existing: i64 = marketplace_listings::table
        .filter(marketplace_listings::seller_org_id.eq_any(&ids))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(());
    }
    let mut number = 0usize;
    for (index, part) in PARTS.iter().enumerate() {
        // Each part is offered by two of the three organizations.
        for offset in 0..2 {
            let seller = sellers[(index + offset) % sellers.len()];
            let buyer = sellers[(index + offset + 1) % sellers.len()];
            number += 1;
            let listing_id = list(conn, part, seller, number)?;
            if number.is_multiple_of(9) {
                sell(conn, listing_id, seller.0, buyer.0, buyer.1, number)?;
            }
        }
    }
    Ok(())
}

fn list(
    conn: &mut PgConnection,
    part: &Part,
    seller: (Uuid, Uuid, &str, &str, i64),
    number: usize,
) -> QueryResult<Uuid> {
    let (part_number, name, manufacturer, fits, condition, price, description) = *part;
    let (org_id, account_id, city, state, factor) = seller;
    let base = BigDecimal::from_str(price).unwrap_or_else(|_| BigDecimal::from(100));
    let unit_price = money::cents(&(base * BigDecimal::from(factor) / BigDecimal::from(100)));
    let input = ListingInput {
        part_number: part_number.into(),
        part_name: name.into(),
        manufacturer: Some(manufacturer.into()),
        model_compatibility: fits.split(", ").map(str::to_string).collect(),
        description: description.into(),
        condition,
        condition_notes: (condition == PartCondition::UsedTested)
            .then(|| "Tested on the bench before removal.".to_string()),
        quantity_available: 1 + (number % 4) as i32,
        unit_price,
        currency: "AUD".into(),
        location_city: Some(city.into()),
        location_state: Some(state.into()),
        location_country: "Australia".into(),
        shipping_available: !number.is_multiple_of(5),
        shipping_cost: Some(BigDecimal::from(15 + (number % 3) as i64 * 10)),
        // A listing that does not ship can always be picked up, as the listing form requires.
        local_pickup: !number.is_multiple_of(3) || number.is_multiple_of(5),
    };
    let id = queries::insert_listing(conn, org_id, account_id, &input)?;
    // Spread the listing dates over the last weeks, so "newest" means something.
    diesel::update(marketplace_listings::table.find(id))
        .set((
            marketplace_listings::created_at.eq(Utc::now() - Duration::hours(7 * number as i64)),
            marketplace_listings::view_count.eq((number * 7 % 60) as i32),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Sells all of a listing to another demo organization, completed and reviewed.
fn sell(
    conn: &mut PgConnection,
    listing_id: Uuid,
    seller_org_id: Uuid,
    buyer_org_id: Uuid,
    buyer_account_id: Uuid,
    number: usize,
) -> QueryResult<()> {
    let listing = queries::lock_listing(conn, listing_id)?;
    let amounts = money::amounts(
        &listing.unit_price,
        listing.quantity_available,
        &money::zero(),
        &BigDecimal::from(5),
    );
    let when = Utc::now() - Duration::days(3 + number as i64 % 10);
    diesel::insert_into(marketplace_transactions::table)
        .values((
            marketplace_transactions::listing_id.eq(listing_id),
            marketplace_transactions::seller_org_id.eq(seller_org_id),
            marketplace_transactions::buyer_org_id.eq(buyer_org_id),
            marketplace_transactions::buyer_account_id.eq(buyer_account_id),
            marketplace_transactions::quantity.eq(listing.quantity_available),
            marketplace_transactions::unit_price.eq(&listing.unit_price),
            marketplace_transactions::subtotal.eq(&amounts.subtotal),
            marketplace_transactions::shipping_cost.eq(&amounts.shipping),
            marketplace_transactions::platform_fee.eq(&amounts.platform_fee),
            marketplace_transactions::total_amount.eq(&amounts.total),
            marketplace_transactions::shipping_method.eq("pickup"),
            marketplace_transactions::status.eq(TransactionStatus::Completed),
            marketplace_transactions::payment_method.eq("Bank transfer"),
            marketplace_transactions::payment_reference.eq(format!("INV-{}", 4000 + number)),
            marketplace_transactions::paid_at.eq(when),
            marketplace_transactions::shipped_at.eq(when),
            marketplace_transactions::delivered_at.eq(when),
            marketplace_transactions::completed_at.eq(when),
            marketplace_transactions::buyer_rating.eq(if number.is_multiple_of(2) { 5 } else { 4 }),
            marketplace_transactions::buyer_review.eq("Part as described, quick pickup."),
            marketplace_transactions::seller_rating.eq(5),
            marketplace_transactions::seller_review.eq("Paid promptly."),
            marketplace_transactions::created_at.eq(when),
        ))
        .execute(conn)?;
    diesel::update(marketplace_listings::table.find(listing_id))
        .set((
            marketplace_listings::quantity_available.eq(0),
            marketplace_listings::status.eq(ListingStatus::Sold),
        ))
        .execute(conn)?;
    Ok(())
}
