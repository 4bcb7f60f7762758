//! Numbered pages for lists with a total count: which rows to load and the links between pages.

use serde::Serialize;

#[derive(Debug, Clone)]
pub struct Pagination {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The list's other query parameters (filters, sort), so page links keep them.
    pub query: String,
    pub path: String,
}

impl Pagination {
    /// `page` is clamped to the existing pages.
    pub fn new(path: &str, page: Option<i64>, per_page: i64, total: i64) -> Pagination {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pagination {
            page: page.unwrap_or(1).clamp(1, pages),
            per_page,
            total,
            query: String::new(),
            path: path.to_string(),
        }
    }

    /// Keeps these parameters (minus `page`) in every page link.
    pub fn keeping<T: Serialize>(mut self, params: &T) -> Pagination {
        let encoded = serde_urlencoded::to_string(params).unwrap_or_default();
        self.query = encoded
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("page=") && !pair.ends_with('='))
            .collect::<Vec<_>>()
            .join("&");
        self
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    pub fn first_row(&self) -> i64 {
        if self.total == 0 {
            0
        } else {
            self.offset() + 1
        }
    }

    pub fn last_row(&self) -> i64 {
        (self.offset() + self.per_page).min(self.total)
    }

    pub fn href(&self, page: i64) -> String {
        if self.query.is_empty() {
            format!("{}?page={page}", self.path)
        } else {
            format!("{}?{}&page={page}", self.path, self.query)
        }
    }

    pub fn previous(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    pub fn next(&self) -> Option<String> {
        (self.page < self.pages()).then(|| self.href(self.page + 1))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        #[derive(Serialize)]
        struct Q {
            q: &'static str,
            sort: &'static str,
            empty: &'static str,
        }
        let p = Pagination::new("/o/a/sites", Some(9), 25, 60).keeping(&Q {
            q: "tower & co",
            sort: "name",
            empty: "",
        });
        assert_eq!(p.page, 3);
        assert_eq!(p.pages(), 3);
        assert_eq!((p.first_row(), p.last_row()), (51, 60));
        assert_eq!(
            p.previous().as_deref(),
            Some("/o/a/sites?q=tower+%26+co&sort=name&page=2")
        );
        assert_eq!(p.next(), None);
        assert_eq!(Pagination::new("/x", None, 25, 0).first_row(), 0);
    }
}
