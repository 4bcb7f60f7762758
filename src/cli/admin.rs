//! `sitesync admin`: platform administrators.

use std::process::ExitCode;

use clap::Subcommand;
use sitesync::config::Config;

use super::{fail, with_connection};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Make an existing account a platform administrator.
    Grant { email: String },
    /// Take platform administration away from an account.
    Revoke { email: String },
}

pub fn run(config: Config, command: AdminCommand) -> ExitCode {
    match command {
        AdminCommand::Grant { email } => set_admin(config, &email, true),
        AdminCommand::Revoke { email } => set_admin(config, &email, false),
    }
}

fn set_admin(config: Config, email: &str, admin: bool) -> ExitCode {
    let outcome = with_connection(&config, "sitesync admin", |conn| {
        sitesync::auth::accounts::set_platform_admin(conn, email, admin).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(0) => fail(&format!("no account with the email {email}")),
        Ok(_) => {
            println!(
                "{email} is {}a platform administrator",
                if admin { "now " } else { "no longer " }
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
