//! Renders the digest templates: built-in ones compiled in, files in the templates directory
//! override them; CSS inlined for mail clients; the HTML kept under the size bound.

use anyhow::{Context as _, Result};
use handlebars::Handlebars;

use super::context::{Context, EntryInfo};
use super::period::Period;
use super::text::TEXT_WIDTH;
use herald_config::{DigestSpec, Site};
use herald_entry::summary_of_text;
use herald_entry::Entry;

const HTML_TEMPLATE: &str = include_str!("../../../templates/digest.html.hbs");
const TEXT_TEMPLATE: &str = include_str!("../../../templates/digest.txt.hbs");

/// Summary lengths (characters) tried in turn when the HTML is over the size bound.
const SHORTER_SUMMARIES: &[usize] = &[400, 250, 150, 80, 0];

/// The rendered parts of a digest.
pub(crate) struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

pub(crate) fn render(
    site: &Site,
    spec: &DigestSpec,
    period: Period,
    entries: &[Entry],
) -> Result<Rendered> {
    let templates = Templates::load(site, spec)?;
    let mut context = Context::new(site, spec, &period, entries);
    let subject = templates.subject(&context)?;
    let text = wrap(
        &templates
            .text
            .render("text", &context)
            .context("failed to render digest.txt.hbs")?,
    );

    let max = spec.config.max_html_bytes;
    let mut html = templates.html_of(&context)?;
    let mut shorter = SHORTER_SUMMARIES.iter();
    while html.len() > max {
        if let Some(&length) = shorter.next() {
            for entry in &mut context.entries {
                shorten(entry, length);
            }
        } else if context.entries.len() > 1 {
            context.entries.pop();
            context.counts.omitted += 1;
        } else {
            break;
        }
        html = templates.html_of(&context)?;
    }
    Ok(Rendered {
        subject,
        html,
        text,
    })
}

/// The subject and the web page of a digest, for the archive: the email's HTML without "View
/// in your browser" and without the list's addresses.
pub(crate) fn render_page(
    site: &Site,
    spec: &DigestSpec,
    period: Period,
    entries: &[Entry],
) -> Result<(String, String)> {
    let templates = Templates::load(site, spec)?;
    let mut context = Context::new(site, spec, &period, entries);
    context.web = true;
    let subject = templates.subject(&context)?;
    let html = templates.html_of(&context)?;
    Ok((subject, html))
}

/// The template `name`: the file of that name in the digest's `templates_dir` when there is
/// one, else the built-in `builtin`.
pub(crate) fn template_source(
    site: &Site,
    spec: &DigestSpec,
    name: &str,
    builtin: &str,
) -> Result<String> {
    let path = site.resolve(&spec.config.templates_dir).join(name);
    if path.is_file() {
        herald_config::fsutil::read_text(&path)
            .with_context(|| format!("failed to read {}", path.display()))
    } else {
        Ok(builtin.to_string())
    }
}

struct Templates {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

impl Templates {
    fn load(site: &Site, spec: &DigestSpec) -> Result<Templates> {
        let source = |name: &str, builtin: &str| template_source(site, spec, name, builtin);
        let mut html = Handlebars::new();
        html.set_strict_mode(true);
        html.register_template_string("html", source("digest.html.hbs", HTML_TEMPLATE)?)
            .context("digest.html.hbs is not a valid template")?;
        let mut text = Handlebars::new();
        text.set_strict_mode(true);
        text.register_escape_fn(handlebars::no_escape);
        text.register_template_string("text", source("digest.txt.hbs", TEXT_TEMPLATE)?)
            .context("digest.txt.hbs is not a valid template")?;
        text.register_template_string("subject", &spec.config.subject)
            .with_context(|| format!("the subject of {} is not a valid template", spec.title()))?;
        Ok(Templates { html, text })
    }

    /// The subject line, its whitespace runs made single spaces (a header is one line).
    fn subject(&self, context: &Context) -> Result<String> {
        let subject = self
            .text
            .render("subject", context)
            .context("failed to render the subject template")?;
        Ok(subject.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// Renders the HTML and inlines its CSS, keeping only `@media` rules in a `<style>`.
    fn html_of(&self, context: &Context) -> Result<String> {
        let html = self
            .html
            .render("html", context)
            .context("failed to render digest.html.hbs")?;
        let inliner = css_inline::CSSInliner::options()
            .keep_at_rules(true)
            .load_remote_stylesheets(false)
            .build();
        let html = inliner
            .inline(&html)
            .context("failed to inline the digest's CSS")?;
        Ok(charset_first(html))
    }
}

/// Puts `<meta charset>` first in `<head>`, where the inliner's kept `<style>` had pushed
/// it: a client reads the charset before anything else.
fn charset_first(html: String) -> String {
    const META: &str = "<meta charset=\"utf-8\">";
    match (html.find(META), html.find("<head>")) {
        (Some(at), Some(head)) if at > head + "<head>".len() => {
            let mut out = html.replacen(META, "", 1);
            out.insert_str(head + "<head>".len(), META);
            out
        }
        _ => html,
    }
}

/// Cuts a summary to about `length` characters at a word boundary (0: no summary).
fn shorten(entry: &mut EntryInfo, length: usize) {
    (entry.summary_html, entry.summary_text) = summary_of_text(&entry.words, length);
}

/// Wraps every line longer than the width at word boundaries, keeping its indent; a word
/// longer than a line (a URL) is never broken.
fn wrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for line in text.lines() {
        if line == "-- " {
            // The signature separator keeps its space (RFC 3676): mail clients fold what
            // follows it away.
            out.push_str(line);
        } else if is_reference(line) || ends_in_url(line) {
            // A link's reference (`[1]: https://…`), or a line only its closing URL makes
            // long (`Read it: https://…`), stays on one line: the URL is never broken and
            // its label stays with it.
            out.push_str(line.trim_end());
        } else if line.chars().count() <= TEXT_WIDTH {
            out.push_str(line.trim_end());
        } else {
            let indent = &line[..line.len() - line.trim_start().len()];
            let options = textwrap::Options::new(TEXT_WIDTH)
                .initial_indent(indent)
                .subsequent_indent(indent)
                .break_words(false)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            out.push_str(&textwrap::fill(line.trim_start(), options));
        }
        out.push('\n');
    }
    out
}

/// Whether a line ends in a URL and the words before it fit the width.
fn ends_in_url(line: &str) -> bool {
    let line = line.trim_end();
    line.rsplit_once(' ').is_some_and(|(before, last)| {
        last.contains("://") && before.chars().count() < TEXT_WIDTH && !before.contains("://")
    })
}

/// Whether a line is a link's numbered reference: `[1]: https://…`.
fn is_reference(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|rest| rest.split_once("]: "))
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_72_and_urls_stay_whole() {
        let url = format!("https://example.org/{}", "x".repeat(90));
        let text = wrap(&format!("  {} {url}\nshort\n", "word ".repeat(30)));
        for line in text.lines().filter(|l| !l.contains("https://")) {
            assert!(line.chars().count() <= 72, "{line:?}");
            assert!(line.starts_with("  ") || line == "short", "{line:?}");
        }
        assert!(text.contains(&url));
        // A label and its URL stay together; words after a URL still wrap.
        let read = format!("Read it: {url}");
        assert_eq!(wrap(&read), format!("{read}\n"));
        let words_after = format!("{url} {}", "word ".repeat(20));
        assert!(wrap(&words_after).lines().count() > 1);
    }
}
