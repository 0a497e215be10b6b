//! The command line: global options and one variant per command, and what each command does.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::config::Site;
use crate::deliver::{self, Outcome, SendOptions};
use crate::diag::{self, Diagnostic, Severity};
use crate::digest::{plural, Digest, Week, WeekArg};
use crate::entry::Entry;
use crate::feed::{self, lint, Format};
use crate::post::{self, Filter, Loaded, Renderer};

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
    /// Load every post, lint the feeds it would write, and report every problem.
    Check,
    /// Print the entry model of every post.
    Entries {
        /// Print JSON (the only format for now).
        #[arg(long)]
        json: bool,
    },
    /// Write the RSS, Atom and JSON feeds.
    Build {
        /// Output directory (default: `[feeds] out_dir`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Render one week's digest email into HTML, text and .eml files.
    Digest {
        /// The week: an ISO week like 2020-W36, `last` (the last complete week) or `current`.
        #[arg(long, default_value = "last")]
        week: WeekArg,
        /// Output directory (default: `[digest] out_dir`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Send the digest: one week, or every unsent week since the last one sent (catch-up).
    Send {
        /// One week (2020-W36, last, current); without it, catch up on what is due.
        #[arg(long)]
        week: Option<WeekArg>,
        /// Render and report what would be sent; connect nowhere, record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send even if the journal says the week was already sent.
        #[arg(long)]
        force: bool,
    },
    /// The cron entry point: build the feeds, then send the digests that are due.
    Run {
        /// Render and report what would be sent; connect nowhere, record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// What a run needs besides the arguments, read once in `main`: the clock and the
/// environment (for the SMTP password).
#[derive(Debug, Clone, Copy)]
pub struct World {
    /// The current time.
    pub now: DateTime<Utc>,
    /// Reads an environment variable.
    pub env: fn(&str) -> Option<String>,
}

/// Exit code for a temporary failure worth retrying later (sysexits `EX_TEMPFAIL`).
pub const EXIT_TEMPFAIL: u8 = 75;

/// Runs one command and returns the exit code to give.
pub fn run(cli: &Cli, world: World) -> Result<ExitCode> {
    let site = Site::load(&cli.config)?;
    let dir = cli.posts.clone().unwrap_or_else(|| site.posts_dir());
    let now = cli.now.unwrap_or(world.now);
    let filter = Filter {
        drafts: cli.drafts,
        future: cli.future,
        now,
    };
    let started = std::time::Instant::now();
    let loaded = post::load(&site, &dir, &filter)?;
    tracing::info!("loaded {} posts in {:?}", loaded.files, started.elapsed());
    match &cli.command {
        Command::Check => check(&site, loaded),
        Command::Entries { .. } => entries(&site, &loaded),
        Command::Build { out } => {
            let out = out
                .clone()
                .unwrap_or_else(|| site.resolve(&site.config.feeds.out_dir));
            build(&site, &loaded, &out)
        }
        Command::Digest { week, out } => {
            let out = out
                .clone()
                .unwrap_or_else(|| site.resolve(&site.config.digest.out_dir));
            let week = week.resolve(now, site.config.digest.week_starts, site.tz);
            digest(&site, &loaded, week, now, &out)
        }
        Command::Send {
            week,
            dry_run,
            force,
        } => {
            print_diagnostics(&loaded.diagnostics);
            let options = SendOptions {
                week: week.clone(),
                dry_run: *dry_run,
                force: *force,
            };
            let outcome = deliver::send(&site, &loaded.posts, &options, now, &world.env)?;
            Ok(exit_code(outcome, &loaded))
        }
        Command::Run { dry_run } => {
            let out = site.resolve(&site.config.feeds.out_dir);
            build(&site, &loaded, &out)?;
            let options = SendOptions {
                week: None,
                dry_run: *dry_run,
                force: false,
            };
            let outcome = deliver::send(&site, &loaded.posts, &options, now, &world.env)?;
            Ok(exit_code(outcome, &loaded))
        }
    }
}

/// 75 when cron should just try again, 1 when someone must act (a failed send or a broken
/// post), else 0.
fn exit_code(outcome: Outcome, loaded: &Loaded) -> ExitCode {
    match outcome {
        Outcome::Temporary => ExitCode::from(EXIT_TEMPFAIL),
        Outcome::Failed => ExitCode::FAILURE,
        Outcome::Done if !loaded.diagnostics.is_empty() => ExitCode::FAILURE,
        Outcome::Done => ExitCode::SUCCESS,
    }
}

fn digest(
    site: &Site,
    loaded: &Loaded,
    week: Week,
    now: DateTime<Utc>,
    out: &std::path::Path,
) -> Result<ExitCode> {
    print_diagnostics(&loaded.diagnostics);
    let Some(digest) = Digest::for_week(site, &loaded.posts, week, now)? else {
        println!("no posts in {week}: nothing to send");
        return Ok(ExitCode::SUCCESS);
    };
    let paths = digest.write(out)?;
    println!(
        "{week}: {}: {}",
        plural(digest.posts, "post"),
        digest.subject
    );
    for path in paths {
        println!("  wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
}

fn check(site: &Site, loaded: Loaded) -> Result<ExitCode> {
    let all_posts: Vec<_> = loaded.posts.iter().collect();
    let (entries, warnings) = Renderer::new(site).render_all(&all_posts);
    let mut all = loaded.diagnostics;
    all.extend(warnings);
    all.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    print_diagnostics(&all);
    let mut errors = all.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    for file in feed::render(site, &entries)? {
        let findings = match file.format {
            Format::Rss => lint::rss(&file.bytes),
            Format::Atom => lint::atom(&file.bytes),
            Format::Json => Vec::new(),
        };
        for finding in &findings {
            eprintln!("{}: error: {finding}", file.path.display());
        }
        errors += findings.len();
    }
    println!(
        "{} posts, {errors} errors, {warnings} warnings",
        loaded.files
    );
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn entries(site: &Site, loaded: &Loaded) -> Result<ExitCode> {
    print_diagnostics(&loaded.diagnostics);
    let all_posts: Vec<_> = loaded.posts.iter().collect();
    let (entries, warnings) = Renderer::new(site).render_all(&all_posts);
    diag::log_warnings(&warnings);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &entries).context("failed to write JSON")?;
    writeln!(out)?;
    Ok(if loaded.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Renders the entries the feeds show (and only those) and writes the feeds.
fn build(site: &Site, loaded: &Loaded, out: &std::path::Path) -> Result<ExitCode> {
    print_diagnostics(&loaded.diagnostics);
    let feeds = &site.config.feeds;
    let shown = post::shown_in_feeds(&loaded.posts, feeds.limit, feeds.per_tag);
    let started = std::time::Instant::now();
    let (entries, warnings): (Vec<Entry>, _) = Renderer::new(site).render_all(&shown);
    tracing::info!(
        "rendered {} posts in {:?}",
        entries.len(),
        started.elapsed()
    );
    diag::log_warnings(&warnings);
    let started = std::time::Instant::now();
    let written = feed::write(site, &entries, out)?;
    tracing::info!("wrote {written} feeds in {:?}", started.elapsed());
    eprintln!(
        "wrote {written} feeds to {} ({} of {} posts rendered, {} with errors)",
        out.display(),
        entries.len(),
        loaded.posts.len(),
        loaded.diagnostics.len()
    );
    Ok(if loaded.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
