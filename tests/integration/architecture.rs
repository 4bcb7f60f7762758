//! Rules of the code's shape that a reader should be able to rely on, checked on the source.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read source");
            let relative = path
                .strip_prefix(root)
                .expect("inside the crate")
                .to_string_lossy()
                .replace('\\', "/");
            (relative, text)
        })
        .collect()
}

/// Only `src/orgs/` switches a connection into an organization: every other file goes through
/// `orgs::enter`, which counts the schema against the pooled connection.
#[test]
fn only_the_door_switches_schema_or_role() {
    let switches = [
        "set_config('search_path'",
        "set_config('role'",
        "set search_path",
        "set local search_path",
        "set role",
        "set local role",
        "set session authorization",
    ];
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("src/orgs/"))
        .flat_map(|(path, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, line)| {
                    let line = line.to_lowercase();
                    switches.iter().any(|switch| line.contains(switch))
                })
                .map(|(n, line)| format!("{path}:{}: {}", n + 1, line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "schema or role switched outside src/orgs/:\n{}",
        offenders.join("\n")
    );
}

/// The feature a source file belongs to (`src/<feature>/…`), if any.
fn feature_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("src/")?;
    let (feature, _) = rest.split_once('/')?;
    Some(feature)
}

/// Features talk through operations and queries, never through another feature's handlers:
/// only the route table (`src/routes/`) and the app's wiring (`src/lib.rs`) name handlers.
#[test]
fn no_feature_imports_another_features_handlers() {
    let offenders: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("src/routes/"))
        .filter(|(path, _)| feature_of(path).is_some())
        .flat_map(|(path, text)| {
            let own = feature_of(&path).map(str::to_string);
            text.lines()
                .enumerate()
                .filter_map(|(n, line)| {
                    let at = line.find("::routes::")?;
                    let before = &line[..at];
                    let named = before
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or_default();
                    let other = named != "super" && Some(named.to_string()) != own;
                    other.then(|| format!("{path}:{}: {}", n + 1, line.trim()))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "a feature imports another feature's handlers:\n{}",
        offenders.join("\n")
    );
}

/// Rooms a person can hold: no hand-written source file grows past 600 lines (the generated
/// `table!` files excepted).
#[test]
fn source_files_stay_small_enough_to_read() {
    let large: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("src/db/schema_"))
        .filter_map(|(path, text)| {
            let lines = text.lines().count();
            (lines > 600).then(|| format!("{path}: {lines} lines"))
        })
        .collect();
    assert!(large.is_empty(), "split these:\n{}", large.join("\n"));
}
