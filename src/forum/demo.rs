//! Demo forum content: about forty lift-maintenance threads with replies, votes and accepted
//! answers, written once (a later start finds the first thread and leaves everything alone).

use diesel::prelude::*;
use diesel::sql_types::{Integer, Uuid as SqlUuid};
use uuid::Uuid;

use super::model::Category;
use super::queries::categories::{self, CategoryWrite};
use super::queries::posts::{self, NewReply};
use super::queries::threads::{self, NewThread};
use super::{Scope, Visibility};
use crate::auth::accounts::{self, AccountInsertForm};
use crate::auth::password;
use crate::db::schema_public::forum_categories;

/// Forum regulars who are in no demo organization: (email, first name, last name).
pub const REGULARS: &[(&str, &str, &str)] = &[
    ("sam.rigger@demo.sitesync.test", "Sam", "Rigger"),
    ("kiri.waititi@demo.sitesync.test", "Kiri", "Waititi"),
    ("dominic.volt@demo.sitesync.test", "Dominic", "Volt"),
    ("lena.hydraulic@demo.sitesync.test", "Lena", "Brandt"),
];

/// Their password (printed with the other demo logins).
pub const REGULAR_PASSWORD: &str = "harbour-forum-regular-2026";

/// Demo accounts defined in `crate::demo` that take part too.
const DEMO_ACCOUNTS: &[&str] = &[
    "tech@demo.sitesync.test",
    "manager@demo.sitesync.test",
    "owner@demo.sitesync.test",
];

struct DemoThread {
    category: &'static str,
    title: &'static str,
    /// Manufacturer, model, fault code.
    equipment: (&'static str, &'static str, &'static str),
    tags: &'static [&'static str],
    body: &'static str,
    replies: &'static [&'static str],
    /// Index into `replies` of the accepted answer.
    accepted: Option<usize>,
}

const fn t(
    category: &'static str,
    title: &'static str,
    equipment: (&'static str, &'static str, &'static str),
    tags: &'static [&'static str],
    body: &'static str,
    replies: &'static [&'static str],
    accepted: Option<usize>,
) -> DemoThread {
    DemoThread {
        category,
        title,
        equipment,
        tags,
        body,
        replies,
        accepted,
    }
}

const NONE: (&str, &str, &str) = ("", "", "");

const THREADS: &[DemoThread] = &[
    t("kone", "KONE MonoSpace 0071 after every power cut", ("KONE", "MonoSpace 500", "0071"), &["kce", "power"],
      "Car stops with **0071** each time the building runs its generator test. Resetting from the LCECPU clears it, but it comes back next month.",
      &["0071 is usually the safety chain opening during the changeover. Check the phase monitor relay timing.", "We fitted a delay on the generator ATS so the drive sees a clean supply. No more 0071 since.", "Also worth checking the battery on the rescue unit, a tired one makes it worse."], Some(1)),
    t("kone", "KONE EcoDisc brake lining wear limits", ("KONE", "EcoDisc MX10", ""), &["brake", "machine"],
      "What wear limit do people use on EcoDisc brake linings? The manual we have is an old revision.",
      &["Measure the air gap rather than lining thickness. Anything over 0.5 mm gets adjusted, over 0.8 mm the pads are changed.", "Agree with the air gap method, and record it every service so you see the trend."], Some(0)),
    t("kone", "KONE door operator AMD reversing at the top floor only", ("KONE", "AMD 2", "0038"), &["doors"],
      "Doors reverse at level 12 only. Sill is clean, light curtain tested fine.",
      &["Check the landing door closer at 12. A weak closer makes the operator see an obstruction.", "Was the closer. Replaced the spring and it is fine now, thanks!"], Some(0)),
    t("otis", "Otis Gen2 UCM test procedure without the service tool", ("Otis", "Gen2", ""), &["ucm", "testing"],
      "Annual inspection wants an unintended car movement test. We do not have the Otis service tool on this site. Options?",
      &["Without the tool you cannot trigger it safely. Book the OEM or borrow a tool from your branch.", "Our inspector accepted the OEM test report from the last modernisation for that year."], Some(0)),
    t("otis", "Otis OVF20 drive fault 'DBR overtemp' in summer", ("Otis", "OVF20", "DBR-OT"), &["drive", "heat"],
      "Machine room hits 38 °C in January and the drive trips on DBR overtemperature.",
      &["Clean the braking resistor fins first, they clog with dust.", "Machine room ventilation is the real fix. We added a thermostatic fan for under a thousand dollars.", "Check the regen setting too, someone may have lowered the decel time."], Some(1)),
    t("otis", "Otis GeN2 belt inspection interval", ("Otis", "GeN2 Switch", ""), &["belts", "suspension"],
      "How often are you checking coated steel belts with the PulseCheck system on low-use residential lifts?",
      &["PulseCheck runs continuously; we do a visual at every second service and follow the OEM replacement age."], Some(0)),
    t("schindler", "Schindler 3300 error 1514 door lock bridging detected", ("Schindler", "3300", "1514"), &["doors", "safety"],
      "Car locked out with 1514 after a callback. Nobody admits to using a bridge.",
      &["1514 means the controller saw the lock circuit closed with the door open. Check for a welded contact on the landing lock.", "Found a landing lock at level 3 with a bent contact bridge. Replaced it, cleared with the service tool."], Some(1)),
    t("schindler", "Schindler Bionic 5 firmware update experiences", ("Schindler", "Bionic 5", ""), &["firmware", "controllers"],
      "Anyone rolled the latest Bionic firmware across a group? Any surprises with the destination dispatch terminals?",
      &["Do the group master first, then each car. The terminals need a restart after.", "We lost the custom floor labels and had to re-enter them. Export the config first."], None),
    t("schindler", "Schindler 5500 rope slip on a high-rise after modernisation", ("Schindler", "5500", ""), &["ropes", "traction"],
      "New ropes, old sheave. We are seeing slip marks after a month.",
      &["Old sheave grooves with new ropes is asking for trouble. Measure the groove profile.", "Regroove or replace the sheave; the rope supplier will not warranty otherwise."], Some(1)),
    t("tk-elevator", "TK Elevator TCM controller 'E35' overspeed on inspection", ("TK Elevator", "TCM", "E35"), &["controllers", "encoder"],
      "Getting E35 when running on inspection speed, normal runs are fine.",
      &["Check the encoder coupling. A slipping coupling shows up at low speed first.", "Coupling grub screw was loose. Loctite and it is sorted."], Some(0)),
    t("tk-elevator", "TK Elevator synergy door belt tension", ("TK Elevator", "synergy", ""), &["doors", "belts"],
      "Door belt squeals on close. What tension do you set?",
      &["Roughly 10 mm deflection at mid-span with light finger pressure. Tighter wears the pulley bearings."], Some(0)),
    t("tk-elevator", "Evolution car light curtain intermittent", ("TK Elevator", "evolution", ""), &["doors", "light-curtain"],
      "Light curtain drops out a few times a day. No pattern yet.",
      &["Sunlight through a glass lobby can blind the receiver at certain times of day.", "Check the travelling cable too, a broken core in the curtain supply does the same."], None),
    t("mitsubishi", "Mitsubishi NEXIEZ fault E-10 on start", ("Mitsubishi", "NEXIEZ-MRL", "E-10"), &["drive"],
      "E-10 on starting a run, maybe one in fifty runs.",
      &["E-10 on ours was a loose motor lead at the contactor. Check torque on the terminals.", "Thermal camera on the contactor block found it for us."], Some(0)),
    t("mitsubishi", "Mitsubishi ELENESSA levelling drift in cold weather", ("Mitsubishi", "ELENESSA", ""), &["levelling"],
      "Levelling is 8-10 mm out on cold mornings, fine by lunch.",
      &["Rope stretch changes with temperature a bit, but 10 mm sounds like the load weighing needs recalibrating."], Some(0)),
    t("hydraulic-lifts", "Hydraulic lift creeping down overnight", ("Beringer", "", ""), &["valves", "leaks"],
      "Car sinks about 30 mm overnight. No visible leaks at the ram.",
      &["Internal leak past the lowering valve seat is the usual suspect. Check the valve first.", "If the valve is fine, check the ram packing. A bypass inside the cylinder leaves no trace outside.", "Replaced the lowering valve seals, sinking stopped."], Some(0)),
    t("hydraulic-lifts", "Oil temperature too high on a busy goods lift", ("", "", ""), &["oil", "cooling"],
      "Goods lift in a supermarket runs almost continuously and the oil hits 65 °C.",
      &["Fit an oil cooler; most power unit makers sell a bolt-on kit.", "Check the pump is not running against a partly open bypass. That heats the oil fast."], Some(0)),
    t("hydraulic-lifts", "Which hydraulic oil grade for an outdoor car park lift?", ("", "", ""), &["oil"],
      "Lift is exposed to frost in winter. ISO 46 or something thinner?",
      &["We use ISO 32 with a tank heater on exposed sites.", "Whatever you choose, ask the valve maker — some valves are tuned for 46."], None),
    t("hydraulic-lifts", "Rupture valve testing method", ("", "", ""), &["safety", "testing"],
      "How are people testing rupture valves without making a mess?",
      &["Most valve units let you simulate the overspeed by opening the manual lowering fully with the car empty. Follow the maker's procedure.", "Put absorbent pads down anyway. It always leaks somewhere."], Some(0)),
    t("doors", "Landing door nudging too aggressive for aged care", ("", "", ""), &["aged-care", "doors"],
      "Residents complain the nudging mode is too fast and loud.",
      &["Lower nudging speed and lengthen the timer before nudging starts. Most controllers allow both.", "We disabled the buzzer on nudging for the aged care home after a risk assessment."], Some(0)),
    t("doors", "Fire-rated landing doors: who certifies after repair?", ("", "", ""), &["fire", "compliance"],
      "We straightened a landing door panel after a trolley hit it. Does it need recertifying?",
      &["Any repair that changes the panel needs the door maker's approval to keep the fire rating.", "Replace the panel. Cheaper than arguing with the certifier."], Some(0)),
    t("doors", "Door operator belt versus chain drives", ("", "", ""), &["doors"],
      "Modernising ten old chain-drive operators. Belt operators worth it?",
      &["Belt drives are quieter and need less adjustment. We have not looked back.", "Make sure the hangers are good before you blame the operator."], None),
    t("controllers", "Encoder replacement: absolute or incremental?", ("", "", ""), &["encoder", "drives"],
      "Replacing a failed encoder on a geared machine. The drive supports both.",
      &["Absolute saves the learning run after power loss. Worth the extra cost on a busy lift."], Some(0)),
    t("controllers", "Group control: destination dispatch for a 12-storey office?", ("", "", ""), &["dispatch"],
      "Owner wants destination dispatch on a 3-car group. Is it worth it at 12 floors?",
      &["At three cars and 12 floors the gain is small. Conventional collective with good parking usually does.", "The tenants liked the kiosks in our building, it felt modern. Traffic analysis said it was a wash."], None),
    t("controllers", "Old relay controller: keep or modernise?", ("", "", ""), &["modernisation"],
      "1978 relay controller, still running, parts from salvage. Owner asks for advice.",
      &["Modernise before the next major failure. Relay parts are getting impossible.", "Plan it with the owner now; lead times for controllers are months."], Some(1)),
    t("controllers", "VVVF drive retrofit on a geared machine - motor insulation", ("", "", ""), &["drive", "motor"],
      "Retrofitting a VVVF drive on a 40-year-old motor. Worried about insulation.",
      &["Megger it first. Fit a dv/dt filter if the cable run is long.", "We lost a motor six months after a retrofit without a filter. Fit the filter."], Some(0)),
    t("safety", "Working on top of car: harness anchor points", ("", "", ""), &["whs", "fall-protection"],
      "Car top has no balustrade on one side due to a small clearance. Where do you anchor?",
      &["Use the engineered anchor on the crosshead if there is one; if not, raise it with the owner and do not go up.", "Never the ropes or the governor tension frame."], Some(0)),
    t("safety", "Governor rope replacement interval", ("", "", ""), &["governor", "ropes"],
      "Is there a fixed interval for governor ropes or purely on condition?",
      &["On condition, with the same discard criteria as suspension ropes.", "Replace when you do the main ropes anyway; it is cheap and saves a trip."], Some(0)),
    t("safety", "Lone working in machine rooms after hours", ("", "", ""), &["whs"],
      "Our company is reviewing lone-work rules for callouts after midnight.",
      &["We use a check-in app with a timer; if you do not check out, the supervisor is called.", "Two-person rule for anything involving the pit or car top after hours."], None),
    t("safety", "Pit ladder non-compliant in an older building", ("", "", ""), &["pit", "compliance"],
      "Pit is 1.8 m deep and the only access is a loose ladder.",
      &["Install a fixed pit ladder with the top extension. Loose ladders should not be used."], Some(0)),
    t("regulations-nsw", "SafeWork NSW plant registration renewal for lifts", ("", "", ""), &["registration"],
      "Who renews the plant item registration, the owner or the contractor?",
      &["The person with management or control of the plant, usually the owner or their agent. We remind our clients a month ahead."], Some(0)),
    t("regulations-nsw", "AS 1735.2 upgrades triggered by modernisation", ("", "", ""), &["as1735", "modernisation"],
      "Which upgrades are required when you replace only the controller?",
      &["Depends on the certifier, but expect door protection and emergency communication at minimum.", "Ask the certifier before quoting. It saves awkward variations."], Some(1)),
    t("regulations-vic", "Victoria: annual safety inspection records", ("", "", ""), &["records"],
      "How long do we need to keep inspection records in Victoria?",
      &["Keep them for the life of the lift; at minimum what the regulations say for plant records.", "We scan everything into our maintenance system now, easier to find at audits."], None),
    t("regulations-qld", "Queensland emergency phone requirements", ("", "", ""), &["emergency-phone"],
      "Is a GSM auto-dialler acceptable in Queensland or does it need a landline?",
      &["GSM with a monitored fallback is fine as long as it is tested and the call reaches a 24/7 service."], Some(0)),
    t("regulations-nz", "NZ Building WOF and IQP inspections for lifts", ("", "", ""), &["bwof", "iqp"],
      "Moving from Sydney to Auckland. How do IQP inspections fit with our monthly servicing?",
      &["The IQP inspects against the compliance schedule; your monthly service records feed their form 12A.", "Get registered with the council as an IQP if you want to sign them yourself."], Some(0)),
    t("careers", "Apprenticeship: electrical or mechanical first?", ("", "", ""), &["apprenticeship"],
      "Starting a lift apprenticeship next year. Should I get my electrical licence first?",
      &["An electrical trade first makes you very employable in lifts.", "Some companies prefer to train you from scratch. Apply to both."], None),
    t("careers", "Best short courses for controller fault finding", ("", "", ""), &["training"],
      "Looking for courses on drives and controllers beyond what the OEM gives.",
      &["The TAFE drives course is good value. Bring your own fault stories.", "Manufacturer-neutral courses exist but fill fast. Book early."], Some(0)),
    t("careers", "Moving from technician to service manager", ("", "", ""), &["career"],
      "Five years on the tools. Thinking about a service manager role. Regrets?",
      &["You will miss fixing things. You will not miss 3 am callouts.", "Do a short course in contracts and budgets first; that is most of the job."], None),
    t("general", "What is the weirdest thing you found in a lift pit?", ("", "", ""), &["fun"],
      "Mine: a full set of golf clubs, still in the bag.",
      &["A live possum. It was not happy.", "A wedding ring. The owner had been looking for it for two years."], None),
    t("general", "Tablet or paper for service logbooks?", ("", "", ""), &["logbooks"],
      "Our client still wants a paper logbook in the machine room.",
      &["Do both: a QR code in the paper logbook linking to the digital record.", "Paper gets wet in pits. Digital with a printed summary each quarter."], Some(0)),
    t("general", "Escalator handrail squeal at the top landing", ("", "", ""), &["escalators", "handrail"],
      "Handrail squeals near the top landing, worse in the afternoon heat.",
      &["Check the handrail drive pressure rollers, and the newel guides for wear.", "Silicone on the guides is a temporary fix only."], Some(0)),
    t("general", "Lift music: yes or no?", ("", "", ""), &["fun"],
      "Building owner wants to add music in the cars. Opinions from people who ride them all day?",
      &["No. Just no.", "Quiet is underrated."], None),
];

/// The organization-only room of the demo organization, and a thread in it.
const TEAM_ROOM_SLUG: &str = "harbour-city-team";

/// Creates the demo forum content once.
pub fn ensure(conn: &mut PgConnection, organization_id: Uuid) -> Result<(), DemoFailure> {
    if categories::all_categories(conn)?
        .iter()
        .any(|c| c.slug == TEAM_ROOM_SLUG)
    {
        return Ok(());
    }
    let hash = password::hash(REGULAR_PASSWORD).map_err(|e| DemoFailure(e.to_string()))?;
    let mut people = Vec::new();
    for (email, first, last) in REGULARS {
        let account = match accounts::find_by_email(conn, email)? {
            Some(account) => account,
            None => accounts::insert(
                conn,
                &AccountInsertForm {
                    email,
                    password_hash: &hash,
                    first_name: first,
                    last_name: last,
                    display_name: &format!("{first} {last}"),
                    timezone: "Australia/Sydney",
                    email_verified_at: Some(chrono::Utc::now()),
                },
            )
            .map_err(|e| DemoFailure(e.to_string()))?,
        };
        people.push(account.id);
    }
    for email in DEMO_ACCOUNTS {
        if let Some(account) = accounts::find_by_email(conn, email)? {
            people.push(account.id);
        }
    }
    categories::insert_category(
        conn,
        &CategoryWrite {
            parent_id: None,
            name: "Harbour City Lifts team room".into(),
            slug: TEAM_ROOM_SLUG.into(),
            description: "Only for Harbour City Lifts staff: site notes, rosters, lessons learnt."
                .into(),
            icon: "lock".into(),
            colour: "teal".into(),
            scope: Scope::Organization,
            scope_value: None,
            organization_id: Some(organization_id),
            visibility: Visibility::Organization,
            is_active: true,
            requires_moderation: false,
            allow_anonymous: true,
            display_order: 5,
        },
    )?;
    let categories: Vec<Category> = categories::all_categories(conn)?;
    // A couple of moderators besides the platform admins.
    if let (Some(moderator), Some(safety)) = (
        people.get(4),
        categories.iter().find(|c| c.slug == "safety"),
    ) {
        categories::add_moderator(conn, safety.id, *moderator)?;
    }
    let threads = THREADS.iter().chain(std::iter::once(&TEAM_THREAD));
    for (index, demo) in threads.enumerate() {
        let Some(category) = categories.iter().find(|c| c.slug == demo.category) else {
            continue;
        };
        let author = people[index % people.len()];
        let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let (thread_id, opening) = threads::create_thread(
            conn,
            &NewThread {
                category,
                author_id: author,
                is_anonymous: false,
                title: demo.title,
                equipment_manufacturer: text(demo.equipment.0),
                equipment_model: text(demo.equipment.1),
                fault_code: text(demo.equipment.2),
                tags: demo.tags.iter().map(|t| t.to_string()).collect(),
                body: demo.body,
                approved: true,
            },
        )?;
        // Spread the threads over the past weeks, replies a few hours apart.
        let age_hours = ((THREADS.len() + 1 - index) * 17) as i32;
        backdate(conn, thread_id, opening, age_hours)?;
        let mut replies = Vec::new();
        for (n, body) in demo.replies.iter().enumerate() {
            let replier = people[(index + n + 1) % people.len()];
            let replier = if replier == author {
                people[(index + n + 2) % people.len()]
            } else {
                replier
            };
            if let Some(id) = posts::add_reply(
                conn,
                &NewReply {
                    thread_id,
                    author_id: replier,
                    is_anonymous: false,
                    body,
                    reply_to_post_id: None,
                    approved: true,
                },
            )? {
                backdate(conn, thread_id, id, age_hours - 3 * (n as i32 + 1))?;
                replies.push((id, replier));
            }
        }
        // Votes: a few people like the question, more like the accepted answer.
        for (n, voter) in people.iter().enumerate() {
            if *voter != author && (index + n) % 3 != 0 {
                posts::set_vote(conn, opening, *voter, true)?;
            }
            for (r, (reply, replier)) in replies.iter().enumerate() {
                let liked = demo.accepted == Some(r) || (index + n + r) % 4 == 0;
                if liked && voter != replier {
                    posts::set_vote(conn, *reply, *voter, true)?;
                }
            }
        }
        if let Some((answer, _)) = demo.accepted.and_then(|r| replies.get(r)) {
            threads::set_accepted(conn, thread_id, Some(*answer))?;
        }
        threads::recount_thread(conn, thread_id)?;
    }
    let ids: Vec<Uuid> = forum_categories::table
        .select(forum_categories::id)
        .load(conn)?;
    for id in ids {
        categories::recount_category(conn, id)?;
    }
    Ok(())
}

/// Moves a post (and, for the opening post, its thread) `hours` into the past.
fn backdate(
    conn: &mut PgConnection,
    thread_id: Uuid,
    post_id: Uuid,
    hours: i32,
) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE forum_posts SET created_at = now() - make_interval(hours => $2) WHERE id = $1",
    )
    .bind::<SqlUuid, _>(post_id)
    .bind::<Integer, _>(hours)
    .execute(conn)?;
    diesel::sql_query(
        "UPDATE forum_threads SET created_at = now() - make_interval(hours => $3) \
         WHERE id = $1 AND (SELECT is_opening FROM forum_posts WHERE id = $2)",
    )
    .bind::<SqlUuid, _>(thread_id)
    .bind::<SqlUuid, _>(post_id)
    .bind::<Integer, _>(hours)
    .execute(conn)?;
    Ok(())
}

const TEAM_THREAD: DemoThread = t(
    TEAM_ROOM_SLUG,
    "Harbour Tower lift 2: access notes for night callouts",
    NONE,
    &["site-notes"],
    "Security desk closes at 22:00. The after-hours key safe code is in the site record, not here.",
    &["Thanks. Also: the machine room light switch is behind the door on the left."],
    None,
);

#[derive(Debug, thiserror::Error)]
#[error("forum demo: {0}")]
pub struct DemoFailure(pub String);

impl From<diesel::result::Error> for DemoFailure {
    fn from(e: diesel::result::Error) -> Self {
        DemoFailure(e.to_string())
    }
}

impl From<crate::web::AppError> for DemoFailure {
    fn from(e: crate::web::AppError) -> Self {
        DemoFailure(e.to_string())
    }
}
