//! `sitesync org`: organizations from the command line.

use std::process::ExitCode;

use clap::Subcommand;
use sitesync::config::Config;
use sitesync::orgs::provision::{self, NewOrganization};

use super::{fail, open, run_migrations};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organization: its role, schema and tables, in one transaction.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type", default_value = "service_company")]
        organization_type: String,
    },
    /// Schedule an organization's deletion: suspended now, purged after a 30-day grace period
    /// (schema, role, files and platform rows) unless restored.
    Delete {
        #[arg(long)]
        slug: String,
    },
    /// Cancel a scheduled deletion within the grace period.
    Restore {
        #[arg(long)]
        slug: String,
    },
}

pub fn run(config: Config, command: OrgCommand) -> ExitCode {
    match command {
        OrgCommand::Create {
            slug,
            name,
            organization_type,
        } => create_org(config, &slug, &name, &organization_type),
        OrgCommand::Delete { slug } => super::org_deletion::delete(config, &slug),
        OrgCommand::Restore { slug } => super::org_deletion::restore(config, &slug),
    }
}

fn create_org(config: Config, slug: &str, name: &str, organization_type: &str) -> ExitCode {
    let database = match open(&config, "sitesync org") {
        Ok(d) => d,
        Err(code) => return code,
    };
    let outcome = run_migrations(&database, 1).and_then(|()| {
        let mut conn = database.db.get().map_err(|e| e.to_string())?;
        provision::create(
            &mut conn,
            &NewOrganization {
                name,
                slug,
                organization_type,
            },
        )
        .map_err(|e| e.to_string())
    });
    database.close();
    match outcome {
        Ok(org) => {
            println!(
                "created organization {} ({}) in schema {}",
                org.name, org.slug, org.schema_name
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
