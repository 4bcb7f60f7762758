//! Markdown written by people (forum posts, comments, job descriptions), rendered to HTML that
//! is safe to put in a page: ammonia keeps formatting and drops scripts, event handlers and
//! `javascript:` links; every link gets `rel="nofollow ugc noopener"`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use pulldown_cmark::{html, Options, Parser};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .link_rel(Some("nofollow ugc noopener"))
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .add_generic_attributes(["title"]);
        builder
    })
}

/// Rendered texts are kept up to this many bytes in all (their Markdown, their HTML and the
/// bookkeeping), so any signed-in account posting long texts cannot grow the store past it.
const BUDGET_BYTES: usize = 32 * 1024 * 1024;
/// A text whose Markdown and HTML together pass this is rendered every time rather than kept:
/// a few of them would push out hundreds of ordinary posts.
const MAX_ENTRY_BYTES: usize = 64 * 1024;
/// What the maps spend on one entry beyond its text (keys, pointers, the use order).
const ENTRY_OVERHEAD: usize = 96;

/// Rendered HTML by its Markdown, within a byte budget: the least recently used renderings go
/// first. Cleaning parses the HTML again and costs far more than a lookup, and a forum thread
/// renders fifty posts on every view. The output depends on the input alone, so a kept
/// rendering can never be stale.
struct Kept {
    entries: HashMap<Arc<str>, Entry>,
    /// Each entry's Markdown by its last use, oldest first.
    by_use: BTreeMap<u64, Arc<str>>,
    bytes: usize,
    clock: u64,
    budget: usize,
    max_entry: usize,
}

struct Entry {
    html: Box<str>,
    used: u64,
}

fn cost(markdown: &str, html: &str) -> usize {
    markdown.len() + html.len() + ENTRY_OVERHEAD
}

impl Kept {
    fn new(budget: usize, max_entry: usize) -> Kept {
        Kept {
            entries: HashMap::new(),
            by_use: BTreeMap::new(),
            bytes: 0,
            clock: 0,
            budget,
            max_entry,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn get(&mut self, markdown: &str) -> Option<String> {
        let now = self.tick();
        let (key, entry) = self.entries.get_key_value(markdown)?;
        let key = Arc::clone(key);
        let before = entry.used;
        self.by_use.remove(&before);
        self.by_use.insert(now, key);
        let entry = self.entries.get_mut(markdown)?;
        entry.used = now;
        Some(entry.html.to_string())
    }

    fn insert(&mut self, markdown: &str, html: &str) {
        let size = cost(markdown, html);
        if size > self.max_entry || self.entries.contains_key(markdown) {
            return;
        }
        while self.bytes + size > self.budget {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            if let Some(gone) = self.entries.remove(&oldest) {
                self.bytes -= cost(&oldest, &gone.html);
            }
        }
        let now = self.tick();
        let key: Arc<str> = markdown.into();
        self.by_use.insert(now, Arc::clone(&key));
        self.entries.insert(
            key,
            Entry {
                html: html.into(),
                used: now,
            },
        );
        self.bytes += size;
    }
}

fn kept() -> &'static Mutex<Kept> {
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    KEPT.get_or_init(|| Mutex::new(Kept::new(BUDGET_BYTES, MAX_ENTRY_BYTES)))
}

/// Safe HTML for `markdown`. Raw HTML in the input is treated as text by the cleaner's rules.
pub fn render(markdown: &str) -> String {
    if markdown.len() > MAX_ENTRY_BYTES {
        return render_now(markdown);
    }
    // A poisoned lock still holds complete entries: each is inserted whole.
    let lock = || kept().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(html) = lock().get(markdown) {
        return html;
    }
    let html = render_now(markdown);
    lock().insert(markdown, &html);
    html
}

fn render_now(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    cleaner().clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::{cost, render, Kept};

    #[test]
    fn keeps_formatting_and_drops_attacks() {
        let html = render("**bold** `code`\n\n- a\n- b\n\n[site](https://example.com)");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains("<li>a</li>"));
        assert!(html.contains("rel=\"nofollow ugc noopener\""));
        // Kept renderings are the same renderings.
        assert_eq!(render("**bold**"), render("**bold**"));
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let html = render(attack);
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("onerror"), "{html}");
            assert!(!html.contains("javascript:"), "{html}");
        }
    }

    #[test]
    fn the_store_stays_within_its_byte_budget() {
        let mut kept = Kept::new(10_000, 2_000);
        for n in 0..1_000 {
            let markdown = format!("post {n} {}", "x".repeat(n % 500));
            let html = format!("<p>{markdown}</p>");
            kept.insert(&markdown, &html);
            assert!(kept.bytes <= 10_000, "{} bytes after {n}", kept.bytes);
        }
        let counted: usize = kept
            .entries
            .iter()
            .map(|(markdown, entry)| cost(markdown, &entry.html))
            .sum();
        assert_eq!(counted, kept.bytes);
        assert_eq!(kept.entries.len(), kept.by_use.len());
    }

    #[test]
    fn the_least_recently_used_go_first_and_large_texts_are_not_kept() {
        let text = |c: char| c.to_string().repeat(200);
        let room = 3 * cost(&text('a'), &text('a'));
        let mut kept = Kept::new(room, 1_000);
        for c in ['a', 'b', 'c'] {
            kept.insert(&text(c), &text(c));
        }
        assert_eq!(kept.get(&text('a')), Some(text('a')));
        kept.insert(&text('d'), &text('d'));
        assert!(
            kept.get(&text('b')).is_none(),
            "b was the least recently used"
        );
        for c in ['a', 'c', 'd'] {
            assert!(kept.get(&text(c)).is_some(), "{c} is kept");
        }
        let large = "y".repeat(1_000);
        kept.insert(&large, &large);
        assert!(kept.get(&large).is_none());
        assert_eq!(kept.entries.len(), 3);
    }
}
