//! The text part's summaries: HTML as plain text that keeps what the HTML says. Every link
//! becomes a numbered reference under the summary (`[1]: https://…`, never wrapped), list
//! items their own lines with markers, headings their own lines, table rows lines with their
//! cells apart, code as written; wrapped at the text part's width.

/// Line width of the plain-text part (URLs are never broken).
pub(crate) const TEXT_WIDTH: usize = 72;

/// `html` as the text part shows it; `None` when it cannot be read (the caller keeps the
/// summary's plain words).
pub(crate) fn plain(html: &str) -> Option<String> {
    let text = html2text::config::plain()
        .link_footnotes(true)
        .no_link_wrapping()
        .string_from_read(indented_code(html).as_bytes(), TEXT_WIDTH)
        .ok()?;
    Some(text.trim_end().to_string())
}

/// Code blocks as plain text shows code: each line indented four spaces, without the
/// backticks an inline `<code>` gets.
fn indented_code(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = rest.find("<pre") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = rest[open_end..].find("</pre>").map(|i| open_end + i) else {
            break;
        };
        out.push_str(&rest[..open_end]);
        let mut code = rest[open_end..close].to_string();
        // The `<code>` inside, whatever its attributes.
        if let Some(inner) = code.strip_prefix("<code") {
            if let Some(at) = inner.find('>') {
                code = inner[at + 1..].to_string();
            }
        }
        let code = code.strip_suffix("</code>").unwrap_or(&code);
        let code = code.strip_suffix('\n').unwrap_or(code);
        for (i, line) in code.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str("    ");
            out.push_str(line);
        }
        out.push_str("</pre>");
        rest = &rest[close + "</pre>".len()..];
    }
    out.push_str(rest);
    out
}

/// A code block longer than this many lines is not shown in an email's summary.
const MAX_CODE_LINES: usize = 12;

/// The summary's HTML as an email shows it on a phone, and what was left out: it stops
/// before the first table (no mail client lets a wide table scroll inside the column) and
/// before a code block longer than [`MAX_CODE_LINES`], as the hosted RSS-to-email services
/// do. The text part keeps them whole.
pub(crate) fn fit_for_phones(html: &str) -> (String, String) {
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let rest = &html[start..];
        let name_end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |i| i + 1);
        let name = rest[1..name_end].to_ascii_lowercase();
        let cut = match name.as_str() {
            "table" => Some("The post goes on with a table: read it there."),
            "pre" => {
                let end = rest.find("</pre>").unwrap_or(rest.len());
                (rest[..end].lines().count() > MAX_CODE_LINES)
                    .then_some("The post goes on with a long code block: read it there.")
            }
            _ => None,
        };
        if let Some(said) = cut {
            return (html[..start].trim_end().to_string(), said.to_string());
        }
        at = start + 1;
    }
    (html.to_string(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_lists_headings_tables_and_code_keep_their_shape() {
        let html = concat!(
            "<h2>Release</h2><p>See <a href=\"https://example.org/notes\">the notes</a> and ",
            "<a href=\"https://example.org/download\">download</a>.</p>",
            "<ul><li>one</li><li>two</li></ul>",
            "<table><tr><th>android</th><th>minSdkVersion</th></tr>",
            "<tr><td>cordova</td><td>24</td></tr></table>",
            "<pre><code>let x = 1;\nlet y = 2;</code></pre>",
        );
        let text = plain(html).unwrap();
        for url in ["https://example.org/notes", "https://example.org/download"] {
            assert!(text.lines().any(|l| l.ends_with(url)), "{url} in\n{text}");
        }
        assert!(text.lines().any(|l| l.trim() == "* one"), "{text}");
        assert!(text.lines().any(|l| l.trim() == "* two"), "{text}");
        assert!(text.lines().any(|l| l.contains("Release")), "{text}");
        assert!(!text.contains("androidminSdkVersion"), "{text}");
        let row = text.lines().find(|l| l.contains("cordova")).unwrap();
        assert!(row.contains("24") && !row.contains("cordova24"), "{text}");
        assert!(text.lines().any(|l| l == "    let x = 1;"), "{text}");
        assert!(text.lines().any(|l| l == "    let y = 2;"), "{text}");
        assert!(text
            .lines()
            .all(|l| l.chars().count() <= TEXT_WIDTH || l.contains("://")));
    }

    #[test]
    fn a_summary_stops_before_a_table_or_a_long_code_block() {
        let (html, cut) =
            fit_for_phones("<p>Intro</p><table><tr><td>x</td></tr></table><p>After</p>");
        assert_eq!(
            (html.as_str(), cut.contains("table")),
            ("<p>Intro</p>", true)
        );
        let long = format!(
            "<p>Code:</p><pre><code>{}</code></pre>",
            "line\n".repeat(20)
        );
        let (html, cut) = fit_for_phones(&long);
        assert_eq!(
            (html.as_str(), cut.contains("code")),
            ("<p>Code:</p>", true)
        );
        let short = "<p>Code:</p><pre><code>a\nb</code></pre>";
        assert_eq!(fit_for_phones(short), (short.to_string(), String::new()));
    }
}
