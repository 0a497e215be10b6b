//! Lints a written feed against the rule classes of the W3C Feed Validation Service:
//! well-formed XML, dates, absolute links and ids, unique ids, a self link, RSS `author` as
//! an email, an author for every Atom entry, and content free of active markup.

mod html;
mod tree;

use std::collections::HashSet;

use chrono::DateTime;
use url::Url;

use tree::{parse_items, Element};

/// One problem in a feed file, on the line of the element it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the feed file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The findings so far and the line of the element being checked.
#[derive(Default)]
struct Found {
    line: usize,
    findings: Vec<Finding>,
}

impl Found {
    fn at(&mut self, element: &Element) {
        self.line = element.line;
    }

    fn push(&mut self, message: String) {
        self.findings.push(Finding {
            line: self.line.max(1),
            message,
        });
    }
}

/// Lints an RSS 2.0 document. Each item is checked when it closes and then dropped.
pub fn rss(xml: impl std::io::BufRead) -> Vec<Finding> {
    let mut items = Found::default();
    let mut guids = HashSet::new();
    let mut count = 0;
    let mut check = |item: Element| {
        count += 1;
        rss_item(&mut items, &mut guids, count, &item);
    };
    let root = match parse_items(xml, Some(&mut check)) {
        Ok(root) => root,
        Err((line, message)) => return vec![Finding { line, message }],
    };
    let mut found = Found::default();
    found.at(&root);
    let Some(channel) = root.first("channel").filter(|_| root.name == "rss") else {
        found.push("not an RSS 2.0 document: no <rss><channel>".into());
        return found.findings;
    };
    found.at(channel);
    absolute(
        &mut found,
        "channel <link>",
        channel.first("link").map(|l| l.text.as_str()),
    );
    if !channel
        .all("atom:link")
        .any(|l| l.attr("rel") == Some("self"))
    {
        found.push("channel has no <atom:link rel=\"self\">".into());
    }
    for name in ["pubDate", "lastBuildDate"] {
        if let Some(date) = channel.first(name) {
            rfc822(&mut found, &format!("channel <{name}>"), &date.text);
        }
    }
    // The items' findings after the channel's, as they come in the document.
    found.findings.append(&mut items.findings);
    found.findings
}

/// The checks of the `n`th RSS item.
fn rss_item(found: &mut Found, guids: &mut HashSet<String>, n: usize, item: &Element) {
    found.at(item);
    let at = format!("item {n}");
    absolute(
        found,
        &format!("{at} <link>"),
        item.first("link").map(|l| l.text.as_str()),
    );
    if let Some(guid) = item.first("guid") {
        if !guids.insert(guid.text.clone()) {
            found.push(format!("{at}: <guid> {} is not unique", guid.text));
        }
        if guid.attr("isPermaLink") != Some("false") {
            absolute(
                found,
                &format!("{at} <guid isPermaLink=\"true\">"),
                Some(&guid.text),
            );
        }
    }
    if let Some(date) = item.first("pubDate") {
        rfc822(found, &format!("{at} <pubDate>"), &date.text);
    }
    if let Some(author) = item.first("author") {
        if !is_email_author(&author.text) {
            found.push(format!(
                "{at}: <author> {:?} is not an email address (use dc:creator for names)",
                author.text
            ));
        }
    }
    for name in ["description", "content:encoded"] {
        if let Some(html) = item.first(name) {
            for problem in &html.active {
                found.push(format!("{at} <{name}> {problem}"));
            }
        }
    }
    if let Some(description) = item.first("description") {
        for problem in &description.relative {
            found.push(format!("{at} <description> {problem}"));
        }
    }
}

/// Lints an Atom 1.0 document. Each entry is checked when it closes and then dropped.
pub fn atom(xml: impl std::io::BufRead) -> Vec<Finding> {
    let mut entries = Found::default();
    let mut ids = HashSet::new();
    // Where an entry without an author was reported: not a finding if the feed has one
    // (which may come after the entries).
    let mut authorless = Vec::new();
    let mut count = 0;
    let mut check = |entry: Element| {
        count += 1;
        atom_entry(&mut entries, &mut ids, &mut authorless, count, &entry);
    };
    let feed = match parse_items(xml, Some(&mut check)) {
        Ok(root) => root,
        Err((line, message)) => return vec![Finding { line, message }],
    };
    let mut found = Found::default();
    found.at(&feed);
    if feed.name != "feed" {
        found.push("not an Atom document: no <feed>".into());
        return found.findings;
    }
    absolute(
        &mut found,
        "feed <id>",
        feed.first("id").map(|l| l.text.as_str()),
    );
    if let Some(updated) = feed.first("updated") {
        rfc3339(&mut found, "feed <updated>", &updated.text);
    } else {
        found.push("feed has no <updated>".into());
    }
    if !feed.all("link").any(|l| l.attr("rel") == Some("self")) {
        found.push("feed has no <link rel=\"self\">".into());
    }
    for link in feed.all("link") {
        absolute(&mut found, "feed <link>", link.attr("href"));
    }
    if feed.first("author").is_some() {
        for at in authorless.into_iter().rev() {
            entries.findings.remove(at);
        }
    }
    // The entries' findings after the feed's, as they come in the document.
    found.findings.append(&mut entries.findings);
    found.findings
}

/// The checks of the `n`th Atom entry; where it has no author, the finding's index goes to
/// `authorless`.
fn atom_entry(
    found: &mut Found,
    ids: &mut HashSet<String>,
    authorless: &mut Vec<usize>,
    n: usize,
    entry: &Element,
) {
    found.at(entry);
    let at = format!("entry {n}");
    let id = entry.first("id").map(|l| l.text.as_str());
    absolute(found, &format!("{at} <id>"), id);
    if let Some(id) = id {
        if !ids.insert(id.to_string()) {
            found.push(format!("{at}: <id> {id} is not unique"));
        }
    }
    for name in ["updated", "published"] {
        match entry.first(name) {
            Some(date) => rfc3339(found, &format!("{at} <{name}>"), &date.text),
            None if name == "updated" => found.push(format!("{at} has no <updated>")),
            None => {}
        }
    }
    for link in entry.all("link") {
        absolute(found, &format!("{at} <link>"), link.attr("href"));
    }
    if !entry
        .all("author")
        .any(|a| a.first("name").is_some_and(|n| !n.text.trim().is_empty()))
    {
        authorless.push(found.findings.len());
        found.push(format!("{at} has no <author> and the feed has none"));
    }
    for name in ["summary", "content"] {
        if let Some(html) = entry.first(name) {
            for problem in &html.active {
                found.push(format!("{at} <{name}> {problem}"));
            }
        }
    }
}

fn absolute(found: &mut Found, what: &str, value: Option<&str>) {
    match value.map(str::trim) {
        None | Some("") => found.push(format!("{what} is missing")),
        Some(v) => {
            if Url::parse(v).is_err() {
                found.push(format!("{what} {v:?} is not an absolute URL"));
            } else if let Some(problem) = herald_entry::uri_problem(v) {
                found.push(format!("{what} {problem}"));
            }
        }
    }
}

fn rfc822(found: &mut Found, what: &str, date: &str) {
    // chrono checks the day of the week against the date.
    if DateTime::parse_from_rfc2822(date.trim()).is_err() {
        found.push(format!(
            "{what} {date:?} is not an RFC 822 date with the right day of week"
        ));
    }
}

fn rfc3339(found: &mut Found, what: &str, date: &str) {
    if DateTime::parse_from_rfc3339(date.trim()).is_err() {
        found.push(format!("{what} {date:?} is not an RFC 3339 date"));
    }
}

/// `jo@example.org` or `jo@example.org (Jo)`.
fn is_email_author(text: &str) -> bool {
    let address = text.split_whitespace().next().unwrap_or("");
    let (local, domain) = address.split_once('@').unwrap_or(("", ""));
    !local.is_empty() && domain.contains('.') && !address.contains(['<', '>'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_ITEM: &str = r#"<item><title>T</title><link>https://x.org/a</link><guid>https://x.org/a</guid><pubDate>Fri, 04 Sep 2020 08:00:00 +0000</pubDate><description>&lt;p&gt;ok&lt;/p&gt;</description></item>"#;

    fn rss_with(channel_extra: &str, items: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>S</title><link>https://x.org/</link><description>d</description>{channel_extra}{items}</channel></rss>"#
        )
    }

    const SELF: &str = r#"<atom:link href="https://x.org/rss.xml" rel="self"/>"#;

    fn atom_with(feed_extra: &str, entry: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.org/</id><title>S</title><updated>2020-09-04T08:00:00Z</updated>{feed_extra}{entry}</feed>"#
        )
    }

    const ATOM_SELF: &str = r#"<link href="https://x.org/atom.xml" rel="self"/>"#;
    const GOOD_ENTRY: &str = r#"<entry><id>https://x.org/a</id><title>T</title><updated>2020-09-04T08:00:00Z</updated><author><name>A</name></author><content type="html">&lt;p&gt;ok&lt;/p&gt;</content></entry>"#;

    /// Each broken feed is reported with a finding that contains its expected text.
    fn assert_each_reported(lint: fn(&[u8]) -> Vec<Finding>, cases: &[(String, &str)]) {
        for (feed, want) in cases {
            let found: Vec<String> = lint(feed.as_bytes())
                .into_iter()
                .map(|f| f.message)
                .collect();
            assert!(
                found.iter().any(|f| f.contains(want)),
                "wanted {want:?} in {found:?}"
            );
        }
    }

    #[test]
    fn a_clean_feed_has_no_findings() {
        assert_eq!(
            rss(rss_with(SELF, GOOD_ITEM).as_bytes()),
            Vec::<Finding>::new()
        );
        assert_eq!(
            atom(atom_with(ATOM_SELF, GOOD_ENTRY).as_bytes()),
            Vec::<Finding>::new()
        );
    }

    #[test]
    fn each_rss_rule_reports_what_breaks_it() {
        let cases = [
            (
                rss_with(SELF, "<item><title>x</item>"),
                "not well-formed XML",
            ),
            (
                rss_with(SELF, &GOOD_ITEM.replace("Fri, 04", "Mon, 04")),
                "not an RFC 822 date with the right day of week",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("Fri, 04 Sep 2020 08:00:00 +0000", "2020-09-04"),
                ),
                "not an RFC 822 date",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("<link>https://x.org/a</link>", "<link>/a</link>"),
                ),
                "item 1 <link> \"/a\" is not an absolute URL",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("<guid>https://x.org/a</guid>", "<guid>a-1</guid>"),
                ),
                "item 1 <guid isPermaLink=\"true\"> \"a-1\" is not an absolute URL",
            ),
            (
                rss_with(SELF, &format!("{GOOD_ITEM}{GOOD_ITEM}")),
                "item 2: <guid> https://x.org/a is not unique",
            ),
            (
                rss_with("", GOOD_ITEM),
                "channel has no <atom:link rel=\"self\">",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("</item>", "<author>Jo Smith</author></item>"),
                ),
                "is not an email address",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("&lt;p&gt;ok", "&lt;script&gt;x&lt;/script&gt;&lt;p&gt;ok"),
                ),
                "item 1 <description> holds <script>",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace(
                        "&lt;p&gt;ok",
                        "&lt;iframe src=\"https://e.vil\"&gt;&lt;/iframe&gt;",
                    ),
                ),
                "holds <iframe>",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("&lt;p&gt;ok", "&lt;p onclick=\"x()\"&gt;ok"),
                ),
                "holds a onclick= attribute on <p>",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("&lt;p&gt;ok", "&lt;p style=\"color:red\"&gt;ok"),
                ),
                "holds a style= attribute on <p>",
            ),
            (
                rss_with(
                    SELF,
                    &GOOD_ITEM.replace("&lt;p&gt;ok", "&lt;a href=\"/rel\"&gt;ok&lt;/a&gt;"),
                ),
                "has a relative reference href=\"/rel\" on <a>",
            ),
        ];
        assert_each_reported(|x| rss(x), &cases);
        let ok = rss_with(
            SELF,
            &GOOD_ITEM.replace("</item>", "<author>jo@x.org (Jo)</author></item>"),
        );
        assert_eq!(rss(ok.as_bytes()), Vec::<Finding>::new());
    }

    #[test]
    fn each_atom_rule_reports_what_breaks_it() {
        let cases = [
            (atom_with(ATOM_SELF, "<entry>"), "not well-formed XML"),
            (
                atom_with(
                    ATOM_SELF,
                    &GOOD_ENTRY.replace("2020-09-04T08:00:00Z", "Fri, 04 Sep 2020 08:00:00 +0000"),
                ),
                "entry 1 <updated> \"Fri, 04 Sep 2020 08:00:00 +0000\" is not an RFC 3339 date",
            ),
            (
                atom_with(
                    ATOM_SELF,
                    &GOOD_ENTRY.replace("<id>https://x.org/a</id>", "<id>a</id>"),
                ),
                "entry 1 <id> \"a\" is not an absolute URL",
            ),
            (
                atom_with(ATOM_SELF, &format!("{GOOD_ENTRY}{GOOD_ENTRY}")),
                "entry 2: <id> https://x.org/a is not unique",
            ),
            (atom_with("", GOOD_ENTRY), "feed has no <link rel=\"self\">"),
            (
                atom_with(
                    ATOM_SELF,
                    &GOOD_ENTRY.replace("<author><name>A</name></author>", ""),
                ),
                "entry 1 has no <author> and the feed has none",
            ),
            (
                atom_with(
                    ATOM_SELF,
                    &GOOD_ENTRY.replace("&lt;p&gt;ok", "&lt;style&gt;p{}&lt;/style&gt;"),
                ),
                "entry 1 <content> holds <style>",
            ),
        ];
        assert_each_reported(|x| atom(x), &cases);
        let feed_author = atom_with(
            &format!("{ATOM_SELF}<author><name>Site</name></author>"),
            &GOOD_ENTRY.replace("<author><name>A</name></author>", ""),
        );
        assert_eq!(atom(feed_author.as_bytes()), Vec::<Finding>::new());
    }

    #[test]
    fn entries_are_checked_as_they_close_and_a_feed_author_after_them_still_counts() {
        let authorless = GOOD_ENTRY.replace("<author><name>A</name></author>", "");
        let two = format!(
            "{}{}",
            authorless,
            authorless.replace("https://x.org/a", "https://x.org/b")
        );
        // No author anywhere: each entry is reported, in order, after the feed's findings.
        let feed = atom_with("", &two).replacen("<updated>2020-09-04T08:00:00Z</updated>", "", 1);
        let messages: Vec<String> = atom(feed.as_bytes())
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            [
                "feed has no <updated>",
                "feed has no <link rel=\"self\">",
                "entry 1 has no <author> and the feed has none",
                "entry 2 has no <author> and the feed has none",
            ]
        );
        // The feed's author, written after its entries, covers them.
        let feed = atom_with(r#"<link rel="self" href="https://x.org/atom.xml"/>"#, &two)
            .replace("</feed>", "<author><name>F</name></author></feed>");
        assert_eq!(atom(feed.as_bytes()), []);
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn a_finding_names_the_line_of_its_element() {
        let feed = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>https://x.org/</id><updated>2020-09-04T08:00:00Z</updated><link href=\"https://x.org/atom.xml\" rel=\"self\"/>\n<entry><id>https://x.org/a</id><updated>2020-09-04T08:00:00Z</updated><author><name>A</name></author></entry>\n<entry><id>b</id><updated>2020-09-04T08:00:00Z</updated><author><name>A</name></author></entry>\n</feed>\n";
        let found = atom(feed.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 5);
        assert!(found[0].message.contains("entry 2 <id> \"b\""), "{found:?}");
        let broken = atom(&b"<feed>\n<entry>\n</feed>"[..]);
        assert!(
            broken[0].message.starts_with("not well-formed XML"),
            "{broken:?}"
        );
        assert_eq!(broken[0].line, 3);
    }
}
