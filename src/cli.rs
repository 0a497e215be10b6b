//! The command line: global options, one variant per command, and the only place that
//! prints. Each command calls the application and turns its report into output and an exit
//! code: 0 done or nothing to do, 1 any error, 75 a temporary failure.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use herald::app::{Herald, Options, PeriodArg, Report, SendOptions};

/// herald's own configuration file, when `--config` does not name one.
const DEFAULT_CONFIG: &str = "config.toml";

/// Turn a folder of blog posts into feeds and a weekly email digest.
#[derive(Debug, Parser)]
#[command(name = "herald", version)]
pub(crate) struct Cli {
    /// herald's own configuration file, for a folder of posts.
    #[arg(long, global = true, default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,
    /// A Hugo, Jekyll or Zola site's root: herald reads the site's own configuration (and
    /// its own settings from DIR/herald.toml, if there).
    #[arg(long, global = true, value_name = "DIR")]
    pub site: Option<PathBuf>,
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
pub(crate) enum Command {
    /// Load every post, lint the feeds it would write, and report every problem.
    Check,
    /// Detect the site's generator (in --site DIR, default here), show what herald reads
    /// from its configuration, and write a commented herald.toml.
    Init,
    /// List every post as the outputs see it, newest first: one line each (date, title,
    /// permalink), or the whole entry model as JSON.
    Entries {
        /// Print the entry model of every post as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Write the RSS, Atom and JSON feeds.
    Build {
        /// Output directory (default: `[feeds] out_dir`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Render one period's digest emails into HTML, text and .eml files.
    Digest {
        /// The period: an ISO week like 2020-W36, a month like 2020-09, a day like
        /// 2020-09-04, `last` (the last complete one) or `current`.
        #[arg(long = "week", visible_alias = "period", default_value = "last")]
        period: PeriodArg,
        /// Only this digest (`main` is `[digest]`; others by their `[[digests]]` name).
        #[arg(long)]
        digest: Option<String>,
        /// Output directory (default: `[digest] out_dir`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Send the digests: one period, or every unsent period since the last one sent
    /// (catch-up).
    Send {
        /// One period (2020-W36, 2020-09, 2020-09-04, last, current); without it, catch up
        /// on what is due.
        #[arg(long = "week", visible_alias = "period")]
        period: Option<PeriodArg>,
        /// Only this digest (`main` is `[digest]`; others by their `[[digests]]` name).
        #[arg(long)]
        digest: Option<String>,
        /// Render and report what would be sent; connect nowhere, record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send even if the journal says the period was already sent.
        #[arg(long)]
        force: bool,
        /// Send the period's digests (default: last) to this one address only, with
        /// [TEST] before the subject; the journal is not touched.
        #[arg(long, value_name = "ADDRESS")]
        test_to: Option<lettre::message::Mailbox>,
    },
    /// The cron entry point: build the feeds, then send the digests that are due.
    Run {
        /// Render and report what would be sent; connect nowhere, record nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Exit code for a temporary failure worth retrying later (sysexits `EX_TEMPFAIL`).
const EXIT_TEMPFAIL: u8 = 75;

/// Runs one command and returns the exit code to give. `now` and `env` are the world, read
/// once in `main`.
pub(crate) fn run(cli: &Cli, now: DateTime<Utc>, env: &dyn Fn(&str) -> Option<String>) -> ExitCode {
    let options = Options {
        config: cli.config.clone(),
        site: match (&cli.site, &cli.command) {
            (Some(site), _) => Some(site.clone()),
            // In a site's root, the site is found there, as `hugo`, `zola` and `jekyll` find
            // theirs; herald's own config.toml there wins.
            (None, _)
                if cli.config == Path::new(DEFAULT_CONFIG)
                    && herald::config::site_at(Path::new(".")).is_some() =>
            {
                Some(PathBuf::from("."))
            }
            (None, Command::Init) => Some(PathBuf::from(".")),
            (None, _) => None,
        },
        posts: cli.posts.clone(),
        drafts: cli.drafts,
        future: cli.future,
        now: cli.now.unwrap_or(now),
    };
    let herald = match Herald::load(&options) {
        Ok(herald) => herald,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            return ExitCode::FAILURE;
        }
    };
    let code = match command(cli, &herald, env) {
        Ok(report) => finish(&report, cli.verbose > 0),
        // A reader that stopped reading (`herald entries | head`) is no failure.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("herald: error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // The process ends here: a large blog's loaded posts (some 600,000 allocations at
    // 100,000 posts) are left for the system to reclaim at once rather than freed one by one.
    std::mem::forget(herald);
    code
}

fn command(cli: &Cli, herald: &Herald, env: &dyn Fn(&str) -> Option<String>) -> Result<Report> {
    match &cli.command {
        Command::Check => herald.check(),
        Command::Init => herald.init(),
        Command::Entries { json } => {
            let (entries, report) = herald.entries();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if *json {
                serde_json::to_writer_pretty(&mut out, &entries).context("failed to write JSON")?;
                writeln!(out)?;
            } else {
                for entry in &entries {
                    writeln!(
                        out,
                        "{}\t{}\t{}",
                        entry.published.format("%Y-%m-%d"),
                        entry.title,
                        entry.permalink
                    )?;
                }
            }
            out.flush()?;
            Ok(report)
        }
        Command::Build { out } => herald.build(out.as_deref()),
        Command::Digest {
            period,
            digest,
            out,
        } => herald.digest(period, digest.as_deref(), out.as_deref()),
        Command::Send {
            period,
            digest,
            dry_run,
            force,
            test_to,
        } => {
            let options = SendOptions {
                period: period.clone(),
                digest: digest.clone(),
                dry_run: *dry_run,
                force: *force,
                test_to: test_to.clone(),
            };
            herald.send(&options, env)
        }
        Command::Run { dry_run } => herald.run(*dry_run, env),
    }
}

/// Whether an error is a write to a pipe whose reader has gone.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints a report (problems on stderr, results on stdout) and gives its exit code.
fn finish(report: &Report, verbose: bool) -> ExitCode {
    print_diagnostics(&report.diagnostics);
    if verbose {
        print_diagnostics(&report.details);
    }
    let mut out = std::io::stdout().lock();
    for line in &report.lines {
        let _ = writeln!(out, "{line}");
    }
    if report.temporary {
        ExitCode::from(EXIT_TEMPFAIL)
    } else if report.errors() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_diagnostics(diagnostics: &[herald::diag::Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
}
