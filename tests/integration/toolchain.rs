//! `rust-version` in Cargo.toml tells the truth: it is at least what every locked crate needs.

use std::path::PathBuf;

fn parse_version(text: &str) -> Vec<u32> {
    text.split('.')
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// The `rust-version` of a Cargo.toml's `[package]` table.
fn rust_version(manifest: &str) -> Option<Vec<u32>> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("rust-version") {
                let value = value
                    .trim_start()
                    .strip_prefix('=')?
                    .trim()
                    .trim_matches('"');
                return Some(parse_version(value));
            }
        }
    }
    None
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"))
}

#[test]
fn rust_version_is_what_the_locked_crates_need() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let ours = rust_version(&std::fs::read_to_string(root.join("Cargo.toml")).expect("manifest"))
        .expect("Cargo.toml names its rust-version");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    let registries: Vec<PathBuf> = std::fs::read_dir(cargo_home().join("registry/src"))
        .expect("the crates' sources are unpacked after a build")
        .flatten()
        .map(|entry| entry.path())
        .collect();

    let mut needs: Vec<(Vec<u32>, String)> = Vec::new();
    let mut read = 0;
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package.lines().find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.trim_start().strip_prefix('='))
                    .map(|value| value.trim().trim_matches('"').to_string())
            })
        };
        let (Some(name), Some(version)) = (field("name "), field("version ")) else {
            continue;
        };
        if field("source ").is_none() {
            continue; // this crate itself
        }
        let folder = format!("{name}-{version}");
        // Only the crates this platform builds are unpacked; the others never compile here.
        let Some(manifest) = registries.iter().find_map(|registry| {
            std::fs::read_to_string(registry.join(&folder).join("Cargo.toml")).ok()
        }) else {
            continue;
        };
        read += 1;
        if let Some(needed) = rust_version(&manifest) {
            needs.push((needed, folder));
        }
    }
    assert!(read > 100, "found the sources of only {read} locked crates");
    let (highest, which) = needs.into_iter().max().expect("some crates name a version");
    assert!(
        ours >= highest,
        "Cargo.toml says rust-version {ours:?}, but {which} needs {highest:?}"
    );
}
