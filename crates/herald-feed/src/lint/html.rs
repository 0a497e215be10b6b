//! The checks of the HTML a feed carries: nothing a reader would run, no relative reference.
//! A plain scan of the tags answers first; the tokenizer decides whenever the scan sees
//! anything (a proptest holds the two to the same findings).

use url::Url;

use herald_entry::markup::{each_token, scan_tags, Token};

/// Elements a feed reader would run or that change the page's look.
const ACTIVE: &[&str] = &["script", "iframe", "object", "embed", "style", "form"];

/// Elements and attributes that a feed reader would run or that change the page's look.
pub(super) fn active_markup(html: &str) -> Vec<String> {
    if scan_tags(html, |_, name, _| {
        !(ACTIVE.contains(&name) || name.starts_with("on") || name == "style")
    }) {
        return Vec::new();
    }
    active_markup_tokenized(html)
}

fn active_markup_tokenized(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (element, attributes) in tags(html) {
        if ACTIVE.contains(&element.as_str()) {
            found.push(format!("holds <{element}>"));
        }
        for (name, _) in attributes {
            if name.starts_with("on") || name == "style" {
                found.push(format!("holds a {name}= attribute on <{element}>"));
            }
        }
    }
    found
}

pub(super) fn relative_references(html: &str) -> Vec<String> {
    let absolute = |value: &str| !value.contains('&') && Url::parse(value).is_ok();
    if scan_tags(html, |attribute, name, value| {
        !attribute || !matches!(name, "href" | "src") || value.is_some_and(absolute)
    }) {
        return Vec::new();
    }
    relative_references_tokenized(html)
}

fn relative_references_tokenized(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (element, attributes) in tags(html) {
        for (name, value) in attributes {
            if matches!(name.as_str(), "href" | "src") && Url::parse(&value).is_err() {
                found.push(format!(
                    "has a relative reference {name}={value:?} on <{element}>"
                ));
            }
        }
    }
    found
}

/// Every start tag's element name and attributes.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    each_token(html, |token| {
        if let Token::Start(tag) = token {
            let attributes = tag
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            out.push((tag.name.to_string(), attributes));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The scan without a tokenizer never hides what the tokenizer finds.
        #[test]
        fn the_fast_markup_checks_agree_with_the_tokenizer(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<a", "<A", "<script", "<STYLE>", "<iframe", "<p>", "</a>", "<img", "<textarea>",
                "<!--", "-->", "<?", "</", "<", ">", "/", "/>", " ", "\n", "=", " = ", "\"", "'",
                " href=", " src=", " onclick=", " ONload=", " style=", " title=", " data-x=",
                "\"https://x.org/a\"", "'http://x.org'", "\"rel/x\"", "\"#top\"", "\"&amp;\"",
                "x", "text", "&lt;", "\u{0}", "é", "<a href=\"https://x.org\">",
            ]), 0..24)
        ) {
            let html: String = parts.concat();
            proptest::prop_assert_eq!(active_markup(&html), active_markup_tokenized(&html), "{:?}", html);
            proptest::prop_assert_eq!(
                relative_references(&html),
                relative_references_tokenized(&html),
                "{:?}",
                html
            );
        }
    }
}
