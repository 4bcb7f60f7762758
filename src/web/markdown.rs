//! Markdown written by people (forum posts, comments, job descriptions), rendered to HTML that
//! is safe to put in a page: ammonia keeps formatting and drops scripts, event handlers and
//! `javascript:` links; every link gets `rel="nofollow ugc noopener"`.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

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

/// Texts longer than this are rendered every time rather than kept.
const MAX_KEPT_LEN: usize = 16 * 1024;
/// How many rendered texts are kept before the store starts afresh (a few tens of MB at most).
const MAX_KEPT: usize = 20_000;

/// Rendered HTML by its Markdown. Cleaning parses the HTML again and costs far more than a
/// lookup, and a forum thread renders fifty posts on every view. The output depends on the
/// input alone, so a kept rendering can never be stale.
fn kept() -> &'static Mutex<HashMap<Box<str>, Box<str>>> {
    static KEPT: OnceLock<Mutex<HashMap<Box<str>, Box<str>>>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default)
}

/// Safe HTML for `markdown`. Raw HTML in the input is treated as text by the cleaner's rules.
pub fn render(markdown: &str) -> String {
    if markdown.len() > MAX_KEPT_LEN {
        return render_now(markdown);
    }
    // A poisoned lock still holds complete entries: each is inserted whole.
    let lock = || kept().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(html) = lock().get(markdown) {
        return html.to_string();
    }
    let html = render_now(markdown);
    let mut kept = lock();
    if kept.len() >= MAX_KEPT {
        kept.clear();
    }
    kept.insert(markdown.into(), html.as_str().into());
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
    use super::render;

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
}
