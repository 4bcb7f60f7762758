//! Markdown written by people (forum posts, comments, job descriptions), rendered to HTML that
//! is safe to put in a page: ammonia keeps formatting and drops scripts, event handlers and
//! `javascript:` links; every link gets `rel="nofollow ugc noopener"`.

use std::collections::HashSet;
use std::sync::OnceLock;

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

/// Safe HTML for `markdown`. Raw HTML in the input is treated as text by the cleaner's rules.
pub fn render(markdown: &str) -> String {
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
