//! What every page's frame needs: title, the organization being viewed, navigation state.

/// The organization a page belongs to, for the header and navigation.
#[derive(Debug, Clone)]
pub struct OrgNav {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub org: Option<OrgNav>,
    /// Which navigation entry is the current page (`aria-current`).
    pub section: &'static str,
}

impl Layout {
    pub fn new(title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            org: None,
            section: "",
        }
    }

    pub fn in_org(mut self, name: &str, slug: &str) -> Layout {
        self.org = Some(OrgNav {
            name: name.to_string(),
            slug: slug.to_string(),
        });
        self
    }

    pub fn section(mut self, section: &'static str) -> Layout {
        self.section = section;
        self
    }
}
