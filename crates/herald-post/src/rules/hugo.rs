//! Hugo's rules: a page's date from its front matter (by `frontmatter` settings), its URL
//! from `url`, `slug`, the section's permalink pattern or its path, and its aliases.

use super::*;

/// Hugo: the date (`date`, `publishDate`, `lastmod`, then a file-name date), the URL from
/// `url`, else the section's permalink pattern, else the page's path; lower-cased.
pub(crate) fn hugo(
    site: &Site,
    rules: &HugoRules,
    at: &Located,
    split: &Split<'_>,
    title: &str,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let filename = at.bundle.clone().unwrap_or_else(|| stem(at));
    let mut warnings = Vec::new();
    let name_date = date_from_file_name(&filename).map(|(d, _)| d);
    // `[frontmatter] date`: front-matter keys (each with Hugo's aliases, in any case, as
    // the front matter writes it), and `:filename` for the file name's date.
    let keys: Vec<&str> = rules
        .date_keys
        .iter()
        .map(String::as_str)
        .filter(|k| !k.starts_with(':'))
        .flat_map(|k| std::iter::once(k).chain(hugo_aliases(k).iter().copied()))
        .filter_map(|k| {
            front
                .keys()
                .find(|f| f.eq_ignore_ascii_case(k))
                .map(String::as_str)
        })
        .collect();
    let by_name = rules.date_keys.is_empty()
        || rules
            .date_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(":filename"))
        || rules.date_keys == ["date", "publishDate", "lastmod"];
    let name_date = name_date.filter(|_| by_name);
    let (published, date_line) =
        match front_date_or_name(site, split, &keys, name_date, &mut warnings)? {
            Some(found) => found,
            None => match date_from_file_name(&filename) {
                Some((date, _)) => (midnight(date, site), split.front_line),
                None => return Err(NotPost::Page),
            },
        };
    let slug = front.get("slug").and_then(scalar).filter(|s| !s.is_empty());
    let path = match front.get("url").and_then(scalar) {
        // A `url` from the root is the page's own; a relative one is below its language's.
        Some(url) if url.starts_with('/') => page_url(url),
        Some(url) => rules
            .languages
            .path_in(&at.lang, &page_url(format!("/{url}"))),
        None => {
            let pattern = rules
                .permalinks
                .get(at.section())
                .cloned()
                .unwrap_or_else(|| {
                    // Hugo's default: the page's folders, then its slug or file name.
                    let mut path = String::from("/");
                    for dir in &at.dirs {
                        path.push_str(dir);
                        path.push('/');
                    }
                    path.push_str(":slugorfilename/");
                    path
                });
            let mut value = |token: &str| -> Option<String> {
                let d = &published;
                Some(match token {
                    "year" => format!("{:04}", d.year()),
                    "month" => format!("{:02}", d.month()),
                    "monthname" => d.format("%B").to_string(),
                    "day" => format!("{:02}", d.day()),
                    "weekday" => d.weekday().num_days_from_sunday().to_string(),
                    "weekdayname" => d.format("%A").to_string(),
                    "yearday" => d.ordinal().to_string(),
                    "section" => at.section().to_string(),
                    "sections" => at.dirs.join("/"),
                    "title" => hugo_slug(title),
                    "slug" => slug.clone().unwrap_or_else(|| hugo_slug(title)),
                    "filename" | "contentbasename" => filename.clone(),
                    "slugorfilename" | "slugorcontentbasename" => {
                        slug.clone().unwrap_or_else(|| filename.clone())
                    }
                    _ => return None,
                })
            };
            let expanded = expand(&pattern, &mut value).map_err(|token| {
                NotPost::Error((
                    split.front_line,
                    format!("the permalink pattern {pattern:?} has a token Hugo does not know: `:{token}`"),
                ))
            })?;
            let path = url_path(&expanded, rules.lowercase_paths);
            let path = match path.strip_suffix('/') {
                Some(page) if rules.ugly_urls && !page.is_empty() => format!("{page}.html"),
                _ => path,
            };
            rules.languages.path_in(&at.lang, &path)
        }
    };
    let expiry_key = ["expiryDate", "unpublishdate"]
        .iter()
        .find_map(|k| front.keys().find(|f| f.eq_ignore_ascii_case(k)))
        .map(String::as_str);
    let expiry = match expiry_key {
        Some(key) => front_date(site, split, &[key])?,
        None => None,
    };
    Ok(Facts {
        published,
        date_line,
        path,
        draft: truthy(front, "draft"),
        future_ok: rules.build_future,
        expires: expiry
            .filter(|_| !rules.build_expired)
            .map(|(d, _)| d.to_utc()),
        warnings,
    })
}

/// A front-matter `url` as Hugo publishes it: one whose last part has no extension is a
/// folder (`/blog/x` is `/blog/x/`).
fn page_url(url: String) -> String {
    let last = url.rsplit('/').next().unwrap_or("");
    if last.is_empty() || last.contains('.') {
        url
    } else {
        format!("{url}/")
    }
}

/// Hugo's other names for its date keys (`published` is `publishDate`).
fn hugo_aliases(key: &str) -> &'static [&'static str] {
    match key.to_ascii_lowercase().as_str() {
        "publishdate" => &["pubdate", "published"],
        "lastmod" => &["modified"],
        "expirydate" => &["unpublishdate"],
        _ => &[],
    }
}
