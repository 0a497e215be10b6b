//! `init`: what herald found in a site's own configuration, one line per value with the file
//! and line it came from, and a commented `herald.toml` for what only herald needs.

use anyhow::Result;

use super::herald::{one_line, Herald};
use super::report::Report;
use crate::diag::{Diagnostic, Severity};
use crate::fsutil::write_atomic;

impl Herald {
    /// `init`: reports what was read from the generator's configuration and writes
    /// `herald.toml` unless the site has one.
    pub fn init(&self) -> Result<Report> {
        let mut report = self.report();
        let root = self.site.root.clone();
        let generated = self
            .generated
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("init reads a site: run it in the site's root"))?;
        report.lines.push(format!(
            "{}: a {} site; posts in {} ({} posts, {} published)",
            root.display(),
            generated.generator,
            generated.content_dir.display(),
            self.found(),
            self.posts().len()
        ));
        for mapped in &generated.mapped {
            report.lines.push(format!(
                "{}:{}: {} = {}",
                mapped.file.display(),
                mapped.line,
                mapped.what,
                one_line(&mapped.value)
            ));
        }
        report.diagnostics.extend(self.not_honoured());
        // herald's feeds must not overwrite the generator's own in the folder it publishes.
        let feeds = &self.site.config.feeds;
        let ours = self.site.resolve(&feeds.out_dir);
        let mut clashes = Vec::new();
        if ours == self.site.resolve(&generated.out_dir) {
            for format in &feeds.formats {
                let name = feeds.file_name(*format);
                if generated.own_feeds.iter().any(|own| own == name) {
                    clashes.push((format.key(), name.to_string()));
                    report.diagnostics.push(Diagnostic::new(
                        root.join("herald.toml"),
                        None,
                        Severity::Warning,
                        format!(
                            "{}: herald's feed would overwrite the {} site's own feed there: set [feeds] {}_file to another name (a herald.toml that init writes does)",
                            ours.join(name).display(),
                            generated.generator,
                            format.key()
                        ),
                    ));
                }
            }
        }
        let path = root.join("herald.toml");
        if path.exists() {
            report
                .lines
                .push(format!("{} exists: left as it is", path.display()));
        } else {
            write_atomic(&path, template(generated.generator, &clashes).as_bytes())?;
            report.lines.push(format!(
                "wrote {}: set [digest] from and to, and [smtp], before sending",
                path.display()
            ));
        }
        Ok(report)
    }
}

fn template(generator: &str, clashes: &[(&str, String)]) -> String {
    // A feed file the generator writes itself gets another name.
    let renamed: String = clashes
        .iter()
        .map(|(key, name)| {
            format!(
                "{key}_file = \"herald-{name}\"   # {name} is the {generator} site's own feed\n"
            )
        })
        .collect();
    format!(
        r#"# herald's settings for this {generator} site. Everything about the site itself (base URL,
# title, time zone, permalinks, params, where the posts are) is read from the site's own
# configuration, as `herald init` listed it; set a key here only to override it.

[feeds]
{renamed}# out_dir = "public"      # where `herald build` writes the feeds
# limit = 20              # entries per feed; 0 for all
# per_tag = false         # also one feed per tag under tags/<slug>/

[digest]
# from = "Blog <news@example.org>"
# to = "list@example.org"
# list_unsubscribe = ["mailto:list-unsubscribe@example.org"]

# Without [smtp] the digest is written to outbox/ instead of sent.
# [smtp]
# host = "smtp.example.org"
# username = "herald"     # the password comes from $HERALD_SMTP_PASSWORD
"#
    )
}
