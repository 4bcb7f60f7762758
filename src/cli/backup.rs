//! `sitesync backup --to DIR` and `sitesync restore --from DIR`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use sitesync::backup::{self, manifest::Manifest};
use sitesync::config::Config;

use super::fail;

pub fn backup(config: &Config, to: &Path) -> ExitCode {
    let started = Instant::now();
    match backup::backup(config, to) {
        Ok(manifest) => {
            println!(
                "backed up to {} in {:.1} s: {}",
                to.display(),
                started.elapsed().as_secs_f64(),
                describe(&manifest, to)
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

pub fn restore(config: &Config, from: &Path) -> ExitCode {
    let started = Instant::now();
    match backup::restore(config, from) {
        Ok(report) => {
            println!(
                "restored {} in {:.1} s: {}",
                from.display(),
                started.elapsed().as_secs_f64(),
                describe(&report.manifest, from)
            );
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn describe(manifest: &Manifest, dir: &Path) -> String {
    let files = manifest.files_under(backup::manifest::FILES_DIR).count();
    format!(
        "{} organization(s), {files} stored file(s), {:.1} MB; made by SiteSync {} on \
         PostgreSQL {} at {}",
        manifest.organizations.len(),
        manifest.size(dir) as f64 / 1_048_576.0,
        manifest.sitesync_version,
        manifest.postgresql_version,
        manifest.created_at.format("%Y-%m-%d %H:%M UTC"),
    )
}
