//! The `herald` binary: logging, arguments, the clock, and the exit code.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser;
use herald::cli::{self, Cli, World};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("HERALD_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .init();
    // The only places herald reads the clock and the environment.
    #[allow(clippy::disallowed_methods, reason = "main is where the world is read")]
    let world = World {
        now: chrono::Utc::now(),
        env: |name| std::env::var(name).ok(),
    };
    match cli::run(&cli, world) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
