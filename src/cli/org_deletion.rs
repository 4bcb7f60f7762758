//! `sitesync org delete` and `sitesync org restore`: the operator's side of deleting an
//! organization (the background worker purges it when the grace period ends).

use std::process::ExitCode;

use sitesync::admin::audit::PlatformActor;
use sitesync::config::Config;
use sitesync::orgs::deletion;

use super::{fail, with_connection};

pub fn delete(config: Config, slug: &str) -> ExitCode {
    let outcome = with_connection(&config, "sitesync org delete", |conn| {
        deletion::schedule(conn, slug, &PlatformActor::operator()).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(purge_after) => {
            println!(
                "{slug} is suspended and will be deleted after {} UTC; \
                 `sitesync org restore --slug {slug}` undoes it until then",
                purge_after.format("%Y-%m-%d %H:%M")
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

pub fn restore(config: Config, slug: &str) -> ExitCode {
    let outcome = with_connection(&config, "sitesync org restore", |conn| {
        deletion::restore(conn, slug, &PlatformActor::operator()).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(()) => {
            println!("{slug} is no longer scheduled for deletion and is active again");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
