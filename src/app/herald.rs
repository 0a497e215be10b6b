//! The loaded site and the commands that read it: check, entries, build and digest. Each
//! renders exactly the posts its output shows.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::report::Report;
use crate::config::generator::Generated;
use crate::config::{DigestSpec, Site, MAIN_DIGEST as MAIN};
use crate::diag::{Diagnostic, Severity};
use crate::digest::{plural, Digest, Period, PeriodArg};
use crate::entry::Entry;
use crate::feed::{self, Selection, Streamed};
use crate::post::{self, Filter, Loaded, Post, Renderer};

/// What a run is given besides the command: where the site is and what "now" is.
#[derive(Debug, Clone)]
pub struct Options {
    /// The configuration file (herald's own `config.toml`), used without `site`.
    pub config: PathBuf,
    /// A Hugo, Jekyll or Zola site's root: its own configuration is read, with `herald.toml`
    /// over it.
    pub site: Option<PathBuf>,
    /// The posts directory, overriding `posts_dir`.
    pub posts: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Include posts dated after `now`.
    pub future: bool,
    /// The current time: future posts, `last`/`current` weeks and catch-up use it.
    pub now: DateTime<Utc>,
}

/// A loaded site: its settings and every post's checked front matter, newest first.
pub struct Herald {
    /// The settings.
    pub site: Site,
    loaded: Loaded,
    pub(crate) now: DateTime<Utc>,
    /// What was read from the generator's configuration (with `--site`).
    pub(crate) generated: Option<Generated>,
}

impl Herald {
    /// Loads the settings and every post. Settings that are wrong stop here, each reported
    /// on its line; a broken post is kept as a diagnostic and the others load.
    pub fn load(options: &Options) -> Result<Herald, Vec<Diagnostic>> {
        let (site, generated) = match &options.site {
            Some(root) => {
                let (site, generated) = Site::load_site(root)?;
                (site, Some(generated))
            }
            None => (Site::load(&options.config)?, None),
        };
        let dir = options.posts.clone().unwrap_or_else(|| site.posts_dir());
        let filter = Filter {
            drafts: options.drafts,
            future: options.future,
            now: options.now,
        };
        let started = std::time::Instant::now();
        let loaded = post::load(&site, &dir, &filter)
            .map_err(|e| vec![Diagnostic::file_error(&dir, format!("{e:#}"))])?;
        tracing::info!(
            "loaded {} posts in {:?} ({} kept from the last run)",
            loaded.files,
            started.elapsed(),
            loaded.cached
        );
        Ok(Herald {
            site,
            generated,
            loaded,
            now: options.now,
        })
    }

    /// The posts that loaded and passed the filter, newest first.
    pub fn posts(&self) -> &[Post] {
        &self.loaded.posts
    }

    /// The problems loading found, in file order.
    pub fn problems(&self) -> &[Diagnostic] {
        &self.loaded.diagnostics
    }

    /// A warning for each setting of the site's generator that changes which pages are
    /// posts, or their URLs or dates, and that herald does not honour, on its line.
    pub(crate) fn not_honoured(&self) -> Vec<Diagnostic> {
        self.generated
            .iter()
            .flat_map(|g| &g.unmapped)
            .map(|unmapped| {
                Diagnostic::new(
                    &unmapped.file,
                    Some(unmapped.line),
                    crate::diag::Severity::Warning,
                    format!(
                        "not used: {} ({})",
                        unmapped.what,
                        one_line(&unmapped.value)
                    ),
                )
            })
            .collect()
    }

    /// How many posts were found (published or not, those that failed to load too): the
    /// count `check`, `build` and `init` state alike.
    pub fn found(&self) -> usize {
        self.loaded.files
    }

    /// How many files' front matter was kept from the last run rather than read.
    pub fn cached(&self) -> usize {
        self.loaded.cached
    }

    /// A report that starts with the problems found while loading.
    pub(crate) fn report(&self) -> Report {
        Report {
            diagnostics: self.loaded.diagnostics.clone(),
            ..Report::default()
        }
    }

    /// An entry, or `None` when it failed, for each of `posts` in their order; the
    /// problems are not reported (they were when the posts were first shown).
    pub(super) fn render_each(&self, posts: &[&Post]) -> Vec<Option<Entry>> {
        Renderer::new(&self.site, &self.loaded.posts)
            .render_each(posts)
            .0
    }

    pub(super) fn render(&self, posts: &[&Post], report: &mut Report) -> Vec<Entry> {
        let started = std::time::Instant::now();
        let (entries, diagnostics) =
            Renderer::new(&self.site, &self.loaded.posts).render_all(posts);
        tracing::info!(
            "rendered {} posts in {:?}",
            entries.len(),
            started.elapsed()
        );
        report.rendered(diagnostics);
        entries
    }

    /// `check`: renders every post and lints the feeds it would write; every problem is
    /// shown, then `N posts, E errors, W warnings`.
    pub fn check(&self) -> Result<Report> {
        let mut report = Report::default();
        let all: Vec<&Post> = self.loaded.posts.iter().collect();
        let entries = self.render(&all, &mut report);
        let mut diagnostics = self.loaded.diagnostics.clone();
        diagnostics.extend(self.not_honoured());
        diagnostics.append(&mut report.diagnostics);
        diagnostics.append(&mut report.details);
        diagnostics.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
        let out_dir = self.site.resolve(&self.site.config.feeds.out_dir);
        // Every feed is linted as it is written, never held whole.
        for (path, f) in feed::lint_all(&self.site, &entries)? {
            diagnostics.push(Diagnostic::error(out_dir.join(path), f.line, f.message));
        }
        for spec in self.site.digests.iter().filter(|d| d.config.enabled) {
            if spec.config.list_unsubscribe.is_empty() {
                diagnostics.push(self.site.diagnostic(
                    &spec.key,
                    crate::diag::Severity::Warning,
                    format!("no list_unsubscribe for {}: it cannot say how to leave the list, and Gmail and Yahoo want a one-click unsubscribe from bulk senders", spec.title()),
                ));
            }
        }
        report.diagnostics = diagnostics;
        let errors = report.errors();
        let warnings = report.diagnostics.len() - errors;
        report.lines.push(format!(
            "{} posts, {errors} errors, {warnings} warnings",
            self.loaded.files
        ));
        Ok(report)
    }

    /// `entries`: every post rendered, newest first.
    pub fn entries(&self) -> (Vec<Entry>, Report) {
        let mut report = self.report();
        let all: Vec<&Post> = self.loaded.posts.iter().collect();
        let entries = self.render(&all, &mut report);
        (entries, report)
    }

    /// `build`: renders the posts the feeds show, and only those, and writes the feeds into
    /// `out` (default `[feeds] out_dir`).
    pub fn build(&self, out: Option<&Path>) -> Result<Report> {
        let mut report = self.report();
        let out = out.map_or_else(
            || self.site.resolve(&self.site.config.feeds.out_dir),
            Path::to_path_buf,
        );
        self.sweep(&[&out]);
        let posts = &self.loaded.posts;
        let selection = Selection::of(
            posts.iter().map(|p| (p.blog.as_str(), p.tags.as_slice())),
            &self.site.config.feeds,
        );
        let shown: Vec<&Post> = selection.shown().into_iter().map(|i| &posts[i]).collect();
        let heads: Vec<feed::Head<'_>> = shown
            .iter()
            .map(|p| feed::Head {
                blog: &p.blog,
                tags: &p.tags,
                updated: p.updated,
            })
            .collect();
        let started = std::time::Instant::now();
        let streamed = match feed::Stream::begin(&self.site, &heads, &out)? {
            Some(stream) => Some(self.stream(stream, &shown, &mut report)?),
            None => None,
        };
        let (written, rendered) = match streamed {
            Some((Streamed::Written(written), rendered)) => (written, rendered),
            // A post that failed changes another feed: every entry first, then the feeds
            // from them (a second rendering finds nothing new, so its problems are not
            // reported again).
            Some((Streamed::Replan, _)) => {
                let all = Renderer::new(&self.site, &self.loaded.posts).render_all(&shown);
                (feed::write(&self.site, &all.0, &out)?, all.0.len())
            }
            // Too many feeds to stream: every entry first, then the feeds from them.
            None => {
                let entries = self.render(&shown, &mut report);
                (feed::write(&self.site, &entries, &out)?, entries.len())
            }
        };
        tracing::info!(
            "rendered {rendered} posts and wrote {} feeds in {:?}",
            written.feeds,
            started.elapsed()
        );
        // A feed that could not be written is an error on its file; the others were written.
        let failed = written.failed.len();
        report
            .diagnostics
            .extend(written.failed.into_iter().map(|(path, e)| {
                Diagnostic::new(
                    out.join(path),
                    None,
                    Severity::Error,
                    format!("this feed could not be written, the old one (if any) stays: {e:#}"),
                )
            }));
        if !written.findings.is_empty() {
            report.diagnostics.extend(
                written
                    .findings
                    .into_iter()
                    .map(|(path, f)| Diagnostic::error(out.join(path), f.line, f.message)),
            );
            report.lines.push(format!(
                "wrote no feeds to {}: the lint found errors, the old feeds stay",
                out.display()
            ));
            return Ok(report);
        }
        let not_written = if failed > 0 {
            format!("; {failed} could not be written")
        } else {
            String::new()
        };
        report.lines.push(format!(
            "wrote {} feeds to {}{not_written} ({} of {} posts rendered, {} with errors)",
            written.feeds,
            out.display(),
            rendered,
            self.loaded.files,
            self.loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .count()
        ));
        Ok(report)
    }

    /// Renders the posts a run at a time and writes each run into the feeds while the next
    /// is rendered; gives what the stream did and how many posts rendered.
    fn stream(
        &self,
        mut stream: feed::Stream<'_>,
        shown: &[&Post],
        report: &mut Report,
    ) -> Result<(Streamed, usize)> {
        // Posts rendered at a time: enough to keep every core busy (32 each), few enough that
        // two runs of entries (one rendered, one being written) are small. 512 on two cores
        // kept 85 MB of entries and touched 29k fresh pages in a 10,000-post build; 128
        // keeps 62 MB and touches 17k.
        let run = (32 * rayon::current_num_threads()).max(128);
        let renderer = Renderer::new(&self.site, &self.loaded.posts);
        let mut runs = shown.chunks(run).enumerate();
        let mut pending: Option<(usize, Vec<Option<Entry>>)> = None;
        let mut rendered = 0;
        loop {
            let next = runs.next();
            let (now, pushed) = rayon::join(
                || next.map(|(k, posts)| (k * run, renderer.render_each(posts))),
                || match pending.take() {
                    Some((first, entries)) => stream.push(first, &entries),
                    None => Ok(()),
                },
            );
            pushed?;
            let Some((first, (entries, diagnostics))) = now else {
                break;
            };
            rendered += entries.iter().flatten().count();
            report.rendered(diagnostics);
            pending = Some((first, entries));
        }
        Ok((stream.finish()?, rendered))
    }

    /// Removes the temporary files that killed runs left in herald's own folders (the
    /// temporary folder, the journal's, the outbox, the posts cache's) and in `more`.
    pub(crate) fn sweep(&self, more: &[&Path]) {
        let site = &self.site;
        let journal = site.resolve(&site.config.delivery.journal);
        let mut dirs = vec![
            site.temp_dir(),
            site.resolve(&site.config.delivery.outbox_dir),
        ];
        dirs.extend(journal.parent().map(Path::to_path_buf));
        // A run killed while it wrote the cache leaves its temporary file beside it.
        if !site.config.cache.as_os_str().is_empty() {
            dirs.extend(
                site.resolve(&site.config.cache)
                    .parent()
                    .map(Path::to_path_buf),
            );
        }
        dirs.extend(more.iter().map(|d| d.to_path_buf()));
        let removed: usize = dirs.iter().map(|d| crate::fsutil::sweep(d)).sum();
        if removed > 0 {
            tracing::info!("removed {removed} temporary files that earlier runs left");
        }
    }

    /// The period a command line names for `spec`, in the site's time zone; an error when
    /// it is not one of `spec`'s (a week for a monthly digest).
    pub fn period(&self, spec: &DigestSpec, arg: &PeriodArg) -> Result<Period, String> {
        arg.resolve(self.now, spec.cadence(), self.site.tz)
    }

    /// [`Herald::period`], or `None` with what was wrong in `report`: an error when the
    /// digest was `named` on the command line, else a line saying it is skipped.
    pub(crate) fn period_or_say(
        &self,
        spec: &DigestSpec,
        arg: &PeriodArg,
        named: bool,
        report: &mut Report,
    ) -> Option<Period> {
        let message = match self.period(spec, arg) {
            Ok(period) => return Some(period),
            Err(message) => format!("{}: {message}", spec.title()),
        };
        if named {
            report
                .diagnostics
                .push(self.site.diagnostic(&spec.key, Severity::Error, message));
        } else {
            report.lines.push(format!("{message}; skipped"));
        }
        None
    }

    /// The digests a command is about: the one named (`main` is `[digest]`), else every one
    /// that is enabled; `None`, said in `report`, when no digest has that name.
    pub(crate) fn digests(
        &self,
        name: Option<&str>,
        report: &mut Report,
    ) -> Option<Vec<&DigestSpec>> {
        let all = &self.site.digests;
        let Some(name) = name else {
            return Some(all.iter().filter(|d| d.config.enabled).collect());
        };
        let named = |d: &&DigestSpec| d.name.as_deref().unwrap_or(MAIN) == name;
        if let Some(found) = all.iter().find(named) {
            return Some(vec![found]);
        }
        let names: Vec<&str> = all
            .iter()
            .map(|d| d.name.as_deref().unwrap_or(MAIN))
            .collect();
        report.diagnostics.push(self.site.diagnostic(
            "digest",
            Severity::Error,
            format!(
                "there is no digest named {name:?}: the site has {}",
                names.join(", ")
            ),
        ));
        None
    }

    /// The posts `spec` lists for `period`, newest first. Without `languages` that is the
    /// default language's (the other languages are blogs of their own, with their own
    /// feeds).
    pub(crate) fn posts_in(&self, spec: &DigestSpec, period: Period) -> Vec<&Post> {
        self.loaded
            .posts
            .iter()
            .filter(|p| period.contains(p.published) && self.lists(spec, p))
            .collect()
    }

    /// Whether `spec` lists `post` (by its tags, section, blog and language).
    pub(crate) fn lists(&self, spec: &DigestSpec, post: &Post) -> bool {
        let default = match self.site.config.rules.languages().default.as_str() {
            "" => self.site.config.language.as_str(),
            code => code,
        };
        spec.selects(&post.tags, &post.section, &post.blog, &post.lang, default)
    }

    /// `spec`'s digest of `period` from the posts it lists, rendered now; `None` when it
    /// lists none.
    pub(crate) fn digest_of(
        &self,
        spec: &DigestSpec,
        period: Period,
        report: &mut Report,
    ) -> Result<Option<Digest>> {
        let listed = self.posts_in(spec, period);
        if listed.is_empty() {
            return Ok(None);
        }
        let entries = self.render(&listed, report);
        let digest = Digest::render(&self.site, spec, period, &entries, self.now)?;
        report.diagnostics.extend(digest.warnings.iter().cloned());
        Ok(Some(digest))
    }

    /// `digest`: renders each digest's issue of the period named (the one digest `name`,
    /// else every enabled one) into `digest-<key>.html`, `.txt` and `.eml` in `out`
    /// (default `[digest] out_dir`).
    pub fn digest(
        &self,
        arg: &PeriodArg,
        name: Option<&str>,
        out: Option<&Path>,
    ) -> Result<Report> {
        let mut report = self.report();
        let Some(specs) = self.digests(name, &mut report) else {
            return Ok(report);
        };
        let out = out.map_or_else(
            || self.site.resolve(&self.site.config.digest.out_dir),
            Path::to_path_buf,
        );
        for spec in specs {
            let Some(period) = self.period_or_say(spec, arg, name.is_some(), &mut report) else {
                continue;
            };
            let key = spec.journal_key(&period.key());
            let Some(digest) = self.digest_of(spec, period, &mut report)? else {
                report
                    .lines
                    .push(format!("no posts in {key}: nothing to send"));
                continue;
            };
            let paths = digest.write(&out)?;
            report.lines.push(format!(
                "{key}: {}: {}",
                plural(digest.posts, "post"),
                digest.subject
            ));
            for path in paths {
                report.lines.push(format!("  wrote {}", path.display()));
            }
        }
        Ok(report)
    }
}

/// A value on one line, cut at 60 characters.
pub(crate) fn one_line(value: &str) -> String {
    let line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line
    }
}
