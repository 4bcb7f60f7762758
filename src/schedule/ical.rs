//! A person's bookings as an iCalendar feed (RFC 5545): one VEVENT per work order, times in
//! UTC, text escaped, lines folded at 75 octets and ended with CRLF.

use chrono::{DateTime, Duration, Utc};

use super::queries::FeedEvent;
use crate::work_orders::status::WorkOrderStatus;

/// The feed of `calendar_name`; `link` makes each work order's address (`link(id)`), and
/// `host` names the product in the events' UIDs.
pub fn feed(
    calendar_name: &str,
    host: &str,
    events: &[FeedEvent],
    link: impl Fn(&FeedEvent) -> String,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//SiteSync//Dispatch calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(calendar_name)));
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT30M");
    for event in events {
        let end = event
            .end
            .filter(|end| *end > event.start)
            .unwrap_or(event.start + Duration::hours(1));
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@{}", event.id, text(host)));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        line(
            &mut out,
            &format!("LAST-MODIFIED:{}", stamp(event.updated_at)),
        );
        line(&mut out, &format!("SEQUENCE:{}", event.version.max(0)));
        line(&mut out, &format!("DTSTART:{}", stamp(event.start)));
        line(&mut out, &format!("DTEND:{}", stamp(end)));
        line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                text(&format!("{} {}", event.work_order_number, event.title))
            ),
        );
        let location = match (&event.unit_number, &event.address) {
            (Some(unit), Some(address)) => format!("{}, {unit}, {address}", event.site_name),
            (Some(unit), None) => format!("{}, {unit}", event.site_name),
            (None, Some(address)) => format!("{}, {address}", event.site_name),
            (None, None) => event.site_name.clone(),
        };
        line(&mut out, &format!("LOCATION:{}", text(&location)));
        let mut description = format!(
            "{} priority · {}\n",
            event.priority.label(),
            event.status.label()
        );
        if let Some(more) = event
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            description.push_str(more.trim());
            description.push('\n');
        }
        let url = link(event);
        description.push_str(&url);
        line(&mut out, &format!("DESCRIPTION:{}", text(&description)));
        line(&mut out, &format!("URL:{}", uri(&url)));
        // Booked but not yet confirmed as `scheduled`: tentative.
        let status = if event.status == WorkOrderStatus::Pending {
            "TENTATIVE"
        } else {
            "CONFIRMED"
        };
        line(&mut out, &format!("STATUS:{status}"));
        line(&mut out, "TRANSP:OPAQUE");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// A UTC date-time: `20261203T093000Z`.
fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as
/// `\n`, other control characters dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value: nothing to escape, but no control characters or spaces either.
fn uri(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Writes one content line, folded so that no line is longer than 75 octets (a fold never
/// splits a UTF-8 character), ended with CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_are_folded_on_character_boundaries() {
        assert_eq!(text("a;b,c\\d\r\ne"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}", "é".repeat(60)));
    }
}
