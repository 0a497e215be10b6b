//! The `herald` binary: logging, arguments, the clock and the environment, and the exit code.

mod cli;

/// mimalloc rather than the system allocator: rendering a post builds and drops an HTML
/// tree of small nodes, and loading a large blog makes hundreds of thousands of small
/// strings, on every core at once.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // herald's own logs by verbosity; its dependencies' (html5ever's parser notes, say) only
    // when HERALD_LOG asks for them.
    let default = match cli.verbose {
        0 => "herald=warn",
        1 => "herald=info",
        _ => "herald=debug",
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
    let now = chrono::Utc::now();
    #[allow(clippy::disallowed_methods, reason = "main is where the world is read")]
    let env = |name: &str| std::env::var(name).ok();
    cli::run(&cli, now, &env)
}
