//! The crawler: signed in as an organization's owner, it visits every page it can reach from
//! `/` and the organization's home, then submits every form it found with hostile input, and
//! finally crawls again looking for any payload that came back unescaped.
//!
//! It knows no routes beyond its two starting points and the fixture rows it creates, so pages
//! and forms that later features add are covered without editing it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::Instant;

use scraper::{ElementRef, Html, Selector};
use sitesync::demo;

use crate::harness::{Browser, Page, TestApp};

/// The demo organization's owner: the demo gives the crawler sites, lifts, forum threads,
/// other organizations' listings to buy and jobs to apply for, through every feature's seed.
const OWNER_EMAIL: &str = "owner@demo.sitesync.test";
const OWNER_PASSWORD: &str = "harbour-lift-owner-2026";

/// Bounds that keep the whole test well under a minute.
const MAX_PAGES: usize = 500;
const MAX_FORMS: usize = 200;
/// Pages whose addresses differ only in their last segment (forum categories, job slugs…) are
/// the same page with other data; a few of them are enough.
const MAX_SIBLINGS: usize = 12;
/// Below the 2 MB the server reads of a form body (`routes::form_config`).
const MAX_BODY: usize = 1024 * 1024;
/// On the second crawl several pages of one shape are read, since the rows the attack created
/// are newer than the ones read the first time.
const RECRAWL_PER_SHAPE: usize = 3;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMAGE: &str = "\"><img src=x onerror=alert(1)>";
/// Both markup payloads at once: one breaks out of an attribute, the other is plain markup.
const MARKUP: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
/// What must never be found in a page: the payloads as markup.
const UNESCAPED: [&str; 2] = [SCRIPT, "<img src=x onerror=alert(1)>"];

/// Which fields of a form a round fills with its payload.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    /// Every field, hidden ones and choices included (the CSRF token excepted): the
    /// validation of everything is tried.
    Every,
    /// Only fields of these input kinds; the others get ordinary values, so the form is
    /// accepted where the payload is and the payload is then stored and shown.
    Kinds(&'static [&'static str]),
}

const TEXT: &[&str] = &["text", "search", "textarea"];
const NUMBER: &[&str] = &["number", "text"];
const DATE: &[&str] = &["date", "datetime-local", "time", "month"];

/// The hostile values: (label, which fields, value).
fn payloads(for_url: bool) -> Vec<(&'static str, Target, String)> {
    // A query string of 100 KB is refused by the HTTP layer before the app sees it, so GET
    // forms get a long value that still fits in a request line.
    let long = format!(
        "{}{SCRIPT}",
        "x".repeat(if for_url { 4 * 1024 } else { 100 * 1024 })
    );
    let nul = "a%00b\0c".to_string();
    let huge = "99999999999999999999999999999".to_string();
    let bad_date = "2026-02-31".to_string();
    vec![
        ("markup everywhere", Target::Every, MARKUP.to_string()),
        ("nul everywhere", Target::Every, nul.clone()),
        ("long everywhere", Target::Every, long.clone()),
        ("huge number everywhere", Target::Every, huge.clone()),
        ("malformed date everywhere", Target::Every, bad_date.clone()),
        ("markup", Target::Kinds(TEXT), MARKUP.to_string()),
        (
            "sql, emoji and rtl",
            Target::Kinds(TEXT),
            "' OR 1=1 -- 🛗🔧 \u{202e}مرحبا\u{202c} שלום 漢字".to_string(),
        ),
        ("nul", Target::Kinds(TEXT), nul),
        ("long", Target::Kinds(TEXT), long),
        ("negative number", Target::Kinds(NUMBER), "-1".to_string()),
        ("huge number", Target::Kinds(NUMBER), huge),
        (
            "malformed date",
            Target::Kinds(DATE),
            "31/13/20266T25:61".to_string(),
        ),
    ]
}

/// What a person would type into a field of this kind, for the fields a round leaves alone.
fn ordinary(field: &Field) -> String {
    match field.kind.as_str() {
        "email" => "crawler@example.com".into(),
        "tel" => "+61 2 5550 1234".into(),
        "url" => "https://example.com/".into(),
        "number" | "range" => "3".into(),
        "date" => "2026-03-14".into(),
        "datetime-local" => "2026-03-14T09:30".into(),
        "time" => "09:30".into(),
        "month" => "2026-03".into(),
        "password" => String::new(),
        "text" | "search" | "textarea" if field.value.is_empty() => "Crawler text".into(),
        _ => field.value.clone(),
    }
}

/// Form actions that destroy or end something: submitted after everything else, and the
/// session's own end never.
fn destructive(action: &str) -> bool {
    [
        "delete", "archive", "remove", "withdraw", "revoke", "cancel", "suspend",
    ]
    .iter()
    .any(|word| action.contains(word))
}

fn signs_out(action: &str) -> bool {
    action.split('?').next() == Some("/signout")
}

/// An address reduced to its route: ids become placeholders, query values are dropped.
fn shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path
        .split('/')
        .map(|segment| {
            if uuid::Uuid::parse_str(segment).is_ok() {
                "{uuid}"
            } else if !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()) {
                "{n}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let keys: BTreeSet<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split('=').next().unwrap_or(pair))
        .collect();
    if keys.is_empty() {
        path
    } else {
        format!("{path}?{}", keys.into_iter().collect::<Vec<_>>().join("&"))
    }
}

/// The address's path with its last segment left out: siblings share it.
fn parent(shape: &str) -> String {
    let path = shape.split('?').next().unwrap_or(shape);
    path.rsplit_once('/')
        .map(|(head, _)| head.to_string())
        .unwrap_or_default()
}

/// A same-origin address for `href` found on the page at `base`, without its fragment.
fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    let href = href.split('#').next().unwrap_or("");
    // `x` is what an attack's `<img src=x>` leaves in user content once sanitized.
    if href.is_empty() || href == "x" {
        return None;
    }
    if href.starts_with("//")
        || href.contains("://")
        || href.contains(':') && !href.starts_with('/')
    {
        return None;
    }
    let url = if href.starts_with('/') {
        href.to_string()
    } else if let Some(query) = href.strip_prefix('?') {
        format!("{}?{query}", base.split('?').next().unwrap_or(base))
    } else {
        let dir = base.split('?').next().unwrap_or(base);
        let dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        format!("{dir}/{href}")
    };
    let url = url.replace("&amp;", "&");
    if url.starts_with("/static/") {
        return None;
    }
    Some(url)
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    kind: String,
    /// The value the page gave it: for a select, the chosen option or else the first real one.
    value: String,
    /// A radio button or checkbox the page left unchecked.
    unchecked: bool,
}

#[derive(Debug, Clone)]
struct Form {
    method: String,
    action: String,
    multipart: bool,
    fields: Vec<Field>,
    found_on: String,
}

impl Form {
    fn key(&self) -> String {
        let names: BTreeSet<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        format!(
            "{} {} {}",
            self.method,
            shape(&self.action),
            names.into_iter().collect::<Vec<_>>().join(",")
        )
    }
}

struct Parsed {
    links: Vec<(String, bool)>,
    forms: Vec<Form>,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn parse(url: &str, body: &str) -> Parsed {
    let html = Html::parse_document(body);
    let mut links = Vec::new();
    for (css, attribute, htmx) in [
        ("a[href]", "href", false),
        ("img[src]", "src", false),
        ("[hx-get]", "hx-get", true),
    ] {
        for element in html.select(&selector(css)) {
            if let Some(link) = element
                .value()
                .attr(attribute)
                .and_then(|href| resolve(url, href))
            {
                links.push((link, htmx));
            }
        }
    }
    let forms = html
        .select(&selector("form"))
        .filter_map(|form| read_form(url, form))
        .collect();
    Parsed { links, forms }
}

fn read_form(url: &str, form: ElementRef<'_>) -> Option<Form> {
    let attr = |name: &str| form.value().attr(name);
    let (method, action) = match (
        attr("method"),
        attr("action"),
        attr("hx-post"),
        attr("hx-get"),
    ) {
        (method, Some(action), _, _) => (method.unwrap_or("get").to_lowercase(), action),
        (_, None, Some(action), _) => ("post".to_string(), action),
        (_, None, None, Some(action)) => ("get".to_string(), action),
        (method, None, None, None) => (method.unwrap_or("get").to_lowercase(), url),
    };
    let action = resolve(url, action)?;
    let mut fields = Vec::new();
    for element in form.select(&selector(
        "input[name], select[name], textarea[name], button[name]",
    )) {
        let e = element.value();
        let kind = match e.name() {
            "input" => e.attr("type").unwrap_or("text").to_lowercase(),
            other => other.to_string(),
        };
        let value = match e.name() {
            "select" => {
                let options: Vec<_> = element.select(&selector("option")).collect();
                let chosen = options
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or_else(|| options.iter().find(|o| !option_value(o).is_empty()));
                chosen.map(option_value).unwrap_or_default()
            }
            "textarea" => element.text().collect(),
            _ => e.attr("value").unwrap_or_default().to_string(),
        };
        fields.push(Field {
            name: e.attr("name").unwrap_or_default().to_string(),
            unchecked: matches!(kind.as_str(), "checkbox" | "radio") && e.attr("checked").is_none(),
            kind,
            value,
        });
    }
    Some(Form {
        method,
        action,
        multipart: attr("enctype") == Some("multipart/form-data"),
        fields,
        found_on: url.to_string(),
    })
}

/// Forms of one family: the same fields sent to addresses that differ in one place only, where
/// many values occur (a job's or a forum category's slug): the same handler with other data.
const PER_FAMILY: usize = 2;

fn families(forms: Vec<Form>) -> Vec<Form> {
    let segments = |form: &Form| -> Vec<String> {
        shape(&form.action)
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .map(str::to_string)
            .collect()
    };
    let group = |form: &Form| {
        let names: BTreeSet<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        format!("{} {} {:?}", form.method, segments(form).len(), names)
    };
    let mut values: HashMap<(String, usize), BTreeSet<String>> = HashMap::new();
    for form in &forms {
        for (i, segment) in segments(form).into_iter().enumerate() {
            values.entry((group(form), i)).or_default().insert(segment);
        }
    }
    let mut kept: HashMap<String, usize> = HashMap::new();
    forms
        .into_iter()
        .filter(|form| {
            let family: Vec<String> = segments(form)
                .into_iter()
                .enumerate()
                .map(|(i, segment)| {
                    if values[&(group(form), i)].len() > 3 {
                        "*".to_string()
                    } else {
                        segment
                    }
                })
                .collect();
            let count = kept
                .entry(format!("{} {}", group(form), family.join("/")))
                .or_default();
            *count += 1;
            *count <= PER_FAMILY
        })
        .collect()
}

/// Submissions of one round at most: the first, then retries with refused fields replaced.
const ATTEMPTS: usize = 4;
/// What a refused field gets next: its ordinary value, nothing, then plain numbers.
const CANDIDATES: [Option<&str>; 4] = [None, Some(""), Some("2000"), Some("1")];

/// The names of the fields a re-rendered form marks invalid. A plain scan of the tags, since
/// these pages are large and parsed often.
fn invalid_fields(body: &str) -> BTreeSet<String> {
    body.match_indices("aria-invalid=\"true\"")
        .filter_map(|(at, _)| {
            let tag = &body[body[..at].rfind('<')?..at];
            let name = &tag[tag.find(" name=\"")? + 7..];
            Some(name[..name.find('"')?].to_string())
        })
        .collect()
}

fn option_value(option: &ElementRef<'_>) -> String {
    option
        .value()
        .attr("value")
        .map(str::to_string)
        .unwrap_or_else(|| option.text().collect::<String>().trim().to_string())
}

fn is_html(page: &Page) -> bool {
    page.header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
}

fn location(page: &Page) -> Option<String> {
    page.header("location")
        .or_else(|| page.header("hx-redirect"))
        .and_then(|to| resolve("/", to))
}

/// What a person sees of a refusal: the page must say what went wrong.
fn has_message(page: &Page) -> bool {
    ["role=\"alert\"", "class=\"error\"", "alert-error"]
        .iter()
        .any(|marker| page.body.contains(marker))
}

struct Crawler<'a> {
    browser: Browser<'a>,
    failures: Vec<String>,
    /// Distinct route shapes visited, and the pages read of each.
    shapes: HashMap<String, usize>,
    siblings: HashMap<String, BTreeSet<String>>,
    visited: BTreeSet<String>,
    forms: BTreeMap<String, Form>,
    pages_read: usize,
    requests: usize,
    /// Submissions answered with success (2xx/3xx) and with a refusal (4xx).
    accepted: usize,
    refused: usize,
    /// After a second sign-in the session's token changes; forms found before carry the old one.
    csrf_after_sign_in: Option<String>,
}

impl<'a> Crawler<'a> {
    fn fail(&mut self, message: String) {
        if self.failures.len() < 200 {
            self.failures.push(message);
        }
    }

    /// Headers every response must carry, and those of authenticated pages and the session cookie.
    fn check_headers(&mut self, what: &str, page: &Page) {
        let csp = page.header("content-security-policy").unwrap_or_default();
        let scripts = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .or_else(|| {
                csp.split(';')
                    .map(str::trim)
                    .find(|d| d.starts_with("default-src"))
            });
        match scripts {
            None => self.fail(format!("{what}: no script policy in the CSP ({csp:?})")),
            Some(d) if d.contains("'unsafe-inline'") || d.contains("'unsafe-eval'") => {
                self.fail(format!("{what}: the CSP allows inline scripts: {d}"))
            }
            Some(_) => {}
        }
        if page.header("x-content-type-options") != Some("nosniff") {
            self.fail(format!("{what}: no X-Content-Type-Options: nosniff"));
        }
        let framing_denied = page.header("x-frame-options") == Some("DENY")
            || csp.contains("frame-ancestors 'none'");
        if !framing_denied {
            self.fail(format!("{what}: framing is not denied"));
        }
        if is_html(page)
            && !page
                .header("cache-control")
                .is_some_and(|c| c.contains("no-store"))
        {
            self.fail(format!(
                "{what}: authenticated HTML without Cache-Control: no-store ({})",
                page.status
            ));
        }
        for cookie in page.headers.get_all("set-cookie") {
            let cookie = cookie.to_str().unwrap_or_default();
            if cookie.starts_with("sitesync=") {
                let lower = cookie.to_lowercase();
                if !lower.contains("httponly") || !lower.contains("samesite=lax") {
                    self.fail(format!(
                        "{what}: session cookie without HttpOnly and SameSite=Lax: {cookie}"
                    ));
                }
            }
        }
    }

    fn check_escaped(&mut self, what: &str, page: &Page) {
        if !is_html(page) {
            return;
        }
        for payload in UNESCAPED {
            if page.body.contains(payload) {
                let at = page.body.find(payload).unwrap_or(0);
                let start = page.body[..at]
                    .char_indices()
                    .rev()
                    .nth(120)
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                self.fail(format!(
                    "{what}: payload {payload:?} unescaped in the page: …{}…",
                    &page.body[start..(at + payload.len()).min(page.body.len())]
                ));
            }
        }
    }

    async fn get(&mut self, url: &str, htmx: bool) -> Page {
        self.requests += 1;
        let page = if htmx {
            self.browser.get_htmx(url).await
        } else {
            self.browser.get(url).await
        };
        self.check_headers(&format!("GET {url}"), &page);
        page
    }

    /// Reads every page reachable from `seeds`, at most `per_shape` of each route shape;
    /// collects forms when `collect_forms`.
    async fn crawl(&mut self, seeds: &[&str], per_shape: usize, collect_forms: bool) {
        self.shapes.clear();
        self.siblings.clear();
        self.visited.clear();
        let mut queue: VecDeque<(String, bool, String)> = seeds
            .iter()
            .map(|s| (s.to_string(), false, "(start)".to_string()))
            .collect();
        let mut read = 0;
        while let Some((url, htmx, referrer)) = queue.pop_front() {
            if read >= MAX_PAGES || self.visited.contains(&url) {
                continue;
            }
            let shape = shape(&url);
            let seen = self.shapes.get(&shape).copied().unwrap_or(0);
            if seen >= per_shape {
                continue;
            }
            let siblings = self.siblings.entry(parent(&shape)).or_default();
            if !siblings.contains(&shape) && siblings.len() >= MAX_SIBLINGS {
                continue;
            }
            siblings.insert(shape.clone());
            self.shapes.insert(shape, seen + 1);
            self.visited.insert(url.clone());
            read += 1;
            let page = self.get(&url, htmx).await;
            let status = page.status.as_u16();
            if status >= 500 {
                self.fail(format!(
                    "GET {url} (linked from {referrer}) answered {status}"
                ));
            } else if status == 404 {
                self.fail(format!(
                    "GET {url} (linked from {referrer}) is a dead link: 404"
                ));
            }
            if let Some(to) = location(&page) {
                if to.starts_with("/signin") {
                    self.fail(format!("GET {url} sent the signed-in owner to {to}"));
                }
                queue.push_back((to, false, url.clone()));
            }
            self.check_escaped(&format!("GET {url}"), &page);
            if !is_html(&page) {
                continue;
            }
            let parsed = parse(&url, &page.body);
            for (link, htmx) in parsed.links {
                if !self.visited.contains(&link) {
                    queue.push_back((link, htmx, url.clone()));
                }
            }
            if collect_forms {
                for form in parsed.forms {
                    if self.forms.len() < MAX_FORMS {
                        self.forms.entry(form.key()).or_insert(form);
                    }
                }
            }
        }
        self.pages_read += read;
    }

    async fn signed_in(&mut self) -> bool {
        let page = self.get("/account", false).await;
        page.status.is_success()
    }

    async fn sign_in(&mut self) {
        let page = self.browser.sign_in(OWNER_EMAIL, OWNER_PASSWORD).await;
        assert_eq!(
            page.status.as_u16(),
            303,
            "the owner signs in: {}",
            page.body
        );
        self.check_headers("POST /signin", &page);
        // The session is renewed at sign-in, and with it the token the forms carry.
        self.get("/account", false).await;
        self.csrf_after_sign_in = Some(self.browser.csrf());
    }

    /// One form, every round of payloads; returns the number of submissions.
    async fn attack(&mut self, form: &Form) -> usize {
        let mut sent = 0;
        // What made the form acceptable in one round is reused in the next, which then needs
        // one submission instead of several.
        let mut learned: HashMap<String, usize> = HashMap::new();
        for (label, target, payload) in payloads(form.method == "get") {
            // Fields the app refused get ordinary values instead (one candidate after another),
            // until the payload is accepted where it may be, so it is stored and shown.
            let mut fallback = learned.clone();
            for attempt in 0..ATTEMPTS {
                let fields = self.fill(form, target, &payload, &fallback);
                let what = format!(
                    "{} {} ({label}, attempt {}; form found on {})",
                    form.method.to_uppercase(),
                    form.action,
                    attempt + 1,
                    form.found_on
                );
                let page = self.submit(form, &fields, &payload).await;
                sent += 1;
                if !self.judge(&what, &page).await {
                    if target != Target::Every && page.status.as_u16() < 400 {
                        learned = fallback;
                    }
                    break;
                }
                if target == Target::Every {
                    break;
                }
                let refused = invalid_fields(&page.body);
                let mut changed = false;
                for name in refused {
                    let next = fallback.get(&name).map_or(0, |i| i + 1);
                    if next < CANDIDATES.len() {
                        fallback.insert(name, next);
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        }
        sent
    }

    /// The values of one submission.
    fn fill(
        &self,
        form: &Form,
        target: Target,
        payload: &str,
        fallback: &HashMap<String, usize>,
    ) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        let mut named = BTreeSet::new();
        for field in &form.fields {
            let first_of_name = named.insert(field.name.as_str());
            let value = if field.name == "csrf_token" {
                self.csrf_after_sign_in
                    .clone()
                    .unwrap_or_else(|| field.value.clone())
            } else if field.kind == "file" {
                continue;
            } else if target == Target::Every {
                payload.to_string()
            } else if let Some(&candidate) = fallback.get(&field.name) {
                match CANDIDATES[candidate] {
                    Some(value) => value.to_string(),
                    None => ordinary(field),
                }
            } else if matches!(target, Target::Kinds(kinds) if kinds.contains(&field.kind.as_str()))
            {
                payload.to_string()
            } else if field.unchecked
                || (matches!(field.kind.as_str(), "submit" | "button") && !first_of_name)
            {
                // A person sends one button and only what is checked.
                continue;
            } else {
                ordinary(field)
            };
            fields.push((field.name.clone(), value));
        }
        // A form of many fields (a count sheet of a well-stocked warehouse) filled with long
        // values would exceed what the server reads at all; each value is shortened (from the
        // front, so the markup at its end stays) to keep the body within it.
        let total: usize = fields.iter().map(|(_, v)| v.len()).sum();
        if total > MAX_BODY {
            let budget = MAX_BODY / fields.len().max(1);
            for (_, value) in fields.iter_mut().filter(|(_, v)| v.len() > budget) {
                let mut start = value.len() - budget;
                while !value.is_char_boundary(start) {
                    start += 1;
                }
                *value = value[start..].to_string();
            }
        }
        fields
    }

    async fn submit(&mut self, form: &Form, fields: &[(String, String)], payload: &str) -> Page {
        self.requests += 1;
        if form.method == "get" {
            let query = serde_urlencoded::to_string(fields).unwrap();
            let separator = if form.action.contains('?') { '&' } else { '?' };
            self.browser
                .get(&format!("{}{separator}{query}", form.action))
                .await
        } else if form.multipart {
            let files: Vec<String> = form
                .fields
                .iter()
                .filter(|f| f.kind == "file")
                .map(|f| f.name.clone())
                .collect();
            self.multipart(&form.action, fields, &files, payload).await
        } else {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            self.browser.post_raw(&form.action, &pairs).await
        }
    }

    /// Checks one answer to a submission; `true` when it was a refusal worth retrying.
    async fn judge(&mut self, what: &str, page: &Page) -> bool {
        self.check_headers(what, page);
        self.check_escaped(what, page);
        let status = page.status.as_u16();
        if std::env::var_os("CRAWLER_VERBOSE").is_some() {
            eprintln!("{status} {what} {:?}", invalid_fields(&page.body));
        }
        if status >= 500 {
            let excerpt: String = page.body.chars().take(300).collect();
            self.fail(format!("{what} answered {status}: {excerpt}"));
            return false;
        }
        if status >= 400 {
            self.refused += 1;
            if !has_message(page) {
                let excerpt: String = page.body.chars().take(300).collect();
                self.fail(format!(
                    "{what} was refused ({status}) without a message: {excerpt:?}"
                ));
            }
            return status == 422;
        }
        self.accepted += 1;
        if let Some(to) = location(page) {
            // Accepted: the page it leads to shows what was saved.
            let next = self.get(&to, false).await;
            if next.status.as_u16() >= 500 || next.status.as_u16() == 404 {
                self.fail(format!(
                    "{what} led to {to}, which answered {}",
                    next.status
                ));
            }
            self.check_escaped(&format!("{what}, then GET {to}"), &next);
        }
        false
    }

    /// A multipart submission as a browser sends it, every file a hostile one.
    async fn multipart(
        &mut self,
        action: &str,
        fields: &[(String, String)],
        files: &[String],
        payload: &str,
    ) -> Page {
        let boundary = "----sitesync-crawler-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for name in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"x{}.csv\"\r\nContent-Type: text/csv\r\n\r\n",
                    IMAGE.replace('"', "%22")
                )
                .as_bytes(),
            );
            body.extend_from_slice(format!("name,code\n{payload},{payload}\n").as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = self
            .browser
            .app
            .post_request(action)
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .insert_header(("Cookie", self.browser.cookie_header()));
        let mut response = request.send_body(body).await.unwrap();
        let bytes = response.body().limit(16 * 1024 * 1024).await.unwrap();
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// A site and a lift of the crawler's own, made through the forms a person uses; the demo
/// supplies the rest. Returns the lift's address.
async fn fixtures(browser: &Browser<'_>) -> String {
    let page = browser
        .post(
            "/o/demo/sites",
            &[
                ("name", "Crawler Tower"),
                ("code", "CRAWL-1"),
                ("site_type", "commercial"),
                ("city", "Sydney"),
                ("state", "NSW"),
                ("country", "Australia"),
                ("timezone", "Australia/Sydney"),
            ],
        )
        .await;
    assert_eq!(page.status.as_u16(), 303, "site created: {}", page.body);
    let site = location(&page).unwrap();
    let site_id = site.rsplit('/').next().unwrap().to_string();
    let page = browser
        .post(
            "/o/demo/elevators",
            &[("site_id", &site_id), ("unit_number", "Crawler lift")],
        )
        .await;
    assert_eq!(page.status.as_u16(), 303, "lift created: {}", page.body);
    location(&page).unwrap()
}

#[actix_web::test]
async fn every_page_answers_and_every_form_survives_hostile_input() {
    let started = Instant::now();
    let app = TestApp::new().await;
    demo::ensure(&mut app.conn()).unwrap();
    let mut crawler = Crawler {
        browser: Browser::new(&app),
        failures: Vec::new(),
        shapes: HashMap::new(),
        siblings: HashMap::new(),
        visited: BTreeSet::new(),
        forms: BTreeMap::new(),
        pages_read: 0,
        requests: 0,
        accepted: 0,
        refused: 0,
        csrf_after_sign_in: None,
    };
    crawler.sign_in().await;
    crawler.csrf_after_sign_in = None;
    let lift = fixtures(&crawler.browser).await;
    let seeds = ["/", "/o/demo", lift.as_str()];

    let setup_time = started.elapsed();
    crawler.crawl(&seeds, 1, true).await;
    let first_crawl = crawler.pages_read;
    let crawl_time = started.elapsed();
    let page_shapes = crawler.shapes.len();
    assert!(
        first_crawl > 40,
        "the crawler reached only {first_crawl} pages: {:?}",
        crawler.visited
    );

    let mut forms = families(
        crawler
            .forms
            .values()
            .filter(|form| !signs_out(&form.action))
            .cloned()
            .collect(),
    );
    forms.sort_by_key(|form| destructive(&form.action));
    let mut submissions = 0;
    for form in &forms {
        let form_started = Instant::now();
        submissions += crawler.attack(form).await;
        if std::env::var_os("CRAWLER_VERBOSE").is_some() {
            eprintln!(
                "form {} {}: {:.1?}",
                form.method,
                form.action,
                form_started.elapsed()
            );
        }
        if !crawler.signed_in().await {
            crawler.fail(format!(
                "submitting {} {} signed the owner out",
                form.method, form.action
            ));
            crawler.sign_in().await;
        }
    }
    let attack_time = started.elapsed();

    // The fixture lift may have been archived by now; the pages link to what is left.
    crawler.crawl(&seeds[..2], RECRAWL_PER_SHAPE, false).await;
    println!(
        "crawler: {first_crawl} pages ({page_shapes} route shapes) crawled, {} forms attacked with \
         {submissions} submissions ({} accepted, {} refused), {} pages re-crawled, {} requests in {:.1?} (set up by {:.1?}, crawled by {:.1?}, attack done by {:.1?})",
        forms.len(),
        crawler.accepted,
        crawler.refused,
        crawler.pages_read - first_crawl,
        crawler.requests,
        started.elapsed(),
        setup_time,
        crawl_time,
        attack_time,
    );
    assert!(
        crawler.failures.is_empty(),
        "{} problems:\n{}",
        crawler.failures.len(),
        crawler.failures.join("\n")
    );
}
