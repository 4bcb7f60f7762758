//! What the forum's forms send, and their validation.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::queries::categories::CategoryWrite;
use super::queries::posts::ThreadEdit;
use super::{Scope, Visibility};
use crate::web::forms::{check_line, check_text, optional, FieldErrors};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const TAGS_MAX: usize = 8;

/// The colours a category may wear (each has a class in the stylesheet).
pub const COLOURS: &[&str] = &["blue", "teal", "green", "amber", "red", "purple", "slate"];

/// Icon keywords and the symbol shown for each.
pub const ICONS: &[(&str, &str)] = &[
    ("chat", "💬"),
    ("factory", "🏭"),
    ("droplet", "💧"),
    ("door", "🚪"),
    ("cpu", "🖥️"),
    ("shield", "🛡️"),
    ("book", "📘"),
    ("graduation", "🎓"),
    ("wrench", "🔧"),
    ("lock", "🔒"),
];

pub fn icon_symbol(icon: &str) -> &'static str {
    ICONS
        .iter()
        .find(|(key, _)| *key == icon)
        .map(|(_, symbol)| *symbol)
        .unwrap_or("📁")
}

pub const FLAG_REASONS: &[(&str, &str)] = &[
    ("spam", "Spam or advertising"),
    ("abusive", "Abusive or harassing"),
    ("unsafe", "Unsafe advice"),
    ("off_topic", "Off topic"),
    ("other", "Something else"),
];

fn checked(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false")
}

/// Tags typed as "a, b, c": trimmed, lower-cased, de-duplicated.
pub fn parse_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(|t| t.trim().to_lowercase()) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

fn check_tags(errors: &mut FieldErrors, raw: &str) -> Vec<String> {
    if !check_line(errors, "tags", raw, 400, false) {
        return Vec::new();
    }
    let tags = parse_tags(raw);
    if tags.len() > TAGS_MAX {
        errors.add("tags", format!("Use at most {TAGS_MAX} tags."));
    } else if tags.iter().any(|t| t.chars().count() > 40) {
        errors.add("tags", "Keep each tag under 40 characters.");
    }
    tags
}

/// Title, equipment and tags of a thread (new or edited).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ThreadFields {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub equipment_manufacturer: String,
    #[serde(default)]
    pub equipment_model: String,
    #[serde(default)]
    pub fault_code: String,
    #[serde(default)]
    pub tags: String,
}

impl ThreadFields {
    pub fn validate(&self, errors: &mut FieldErrors) -> ThreadEdit<'_> {
        if check_line(errors, "title", &self.title, TITLE_MAX, true)
            && self.title.trim().chars().count() < 8
        {
            errors.add("title", "Use at least 8 characters, so others can find it.");
        }
        check_line(
            errors,
            "equipment_manufacturer",
            &self.equipment_manufacturer,
            100,
            false,
        );
        check_line(errors, "equipment_model", &self.equipment_model, 100, false);
        check_line(errors, "fault_code", &self.fault_code, 50, false);
        let tags = check_tags(errors, &self.tags);
        ThreadEdit {
            title: self.title.trim(),
            equipment_manufacturer: optional(&Some(self.equipment_manufacturer.clone())),
            equipment_model: optional(&Some(self.equipment_model.clone())),
            fault_code: optional(&Some(self.fault_code.clone())),
            tags,
        }
    }
}

fn check_body(errors: &mut FieldErrors, body: &str) {
    check_text(errors, "body", body, BODY_MAX, true);
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ThreadForm {
    #[serde(flatten)]
    pub fields: ThreadFields,
    #[serde(default)]
    pub body: String,
    pub anonymous: Option<String>,
}

impl ThreadForm {
    pub fn anonymous(&self) -> bool {
        checked(&self.anonymous)
    }

    pub fn validate(&self) -> (ThreadEdit<'_>, FieldErrors) {
        let mut errors = FieldErrors::default();
        let edit = self.fields.validate(&mut errors);
        check_body(&mut errors, &self.body);
        (edit, errors)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
    pub reply_to: Option<String>,
    pub anonymous: Option<String>,
}

impl ReplyForm {
    pub fn anonymous(&self) -> bool {
        checked(&self.anonymous)
    }

    pub fn reply_to(&self) -> Option<Uuid> {
        optional(&self.reply_to).and_then(|id| id.parse().ok())
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        check_body(&mut errors, &self.body);
        errors
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    pub fields: ThreadFields,
    #[serde(default)]
    pub body: String,
}

impl EditForm {
    /// Checks the body, and for an opening post the thread's fields too.
    pub fn validate(&self, opening: bool) -> (Option<ThreadEdit<'_>>, FieldErrors) {
        let mut errors = FieldErrors::default();
        let thread = opening.then(|| self.fields.validate(&mut errors));
        check_body(&mut errors, &self.body);
        (thread, errors)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct VoteForm {
    /// "up" to vote, anything else to withdraw the vote.
    #[serde(default)]
    pub vote: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WatchForm {
    #[serde(default)]
    pub watch: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub action: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub category_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AcceptForm {
    /// Empty to withdraw the accepted answer.
    #[serde(default)]
    pub post_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FlagForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub details: String,
}

impl FlagForm {
    /// The reason as stored ("Unsafe advice: …"), or the field errors.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        let label = FLAG_REASONS
            .iter()
            .find(|(key, _)| *key == self.reason)
            .map(|(_, label)| *label);
        if label.is_none() {
            errors.add("reason", "Choose why this post should be reviewed.");
        }
        check_line(&mut errors, "details", &self.details, 300, false);
        match (label, errors.is_empty()) {
            (Some(label), true) if self.details.trim().is_empty() => Ok(label.to_string()),
            (Some(label), true) => Ok(format!("{label}: {}", self.details.trim())),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReorderForm {
    #[serde(default)]
    pub direction: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModeratorForm {
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CategoryForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub icon: String,
    #[serde(default)]
    pub colour: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub scope_value: String,
    /// The organization's slug, for organization categories.
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub display_order: String,
    pub is_active: Option<String>,
    pub requires_moderation: Option<String>,
    pub allow_anonymous: Option<String>,
}

impl CategoryForm {
    pub fn is_active(&self) -> bool {
        checked(&self.is_active)
    }

    pub fn requires_moderation(&self) -> bool {
        checked(&self.requires_moderation)
    }

    pub fn allow_anonymous(&self) -> bool {
        checked(&self.allow_anonymous)
    }

    /// The row to write, given the organization the form names (looked up by the caller) and
    /// the possible parents.
    pub fn validate(
        &self,
        organization_id: Option<Uuid>,
        parents: &[Uuid],
    ) -> Result<CategoryWrite, FieldErrors> {
        let mut errors = FieldErrors::default();
        check_line(&mut errors, "name", &self.name, 100, true);
        let slug = self.slug.trim().to_lowercase();
        let slug_shape = slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !slug.starts_with('-');
        if check_line(&mut errors, "slug", &slug, 100, true) && !slug_shape {
            errors.add(
                "slug",
                "Use lower-case letters, digits and hyphens, like “door-operators”.",
            );
        }
        check_text(&mut errors, "description", &self.description, 2000, false);
        let parent_id = match optional(&Some(self.parent_id.clone())) {
            None => None,
            Some(raw) => match raw.parse::<Uuid>() {
                Ok(id) if parents.contains(&id) => Some(id),
                _ => {
                    errors.add("parent_id", "Choose one of the listed categories.");
                    None
                }
            },
        };
        if !ICONS.iter().any(|(key, _)| *key == self.icon) {
            errors.add("icon", "Choose one of the listed icons.");
        }
        if !COLOURS.contains(&self.colour.as_str()) {
            errors.add("colour", "Choose one of the listed colours.");
        }
        let scope = Scope::parse(&self.scope);
        if scope.is_none() {
            errors.add("scope", "Choose one of the listed scopes.");
        }
        check_line(&mut errors, "scope_value", &self.scope_value, 100, false);
        let visibility = Visibility::parse(&self.visibility);
        if visibility.is_none() {
            errors.add("visibility", "Choose who may read this category.");
        }
        let needs_org =
            scope == Some(Scope::Organization) || visibility == Some(Visibility::Organization);
        if !self.organization.trim().is_empty() && organization_id.is_none() {
            errors.add(
                "organization",
                "There is no organization with this address name.",
            );
        } else if needs_org && organization_id.is_none() {
            errors.add(
                "organization",
                "An organization category needs the organization's address name (as in /o/name).",
            );
        }
        let display_order = match self.display_order.trim() {
            "" => Ok(0),
            raw => raw.parse::<i32>(),
        };
        if display_order.is_err() {
            errors.add("display_order", "Enter a whole number.");
        }
        match (scope, visibility, display_order, errors.is_empty()) {
            (Some(scope), Some(visibility), Ok(display_order), true) => Ok(CategoryWrite {
                parent_id,
                name: self.name.trim().to_string(),
                slug,
                description: self.description.trim().to_string(),
                icon: self.icon.clone(),
                colour: self.colour.clone(),
                scope,
                scope_value: optional(&Some(self.scope_value.clone())),
                organization_id,
                visibility,
                is_active: self.is_active(),
                requires_moderation: self.requires_moderation(),
                allow_anonymous: self.allow_anonymous(),
                display_order,
            }),
            _ => Err(errors),
        }
    }
}
