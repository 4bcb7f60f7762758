//! Filter choices — an organization's sites, cities, makes and contractors, the makes on the
//! marketplace — are read by every full list page and change rarely. They are kept here for
//! a short while, per owner (an organization's schema, or [`PLATFORM`]) and kind, so a list
//! page costs its own queries and not two to four more.
//!
//! A change made through this process forgets the owner's choices at once (`OrgScope::run`
//! with any permission beyond viewing; the marketplace and jobs after their writes); another
//! process sees it within [`TTL`]. The cache lives in `AppState`, so two applications in one
//! process (tests) never share it.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a choice list is used before it is read again.
pub const TTL: Duration = Duration::from_secs(30);

/// The owner of platform-wide choices (marketplace, jobs).
pub const PLATFORM: &str = "public";

/// Beyond this many lists, expired ones are dropped before adding another.
const MAX_ENTRIES: usize = 10_000;

type Key = (String, &'static str);

struct Entry {
    at: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
pub struct ChoiceCache {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl std::fmt::Debug for ChoiceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChoiceCache")
            .field("entries", &self.lock().len())
            .finish()
    }
}

impl ChoiceCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The `kind` list of `owner`, from memory when read less than [`TTL`] ago, else `load`ed.
    pub fn shared<T, E>(
        &self,
        owner: &str,
        kind: &'static str,
        load: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
    {
        let key = (owner.to_string(), kind);
        let cached = self
            .lock()
            .get(&key)
            .filter(|entry| entry.at.elapsed() < TTL)
            .map(|entry| entry.value.clone());
        if let Some(value) = cached.and_then(|v| v.downcast::<T>().ok()) {
            return Ok(value);
        }
        let value = Arc::new(load()?);
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.at.elapsed() < TTL);
        }
        entries.insert(
            key,
            Entry {
                at: Instant::now(),
                value: value.clone(),
            },
        );
        Ok(value)
    }

    /// Forgets every list of `owner`: something it shows may have changed.
    pub fn forget(&self, owner: &str) {
        self.lock().retain(|(o, _), _| o != owner);
    }
}

/// One owner's view of the cache, handed to code that runs for that owner.
#[derive(Clone, Debug)]
pub struct Choices {
    cache: Arc<ChoiceCache>,
    owner: String,
}

impl Choices {
    pub fn new(cache: Arc<ChoiceCache>, owner: impl Into<String>) -> Choices {
        Choices {
            cache,
            owner: owner.into(),
        }
    }

    /// The list, shared: for long lists a page uses only part of.
    pub fn shared<T, E>(
        &self,
        kind: &'static str,
        load: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
    {
        self.cache.shared(&self.owner, kind, load)
    }

    /// The list, as the page's own copy.
    pub fn get<T, E>(&self, kind: &'static str, load: impl FnOnce() -> Result<T, E>) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        Ok(self.shared(kind, load)?.as_ref().clone())
    }

    pub fn forget(&self) {
        self.cache.forget(&self.owner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_per_owner_and_kind_until_forgotten() {
        let cache = Arc::new(ChoiceCache::default());
        let acme = Choices::new(cache.clone(), "org_acme");
        let bravo = Choices::new(cache.clone(), "org_bravo");
        let load = |v: &str| {
            let v = v.to_string();
            move || Ok::<_, ()>(vec![v])
        };
        assert_eq!(
            acme.get("cities", load("Sydney")),
            Ok(vec!["Sydney".to_string()])
        );
        // Kept: a second load is not called.
        assert_eq!(
            acme.get("cities", load("Perth")),
            Ok(vec!["Sydney".to_string()])
        );
        // Another owner, or another kind, is its own list.
        assert_eq!(
            bravo.get("cities", load("Hobart")),
            Ok(vec!["Hobart".to_string()])
        );
        assert_eq!(acme.get("states", load("NSW")), Ok(vec!["NSW".to_string()]));
        acme.forget();
        assert_eq!(
            acme.get("cities", load("Perth")),
            Ok(vec!["Perth".to_string()])
        );
        assert_eq!(
            bravo.get("cities", load("Darwin")),
            Ok(vec!["Hobart".to_string()])
        );
        // A failed load is not kept.
        assert_eq!(acme.get("sites", || Err::<Vec<String>, _>(())), Err(()));
        assert_eq!(acme.get("sites", load("x")), Ok(vec!["x".to_string()]));
    }
}
