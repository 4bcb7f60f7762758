//! Shared pieces of form handling: trimming, per-field errors, and the text rules every form
//! applies (length limits, no control characters) so bad input gets a message, never a 500.

use std::collections::BTreeMap;
use std::str::FromStr;

use bigdecimal::BigDecimal;

/// Messages keyed by field name, shown next to the fields of a re-rendered form.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn messages(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }

    /// Every message on one line: "field: message; field: message".
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(field, message)| format!("{}: {message}", field.replace('_', " ")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A trimmed value, or `None` when blank.
pub fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn has_control(value: &str, multiline: bool) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks a single-line text field; records a message and returns `false` if it fails.
pub fn check_line(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> bool {
    check(errors, field, value, max, required, false)
}

/// Checks a multi-line text field (line breaks and tabs allowed).
pub fn check_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> bool {
    check(errors, field, value, max, required, true)
}

fn check(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
    multiline: bool,
) -> bool {
    let value = value.trim();
    if required && value.is_empty() {
        errors.add(field, "This field is required.");
        return false;
    }
    if value.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
        return false;
    }
    if has_control(value, multiline) {
        errors.add(
            field,
            "This contains characters that are not allowed (control characters).",
        );
        return false;
    }
    true
}

/// A plausible email address: one `@`, a dotted domain, no spaces, at most 255 characters.
pub fn check_email(errors: &mut FieldErrors, field: &str, value: &str) -> bool {
    if !check_line(errors, field, value, 255, true) {
        return false;
    }
    let value = value.trim();
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !valid {
        errors.add(field, "Enter an email address like name@example.com.");
    }
    valid
}

/// Where to go after signing in: only a local path, never another site (`//evil`, `https:`).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    next.map(str::trim)
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
        .filter(|n| !n.chars().any(char::is_control))
        .map(str::to_string)
}

/// The trimmed text, or `None` when blank.
pub fn blank(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// A whole number in `range`, or `None` when blank.
pub fn whole(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                format!(
                    "Enter a whole number from {} to {}.",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// The years a typed date may fall in, in every form: wide enough for any real record, narrow
/// enough that a slip of the keyboard (year 0, which PostgreSQL stores as 1 BC, or 9999) is
/// refused rather than stored.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Whether `date` falls in [`YEARS`].
pub fn plausible_date(date: &impl chrono::Datelike) -> bool {
    YEARS.contains(&date.year())
}

/// A decimal number in `[min, max]` with at most `scale` decimals, or `None` when blank.
pub fn decimal(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    min: i64,
    max: i64,
    scale: i64,
) -> Option<BigDecimal> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match BigDecimal::from_str(value) {
        Ok(n)
            if value.len() <= 30 && n >= min && n <= max && n.fractional_digit_count() <= scale =>
        {
            Some(n)
        }
        _ => {
            errors.add(
                field,
                format!("Enter a number from {min} to {max} (at most {scale} decimals)."),
            );
            None
        }
    }
}

/// A form with lines (an item and a quantity on each): `web::Form` keeps only one value of a
/// repeated name, so such forms are read as pairs and the fields named in `lists` collect every
/// value, in order, into a list. Other fields keep their last value; unknown ones are ignored
/// by the target's own `serde(default)`.
pub fn with_lines<T: serde::de::DeserializeOwned + Default>(
    pairs: Vec<(String, String)>,
    lists: &[&str],
) -> T {
    let mut fields = serde_json::Map::new();
    for list in lists {
        fields.insert((*list).to_string(), serde_json::Value::Array(Vec::new()));
    }
    for (name, value) in pairs {
        match fields.get_mut(&name) {
            Some(serde_json::Value::Array(values)) if lists.contains(&name.as_str()) => {
                values.push(serde_json::Value::String(value));
            }
            _ => {
                fields.insert(name, serde_json::Value::String(value));
            }
        }
    }
    serde_json::from_value(serde_json::Value::Object(fields)).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Lines {
        from: String,
        item_id: Vec<String>,
        quantity: Vec<String>,
    }

    #[test]
    fn repeated_fields_collect_into_lines() {
        let pairs = [
            ("from", "a"),
            ("item_id", "1"),
            ("quantity", "2"),
            ("item_id", "3"),
            ("quantity", ""),
            ("csrf_token", "x"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec();
        let lines: Lines = with_lines(pairs, &["item_id", "quantity"]);
        assert_eq!(lines.from, "a");
        assert_eq!(lines.item_id, vec!["1", "3"]);
        assert_eq!(lines.quantity, vec!["2", ""]);
    }

    #[test]
    fn text_rules() {
        let mut errors = FieldErrors::default();
        assert!(check_line(&mut errors, "a", "Harbour Tower", 20, true));
        assert!(!check_line(&mut errors, "b", "  ", 20, true));
        assert!(!check_line(&mut errors, "c", &"x".repeat(21), 20, true));
        assert!(!check_line(&mut errors, "d", "nul\0byte", 20, true));
        assert!(check_text(&mut errors, "e", "two\nlines", 20, false));
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn emails_and_next() {
        let mut errors = FieldErrors::default();
        assert!(check_email(&mut errors, "e", "Ann@Example.com"));
        for bad in ["ann", "ann@", "@x.com", "ann@x", "a b@x.com", "a@b@c.com"] {
            assert!(!check_email(&mut FieldErrors::default(), "e", bad), "{bad}");
        }
        assert_eq!(safe_next(Some("/o/acme")).as_deref(), Some("/o/acme"));
        assert_eq!(safe_next(Some("//evil.com")), None);
        assert_eq!(safe_next(Some("https://evil.com")), None);
    }

    #[test]
    fn dates_keep_to_the_window() {
        let date = |y| chrono::NaiveDate::from_ymd_opt(y, 6, 1).unwrap();
        assert!(plausible_date(&date(2000)) && plausible_date(&date(2100)));
        assert!(!plausible_date(&date(0)) && !plausible_date(&date(9999)));
    }
}
