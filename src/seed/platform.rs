//! Seeded platform-wide rows: accounts, forum threads and posts, marketplace listings, jobs.
//! Each part tops up to the asked number, so a second run adds only what is missing.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::{
    count, Progress, SeedError, SeedOptions, BENCH_EMAIL, EMAIL_DOMAIN, FIFTY_REPLY_THREAD_TITLE,
};

/// How many forum regulars write the seeded threads and posts.
const FORUM_ACCOUNTS: i32 = 200;

/// The bench account and the forum regulars, all with the one password.
pub fn ensure_accounts(conn: &mut PgConnection, password_hash: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO accounts (email, password_hash, first_name, last_name, display_name, \
           email_verified_at) \
         VALUES ($1, $2, 'Bench', 'Runner', 'Bench Runner', now()) ON CONFLICT (email) DO NOTHING",
    )
    .bind::<Text, _>(BENCH_EMAIL)
    .bind::<Text, _>(password_hash)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO accounts (email, password_hash, first_name, last_name, display_name, \
           email_verified_at) \
         SELECT 'member' || lpad(g::text, 4, '0') || '@' || $3, $2, \
                (ARRAY['Sam','Kiri','Dominic','Lena','Priya','Tom','Aroha','Mei','Luca','Ines'])[1 + g % 10], \
                (ARRAY['Rigger','Volt','Hydraulic','Nguyen','Singh','Walker','Rossi','Kaur'])[1 + g % 8], \
                'Forum regular ' || g, now() \
         FROM generate_series(1, $1) g ON CONFLICT (email) DO NOTHING",
    )
    .bind::<Integer, _>(FORUM_ACCOUNTS)
    .bind::<Text, _>(password_hash)
    .bind::<Text, _>(EMAIL_DOMAIN)
    .execute(conn)?;
    Ok(())
}

fn missing(wanted: usize, present: i64) -> i32 {
    let wanted = i64::try_from(wanted).unwrap_or(i64::MAX);
    i32::try_from((wanted - present).max(0)).unwrap_or(i32::MAX)
}

/// The seeded forum authors, as `authors(ids, n)` for the statements below.
const AUTHORS: &str = "authors AS (SELECT array_agg(id ORDER BY email) AS ids, count(*)::int AS n \
     FROM accounts WHERE email LIKE 'member%@bench.sitesync.test')";

pub fn ensure_forum(
    conn: &mut PgConnection,
    options: &SeedOptions,
    progress: &Progress,
) -> Result<(), SeedError> {
    let seeded_threads = format!(
        "SELECT count(*) AS n FROM forum_threads t JOIN accounts a ON a.id = t.author_id \
         WHERE a.email LIKE '%@{EMAIL_DOMAIN}'"
    );
    let threads = missing(options.forum_threads, count(conn, &seeded_threads)?);
    let posts_before = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM forum_posts p JOIN accounts a ON a.id = p.author_id \
             WHERE a.email LIKE '%@{EMAIL_DOMAIN}'"
        ),
    )?;
    conn.transaction(|conn| -> Result<(), SeedError> {
        if threads > 0 {
            diesel::sql_query(format!(
                "WITH cats AS (SELECT array_agg(id ORDER BY slug) AS ids, count(*)::int AS n \
                   FROM forum_categories WHERE organization_id IS NULL AND visibility = 'public' \
                   AND is_active AND NOT requires_moderation), {AUTHORS} \
                 INSERT INTO forum_threads (category_id, author_id, title, equipment_manufacturer, \
                   equipment_model, fault_code, tags, created_at, updated_at, last_post_at) \
                 SELECT cats.ids[1 + g % cats.n], authors.ids[1 + (g * 7) % authors.n], \
                   (ARRAY['Door operator fault','Levelling error','Brake not lifting','Rope wear', \
                     'Controller keeps resetting','Hydraulic leak','Noise in the car', \
                     'Landing door lock','Governor tripping','Inverter trip'])[1 + g % 10] \
                     || ' on ' || manufacturer || ' ' || model || ' #' || g, \
                   manufacturer, model, 'E' || (100 + g % 400), \
                   ARRAY[(ARRAY['doors','controller','hydraulic','safety','ropes','drive'])[1 + g % 6]], \
                   created, created, created \
                 FROM (SELECT g, now() - random() * interval '1826 days' AS created, \
                         (ARRAY['KONE','Otis','Schindler','TK Elevator','Mitsubishi','Fujitec'])[1 + (g * 3) % 6] AS manufacturer, \
                         (ARRAY['MonoSpace','Gen2','3300','Synergy','NexWay','XIOR'])[1 + (g * 5) % 6] AS model \
                       FROM generate_series(1, $1) g) t, cats, authors"
            ))
            .bind::<Integer, _>(threads)
            .execute(conn)?;
        }
        // The thread the benchmark opens: an opening post and exactly 50 replies.
        let fifty = diesel::sql_query(format!(
            "WITH {AUTHORS} \
             INSERT INTO forum_threads (category_id, author_id, title, equipment_manufacturer, \
               equipment_model, fault_code, tags, created_at, updated_at, last_post_at) \
             SELECT c.id, authors.ids[1], $1, 'KONE', 'MonoSpace', 'E251', ARRAY['doors'], \
               now() - interval '30 days', now() - interval '30 days', now() - interval '30 days' \
             FROM forum_categories c, authors \
             WHERE c.slug = 'general' AND NOT EXISTS (SELECT 1 FROM forum_threads WHERE title = $1)"
        ))
        .bind::<Text, _>(FIFTY_REPLY_THREAD_TITLE)
        .execute(conn)?;
        progress.say(format!("forum: {threads} thread(s) added"));
        // Every seeded thread without its question gets one.
        diesel::sql_query(format!(
            "INSERT INTO forum_posts (thread_id, author_id, is_opening, body, created_at) \
             SELECT t.id, t.author_id, true, {BODY}, t.created_at \
             FROM (SELECT t.*, row_number() OVER () AS g FROM forum_threads t \
                   JOIN accounts a ON a.id = t.author_id \
                   WHERE a.email LIKE '%@{EMAIL_DOMAIN}' AND NOT EXISTS \
                     (SELECT 1 FROM forum_posts p WHERE p.thread_id = t.id AND p.is_opening)) t"
        ))
        .execute(conn)?;
        if fifty > 0 {
            diesel::sql_query(format!(
                "WITH {AUTHORS} \
                 INSERT INTO forum_posts (thread_id, author_id, body, created_at) \
                 SELECT t.id, authors.ids[1 + (g * 7) % authors.n], {BODY}, \
                   t.created_at + g * interval '10 minutes' \
                 FROM forum_threads t, authors, generate_series(1, 50) g WHERE t.title = $1"
            ))
            .bind::<Text, _>(FIFTY_REPLY_THREAD_TITLE)
            .execute(conn)?;
        }
        let posts_now = count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM forum_posts p JOIN accounts a ON a.id = p.author_id \
                 WHERE a.email LIKE '%@{EMAIL_DOMAIN}'"
            ),
        )?;
        let replies = missing(options.forum_posts, posts_now);
        if replies > 0 {
            // Replies land on threads skewed towards a popular few, within 90 days of the question.
            diesel::sql_query(format!(
                "WITH th AS (SELECT array_agg(t.id ORDER BY t.created_at) AS ids, \
                   array_agg(t.created_at ORDER BY t.created_at) AS times, count(*)::int AS n \
                   FROM forum_threads t JOIN accounts a ON a.id = t.author_id \
                   WHERE a.email LIKE '%@{EMAIL_DOMAIN}' AND t.title <> $2), {AUTHORS} \
                 INSERT INTO forum_posts (thread_id, author_id, body, created_at) \
                 SELECT th.ids[r.i], authors.ids[1 + (r.g * 13) % authors.n], {BODY}, \
                   least(now(), th.times[r.i] + r.delay) \
                 FROM (SELECT g, 1 + floor(power(random(), 2) * (SELECT n FROM th))::int AS i, \
                         random() * interval '90 days' AS delay \
                       FROM generate_series(1, $1) g) r, th, authors"
            ))
            .bind::<Integer, _>(replies)
            .bind::<Text, _>(FIFTY_REPLY_THREAD_TITLE)
            .execute(conn)?;
        }
        progress.say(format!(
            "forum: {} post(s) added; recounting threads and categories",
            posts_now + i64::from(replies) - posts_before
        ));
        // The same counts and search text `forum::queries::{threads, categories}::recount_*`
        // keep, for all at once.
        conn.batch_execute(
            "UPDATE forum_threads t SET reply_count = s.replies, last_post_at = s.latest, \
               search_body = s.body \
             FROM (SELECT thread_id, (count(*) FILTER (WHERE NOT is_opening))::int AS replies, \
                     max(created_at) AS latest, \
                     string_agg(body, E'\\n\\n' ORDER BY is_opening DESC, created_at) AS body \
                   FROM forum_posts WHERE is_approved AND deleted_at IS NULL AND NOT is_hidden \
                   GROUP BY thread_id) s \
             WHERE t.id = s.thread_id AND (t.reply_count <> s.replies OR t.search_body = ''); \
             UPDATE forum_categories c SET thread_count = s.threads, post_count = s.posts, \
               last_post_at = s.latest, \
               last_thread_id = (SELECT t.id FROM forum_threads t WHERE t.category_id = c.id \
                 AND t.deleted_at IS NULL AND t.is_approved ORDER BY t.last_post_at DESC LIMIT 1) \
             FROM (SELECT category_id, count(*)::int AS threads, \
                     coalesce(sum(reply_count + 1), 0)::int AS posts, max(last_post_at) AS latest \
                   FROM forum_threads WHERE deleted_at IS NULL AND is_approved \
                   GROUP BY category_id) s \
             WHERE c.id = s.category_id",
        )?;
        Ok(())
    })
}

/// A few lines of Markdown in the voice of a technician; `g` numbers the row.
const BODY: &str =
    "'Checked the **' || (ARRAY['door operator','brake','encoder','landing door lock', \
     'governor','inverter','main contactor','car top box'])[1 + g % 8] || '** again. ' || \
     (ARRAY['Readings were within spec after a reset.','The fault came back after two hours.', \
     'Replaced the board and it has run clean since.','Cleaned the contacts; watching it.', \
     'Same symptom on the sister lift.'])[1 + (g * 3) % 5] || E'\\n\\n- measured ' || \
     (10 + g % 90) || E' V at the controller\\n- fault code E' || (100 + g % 400) || \
     ' cleared, logged in the book'";

/// Owners of the seeded organizations, as `sellers(orgs, accounts, n)`: they list parts and
/// post jobs.
const SELLERS: &str = "sellers AS (SELECT array_agg(m.organization_id ORDER BY o.slug) AS orgs, \
     array_agg(m.account_id ORDER BY o.slug) AS accounts, count(*)::int AS n \
     FROM memberships m JOIN organizations o ON o.id = m.organization_id \
     WHERE o.slug LIKE 'bench\\_%' AND m.role = 'owner')";

pub fn ensure_listings(
    conn: &mut PgConnection,
    options: &SeedOptions,
    progress: &Progress,
) -> Result<(), SeedError> {
    let present = count(
        conn,
        "SELECT count(*) AS n FROM marketplace_listings l \
         JOIN organizations o ON o.id = l.seller_org_id WHERE o.slug LIKE 'bench\\_%'",
    )?;
    let listings = missing(options.listings, present);
    if listings == 0 {
        return Ok(());
    }
    // Listings run 60 days, so the active ones are recent; the rest are spread over 5 years.
    diesel::sql_query(format!(
        "WITH {SELLERS} \
         INSERT INTO marketplace_listings (seller_org_id, seller_account_id, part_number, part_name, \
           manufacturer, model_compatibility, description, condition, quantity_available, \
           unit_price, location_city, location_state, shipping_cost, status, expires_at, \
           created_at, updated_at) \
         SELECT sellers.orgs[1 + (g * 7) % sellers.n], sellers.accounts[1 + (g * 7) % sellers.n], \
           (ARRAY['KM','OT','SC','TK','MT','FJ','HI','SG'])[1 + g % 8] || ' ' || (10 + (g * 7) % 90) \
             || '-' || lpad(((g * 7919) % 10000)::text, 4, '0'), \
           (ARRAY['Door operator board','Brake coil','Encoder','Landing door roller', \
             'Governor rope','Push button','Car light','Inverter','Safety relay','Safety gear'])[1 + (g * 3) % 10], \
           (ARRAY['KONE','Otis','Schindler','TK Elevator','Mitsubishi','Fujitec','Hitachi','Sigma'])[1 + g % 8], \
           ARRAY[(ARRAY['MonoSpace','Gen2','3300','Synergy','NexWay','XIOR','UAX','Premier'])[1 + g % 8]], \
           'Removed during a modernisation in ' || (2015 + g % 10) || '. ' || \
             (ARRAY['Tested on the bench before removal.','Original packaging.', \
               'Minor scratches, works.','Untested; sold as is.'])[1 + g % 4], \
           (ARRAY['new','refurbished','used_tested','used_untested','for_parts'])[1 + (g * 11) % 5]::part_condition, \
           1 + g % 20, round((20 + random() * 4980)::numeric, 2), \
           (ARRAY['Sydney','Melbourne','Brisbane','Perth','Adelaide','Hobart','Canberra','Darwin'])[1 + g % 8], \
           (ARRAY['NSW','VIC','QLD','WA','SA','TAS','ACT','NT'])[1 + g % 8], \
           CASE WHEN g % 3 = 0 THEN NULL ELSE round((10 + random() * 90)::numeric, 2) END, \
           status, created + interval '60 days', created, created \
         FROM (SELECT g, s.status, \
                 CASE WHEN s.status = 'active' THEN now() - random() * interval '59 days' \
                      ELSE now() - random() * interval '1826 days' END AS created \
               FROM (SELECT g, CASE WHEN r < 0.6 THEN 'active' WHEN r < 0.75 THEN 'sold' \
                       WHEN r < 0.9 THEN 'expired' WHEN r < 0.95 THEN 'withdrawn' \
                       ELSE 'reserved' END::listing_status AS status \
                     FROM (SELECT g, random() AS r FROM generate_series(1, $1) g) r) s) x, sellers"
    ))
    .bind::<Integer, _>(listings)
    .execute(conn)?;
    progress.say(format!("marketplace: {listings} listing(s) added"));
    Ok(())
}

pub fn ensure_jobs(
    conn: &mut PgConnection,
    options: &SeedOptions,
    progress: &Progress,
) -> Result<(), SeedError> {
    let present = count(
        conn,
        "SELECT count(*) AS n FROM job_listings j \
         JOIN organizations o ON o.id = j.organization_id WHERE o.slug LIKE 'bench\\_%'",
    )?;
    let jobs = missing(options.jobs, present);
    if jobs == 0 {
        return Ok(());
    }
    diesel::sql_query(format!(
        "WITH {SELLERS} \
         INSERT INTO job_listings (organization_id, posted_by, title, slug, description, \
           employment_type, trade, required_experience_years, required_skills, \
           required_manufacturer_experience, location_type, address_city, address_state, \
           salary_min, salary_max, salary_type, status, visibility, expires_at, created_at, \
           updated_at, published_at) \
         SELECT sellers.orgs[1 + (g * 7) % sellers.n], sellers.accounts[1 + (g * 7) % sellers.n], \
           title || ', ' || city, \
           'bench-' || substr(md5(random()::text || g::text), 1, 16), \
           'We are looking for a ' || lower(title) || ' to join our team in ' || city || \
             E'.\\n\\nYou will maintain and repair ' || manufacturer || \
             ' equipment across commercial and residential sites.', \
           (ARRAY['full_time','full_time','contract','part_time','casual','apprenticeship','project'])[1 + g % 7]::job_employment_type, \
           (ARRAY['elevators','elevators','elevators','escalators','electrical','hvac','fire','building'])[1 + (g * 3) % 8], \
           g % 15, \
           ARRAY[(ARRAY['fault finding','hydraulics','door operators','controllers','modernisation'])[1 + g % 5]], \
           ARRAY[manufacturer], \
           (ARRAY['on_site','on_site','hybrid','travel','remote'])[1 + g % 5], city, state, \
           60000 + (g % 50) * 1000, 80000 + (g % 50) * 1000, 'annual', \
           status, \
           CASE WHEN g % 20 = 0 THEN 'internal' WHEN g % 10 = 0 THEN 'platform' ELSE 'public' END, \
           created + interval '45 days', created, created, \
           CASE WHEN status = 'draft' THEN NULL ELSE created END \
         FROM (SELECT g, s.status, \
                 (ARRAY['Lift technician','Senior lift mechanic','Apprentice lift mechanic', \
                   'Escalator technician','Service manager','Modernisation fitter','Adjuster', \
                   'Hydraulic specialist'])[1 + g % 8] AS title, \
                 (ARRAY['Sydney','Melbourne','Brisbane','Perth','Adelaide','Hobart','Canberra','Darwin'])[1 + (g * 5) % 8] AS city, \
                 (ARRAY['NSW','VIC','QLD','WA','SA','TAS','ACT','NT'])[1 + (g * 5) % 8] AS state, \
                 (ARRAY['KONE','Otis','Schindler','TK Elevator','Mitsubishi','Fujitec'])[1 + g % 6] AS manufacturer, \
                 CASE WHEN s.status = 'active' THEN now() - random() * interval '40 days' \
                      ELSE now() - random() * interval '1826 days' END AS created \
               FROM (SELECT g, CASE WHEN r < 0.5 THEN 'active' WHEN r < 0.7 THEN 'expired' \
                       WHEN r < 0.8 THEN 'filled' WHEN r < 0.9 THEN 'paused' \
                       WHEN r < 0.95 THEN 'cancelled' ELSE 'draft' END::job_status AS status \
                     FROM (SELECT g, random() AS r FROM generate_series(1, $1) g) r) s) x, sellers"
    ))
    .bind::<Integer, _>(jobs)
    .execute(conn)?;
    progress.say(format!("jobs: {jobs} job(s) added"));
    Ok(())
}
