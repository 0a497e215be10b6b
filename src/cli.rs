//! The command line: global options and one variant per command, and what each command does.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::config::Site;
use crate::diag::Severity;
use crate::post::{self, Filter, Renderer};

/// Turn a folder of blog posts into feeds and a weekly email digest.
#[derive(Debug, Parser)]
#[command(name = "herald", version)]
pub struct Cli {
    /// The configuration file.
    #[arg(long, global = true, default_value = "config.toml")]
    pub config: PathBuf,
    /// The posts directory (overrides `posts_dir` in the config).
    #[arg(long, global = true)]
    pub posts: Option<PathBuf>,
    /// Include drafts.
    #[arg(long, global = true)]
    pub drafts: bool,
    /// Include posts dated in the future.
    #[arg(long, global = true)]
    pub future: bool,
    /// The current time (RFC 3339), for re-running a past week's job; defaults to the clock.
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    /// Log more (repeat for more still).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// herald's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load every post and report every problem as `path:line: error: message`.
    Check,
    /// Print the entry model of every post.
    Entries {
        /// Print JSON (the only format for now).
        #[arg(long)]
        json: bool,
    },
}

/// What a run needs besides the arguments: the clock, read once in `main`.
#[derive(Debug, Clone, Copy)]
pub struct World {
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Runs one command and returns the exit code to give.
pub fn run(cli: &Cli, world: World) -> Result<ExitCode> {
    let site = Site::load(&cli.config)?;
    let dir = cli.posts.clone().unwrap_or_else(|| site.posts_dir());
    let filter = Filter {
        drafts: cli.drafts,
        future: cli.future,
        now: cli.now.unwrap_or(world.now),
    };
    let loaded = post::load(&site, &dir, &filter)?;
    match cli.command {
        Command::Check => {
            let (_, warnings) = Renderer::new(&site).render_all(&loaded.posts);
            let mut all = loaded.diagnostics;
            all.extend(warnings);
            all.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
            let errors = all.iter().filter(|d| d.severity == Severity::Error).count();
            let mut err = std::io::stderr().lock();
            for d in &all {
                writeln!(err, "{d}")?;
            }
            println!(
                "{} posts, {errors} errors, {} warnings",
                loaded.files,
                all.len() - errors
            );
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Entries { .. } => {
            for d in &loaded.diagnostics {
                eprintln!("{d}");
            }
            let (entries, warnings) = Renderer::new(&site).render_all(&loaded.posts);
            for d in &warnings {
                tracing::warn!("{d}");
            }
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &entries).context("failed to write JSON")?;
            writeln!(out)?;
            Ok(if loaded.diagnostics.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
