//! Sortable column headers shared by every list: the link that sorts by a column (flipping the
//! direction when it already does) and the `aria-sort` value that tells screen readers.

use serde::Serialize;

/// The list's URL with every filter kept, sorted by `column`, back on page 1.
pub fn sort_href<T: Serialize + ?Sized>(
    base: &str,
    query: &T,
    current: &str,
    descending: bool,
    column: &str,
) -> String {
    let encoded = serde_urlencoded::to_string(query).unwrap_or_default();
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(&encoded)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, v)| !v.is_empty() && !matches!(k.as_str(), "sort" | "dir" | "page"))
            .collect();
    let dir = if current == column && !descending {
        "desc"
    } else {
        "asc"
    };
    pairs.push(("sort".into(), column.into()));
    pairs.push(("dir".into(), dir.into()));
    format!(
        "{base}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// A list's query (filters, sort, page) that sorts by column: what the column headers need.
pub trait Sortable: Serialize {
    /// The column sorted by when none is asked for.
    const DEFAULT_SORT: &'static str;

    /// The `sort` parameter as given (empty when none).
    fn sort_param(&self) -> &str;

    fn descending(&self) -> bool;

    /// The column the list is sorted by.
    fn sort_column(&self) -> &str {
        match self.sort_param() {
            "" => Self::DEFAULT_SORT,
            column => column,
        }
    }

    /// The header link that sorts by `column`, keeping the filters.
    fn sort_href(&self, base: &str, column: &str) -> String {
        sort_href(base, self, self.sort_column(), self.descending(), column)
    }

    fn aria_sort(&self, column: &str) -> &'static str {
        aria_sort(self.sort_column(), self.descending(), column)
    }
}

pub fn aria_sort(current: &str, descending: bool, column: &str) -> &'static str {
    match (current == column, descending) {
        (true, true) => "descending",
        (true, false) => "ascending",
        _ => "none",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sort_links_keep_filters_and_flip() {
        #[derive(Serialize)]
        struct Q {
            q: &'static str,
            city: &'static str,
            sort: &'static str,
            dir: &'static str,
        }
        let q = Q {
            q: "tower",
            city: "",
            sort: "name",
            dir: "asc",
        };
        assert_eq!(
            sort_href("/s", &q, "name", false, "name"),
            "/s?q=tower&sort=name&dir=desc"
        );
        assert_eq!(
            sort_href("/s", &q, "name", false, "city"),
            "/s?q=tower&sort=city&dir=asc"
        );
        assert_eq!(aria_sort("name", true, "name"), "descending");
        assert_eq!(aria_sort("name", true, "city"), "none");
    }
}
