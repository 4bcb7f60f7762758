//! The `sitesync` command: serve the web application (default) and administer organizations.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
