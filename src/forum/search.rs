//! Full-text search over threads (title weighted above equipment, above posts) and the
//! similar-thread suggestions shown while a new thread is typed.
//!
//! Snippets come from `ts_headline` with private-use characters as highlight markers; the
//! snippet is HTML-escaped first and only then are the markers turned into `<mark>`, so user
//! text never reaches the page unescaped.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

const START: char = '\u{E000}';
const STOP: char = '\u{E001}';

/// The thread's stored search document (`forum_thread_document` of its title, equipment and
/// posts), which the search index covers.
const DOCUMENT: &str = "t.search_document";

/// What a hit is ranked by: the same, but of the posts only the opening 3,000 characters, so
/// ranking a long thread does not read its whole text.
const RANK_DOCUMENT: &str = "t.rank_document";

/// How much of a thread's text a snippet is quoted from: `ts_headline` costs in proportion to
/// the text it is given, and long threads run to hundreds of kilobytes.
const SNIPPET_SOURCE: &str = "left(t.search_body, 3000)";

#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub text: String,
    pub category_ids: Vec<Uuid>,
    pub manufacturer: Option<String>,
    pub fault_code: Option<String>,
    pub answered: Option<bool>,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub category_id: Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Bool)]
    pub answered: bool,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub reply_count: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub upvote_count: i32,
    #[diesel(sql_type = Timestamptz)]
    pub last_post_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub fault_code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub equipment_manufacturer: Option<String>,
    #[diesel(sql_type = Text)]
    title_snippet: String,
    #[diesel(sql_type = Text)]
    body_snippet: String,
}

impl Hit {
    /// The title with matches marked, as safe HTML.
    pub fn title_html(&self) -> String {
        highlight(&self.title_snippet)
    }

    pub fn snippet_html(&self) -> String {
        highlight(&self.body_snippet)
    }
}

/// Escapes `text` for HTML, then turns the highlight markers into `<mark>` elements.
pub fn highlight(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    let mut open = false;
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            START if !open => {
                html.push_str("<mark>");
                open = true;
            }
            STOP if open => {
                html.push_str("</mark>");
                open = false;
            }
            START | STOP => {}
            other => html.push(other),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const CONDITIONS: &str = "t.deleted_at IS NULL AND t.is_approved AND t.category_id = ANY($2) \
    AND ($1 = '' OR DOCUMENT @@ websearch_to_tsquery('english', $1)) \
    AND ($3::text IS NULL OR lower(t.equipment_manufacturer) = lower($3)) \
    AND ($4::text IS NULL OR lower(t.fault_code) = lower($4)) \
    AND ($5::boolean IS NULL OR (t.accepted_post_id IS NOT NULL) = $5)";

fn conditions() -> String {
    CONDITIONS.replace("DOCUMENT", DOCUMENT)
}

pub fn count(conn: &mut PgConnection, filter: &SearchFilter) -> QueryResult<i64> {
    let sql = format!(
        "SELECT count(*) AS n FROM forum_threads t WHERE {}",
        conditions()
    );
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(&filter.text)
        .bind::<Array<SqlUuid>, _>(&filter.category_ids)
        .bind::<Nullable<Text>, _>(&filter.manufacturer)
        .bind::<Nullable<Text>, _>(&filter.fault_code)
        .bind::<Nullable<Bool>, _>(filter.answered)
        .get_result::<Total>(conn)?
        .n)
}

/// One page of hits, best first; at equal relevance answered threads come first.
pub fn search(
    conn: &mut PgConnection,
    filter: &SearchFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Hit>> {
    let options = format!("StartSel=\"{START}\", StopSel=\"{STOP}\"");
    let sql = format!(
        "SELECT t.id, t.category_id, t.title, t.accepted_post_id IS NOT NULL AS answered, \
           t.reply_count, t.upvote_count, t.last_post_at, t.fault_code, t.equipment_manufacturer, \
           CASE WHEN $1 = '' THEN t.title ELSE ts_headline('english', t.title, \
               websearch_to_tsquery('english', $1), $6 || ', HighlightAll=true') END AS title_snippet, \
           CASE WHEN $1 = '' THEN left(t.search_body, 240) ELSE ts_headline('english', {SNIPPET_SOURCE}, \
               websearch_to_tsquery('english', $1), $6 || ', MaxWords=35, MinWords=12, MaxFragments=2') END \
               AS body_snippet \
         FROM forum_threads t WHERE {} \
         ORDER BY CASE WHEN $1 = '' THEN 0 ELSE ts_rank({RANK_DOCUMENT}, websearch_to_tsquery('english', $1)) END DESC, \
           (t.accepted_post_id IS NOT NULL) DESC, t.last_post_at DESC, t.id \
         LIMIT $7 OFFSET $8",
        conditions()
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(&filter.text)
        .bind::<Array<SqlUuid>, _>(&filter.category_ids)
        .bind::<Nullable<Text>, _>(&filter.manufacturer)
        .bind::<Nullable<Text>, _>(&filter.fault_code)
        .bind::<Nullable<Bool>, _>(filter.answered)
        .bind::<Text, _>(options)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Similar {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Bool)]
    pub answered: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub fault_code: Option<String>,
}

/// Threads sharing any word of `title` or the same fault code, best first.
pub fn similar(
    conn: &mut PgConnection,
    category_ids: &[Uuid],
    title: &str,
    fault_code: &str,
) -> QueryResult<Vec<Similar>> {
    // Any word may match (OR), unlike a search where all must.
    let sql = format!(
        "WITH q AS (SELECT CASE WHEN $2 = '' THEN NULL ELSE \
             replace(plainto_tsquery('english', $2)::text, ' & ', ' | ')::tsquery END AS query) \
         SELECT t.id, t.title, t.accepted_post_id IS NOT NULL AS answered, t.fault_code \
         FROM forum_threads t, q \
         WHERE t.deleted_at IS NULL AND t.is_approved AND t.category_id = ANY($1) \
           AND ((q.query IS NOT NULL AND q.query::text <> '' AND {DOCUMENT} @@ q.query) \
                OR ($3 <> '' AND lower(t.fault_code) = lower($3))) \
         ORDER BY ($3 <> '' AND lower(t.fault_code) = lower($3)) DESC, \
           coalesce(ts_rank({DOCUMENT}, q.query), 0) DESC, t.last_post_at DESC \
         LIMIT 5"
    );
    diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(category_ids)
        .bind::<Text, _>(title)
        .bind::<Text, _>(fault_code)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_only_markers() {
        let text = format!("<script>x</script> {START}lift{STOP} & {START}door");
        assert_eq!(
            highlight(&text),
            "&lt;script&gt;x&lt;/script&gt; <mark>lift</mark> &amp; <mark>door</mark>"
        );
    }
}
