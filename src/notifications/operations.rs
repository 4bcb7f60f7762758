//! The rules of notifications that leave the bell: routing each one by its recipient's
//! choice, the daily digest, and the choices themselves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::kinds::{self, Delivery, DIGEST, KINDS};
use super::queries::{self, Notification, Unrouted};
use super::unsubscribe;
use crate::config::SecretKey;
use crate::mail::{self, messages, Email, Rendered};
use crate::web::forms::FieldErrors;
use crate::web::{local_time, AppError};

/// What links in emails are made of.
pub struct Links<'a> {
    /// `SITESYNC_PUBLIC_URL` (never the request's host).
    pub base: &'a str,
    pub key: &'a SecretKey,
}

impl Links<'_> {
    fn unsubscribe(&self, account_id: Uuid, kind: &str) -> String {
        format!(
            "{}/unsubscribe/{}",
            self.base,
            unsubscribe::token(self.key, account_id, kind)
        )
    }

    fn preferences(&self) -> String {
        format!("{}/account/notifications", self.base)
    }
}

/// Adds the RFC 8058 headers that let a mail client unsubscribe in one click.
fn with_unsubscribe(mut content: Rendered, url: Option<&str>) -> Rendered {
    if let Some(url) = url {
        content
            .headers
            .insert("List-Unsubscribe".into(), format!("<{url}>"));
        content.headers.insert(
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        );
    }
    content
}

/// Routes the notifications `ids` not routed yet: each is emailed now, kept for the digest or
/// left in the app, as its recipient chose. Returns how many were emailed.
pub fn route(conn: &mut PgConnection, ids: &[Uuid], links: &Links) -> Result<usize, AppError> {
    let mut emailed = 0;
    for n in queries::lock_unrouted(conn, ids)? {
        let delivery = if n.is_active {
            kinds::resolve(&n.kind, n.chosen.as_deref())
        } else {
            Delivery::InApp
        };
        if delivery == Delivery::Email {
            email_one(conn, &n, links)?;
            emailed += 1;
        }
        queries::set_delivery(conn, n.id, delivery.as_str(), delivery == Delivery::Email)?;
    }
    Ok(emailed)
}

fn email_one(conn: &mut PgConnection, n: &Unrouted, links: &Links) -> Result<(), AppError> {
    let kind = kinds::find(&n.kind);
    // A kind that cannot be switched off offers no unsubscribe link.
    let unsubscribe = kind
        .filter(|k| !k.locked)
        .map(|k| links.unsubscribe(n.account_id, k.key));
    let content = messages::Notification {
        name: n.display_name.clone(),
        title: n.title.clone(),
        body: n.body.clone(),
        link: format!("{}{}", links.base, n.link),
        organization: n.organization.clone(),
        about: kind.map(|k| k.label).unwrap_or("SiteSync").to_string(),
        unsubscribe: unsubscribe.clone(),
        preferences: links.preferences(),
    }
    .render()?;
    mail::send(
        conn,
        &Email {
            kind: "notification",
            to_address: &n.email,
            to_name: Some(&n.display_name),
            content: with_unsubscribe(content, unsubscribe.as_deref()),
            account_id: Some(n.account_id),
            organization_id: None,
            correlation_id: Some(format!("notification:{}", n.id)),
        },
    )?;
    Ok(())
}

/// Sends every digest due at `now`; returns how many went out.
pub fn send_digests(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    links: &Links,
) -> Result<usize, AppError> {
    let due = queries::digests_due(conn, now)?;
    let accounts: Vec<Uuid> = due.iter().map(|a| a.account_id).collect();
    let mut items: HashMap<Uuid, Vec<Notification>> = HashMap::new();
    for (account, item) in queries::digest_items(conn, &accounts)? {
        items.entry(account).or_default().push(item);
    }
    for account in &due {
        let zone: chrono_tz::Tz = account.timezone.parse().unwrap_or(chrono_tz::UTC);
        let lines = items
            .get(&account.account_id)
            .into_iter()
            .flatten()
            .map(|n| messages::DigestLine {
                title: n.title.clone(),
                body: n.body.clone(),
                link: format!("{}{}", links.base, n.link),
                when: local_time::date_time(&n.created_at, &zone),
            })
            .collect();
        let unsubscribe = links.unsubscribe(account.account_id, DIGEST);
        let content = messages::Digest {
            name: account.display_name.clone(),
            lines,
            unsubscribe: unsubscribe.clone(),
            preferences: links.preferences(),
        }
        .render()?;
        mail::send(
            conn,
            &Email {
                kind: "digest",
                to_address: &account.email,
                to_name: Some(&account.display_name),
                content: with_unsubscribe(content, Some(&unsubscribe)),
                account_id: Some(account.account_id),
                organization_id: None,
                correlation_id: Some(format!("digest:{}", account.account_id)),
            },
        )?;
    }
    let sent: Vec<Uuid> = items.values().flatten().map(|n| n.id).collect();
    queries::digests_sent(conn, &accounts, &sent, now)?;
    Ok(due.len())
}

/// One line of the preferences form.
pub struct Choice {
    pub kind: &'static kinds::NotificationKind,
    pub delivery: Delivery,
}

/// Every kind with the delivery `account_id` gets for it.
pub fn choices(conn: &mut PgConnection, account_id: Uuid) -> QueryResult<Vec<Choice>> {
    let chosen = queries::preferences(conn, account_id)?;
    Ok(KINDS
        .iter()
        .map(|kind| Choice {
            kind,
            delivery: kinds::resolve(
                kind.key,
                chosen
                    .iter()
                    .find(|(k, _)| k == kind.key)
                    .map(|(_, d)| d.as_str()),
            ),
        })
        .collect())
}

/// Saves the preferences form (`kind=delivery` pairs). Every pair is checked before any is
/// stored, so a form with one bad value changes nothing.
pub fn save_choices(
    conn: &mut PgConnection,
    account_id: Uuid,
    form: &[(String, String)],
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let mut valid = Vec::new();
    for (key, value) in form {
        if key == crate::auth::csrf::FIELD {
            continue;
        }
        match (kinds::find(key), Delivery::parse(value)) {
            (Some(kind), _) if kind.locked => {}
            (Some(kind), Some(delivery)) => valid.push((kind.key, delivery)),
            (Some(kind), None) => errors.add(kind.key, "Choose one of the three ways."),
            (None, _) => {
                return Err(AppError::BadRequest(
                    "The form names a kind of notification that does not exist.".into(),
                ))
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    conn.transaction(|conn| {
        for (kind, delivery) in valid {
            queries::set_preference(conn, account_id, kind, delivery.as_str())?;
        }
        Ok(())
    })
}

/// What an unsubscribe link stopped, to tell the reader.
pub fn unsubscribe(
    conn: &mut PgConnection,
    target: &unsubscribe::Target,
) -> Result<&'static str, AppError> {
    if target.kind == DIGEST {
        let gathered: Vec<_> = choices(conn, target.account_id)?
            .into_iter()
            .filter(|c| c.delivery == Delivery::Digest)
            .collect();
        conn.transaction(|conn| {
            for choice in gathered {
                queries::set_preference(
                    conn,
                    target.account_id,
                    choice.kind.key,
                    Delivery::InApp.as_str(),
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        return Ok("the daily digest");
    }
    let kind = kinds::find(&target.kind).ok_or(AppError::NotFound)?;
    if kind.locked {
        return Err(AppError::Conflict(format!(
            "{} are always emailed and cannot be switched off.",
            kind.label
        )));
    }
    queries::set_preference(conn, target.account_id, kind.key, Delivery::InApp.as_str())?;
    Ok(kind.label)
}
