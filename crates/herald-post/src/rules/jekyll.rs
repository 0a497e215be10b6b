//! Jekyll's rules: a post's date from its file name and front matter, its URL from its
//! collection's `permalink`, front-matter defaults by path, and Jekyll's slugs.

use super::*;

/// Jekyll: the date from the front matter or the file name, in the site's zone; the URL
/// from a front-matter `permalink`, else the site's pattern with `:categories` lower-cased
/// and `:title` the file name's slug, case kept.
pub(crate) fn jekyll(
    site: &Site,
    rules: &JekyllRules,
    at: &Located,
    split: &Split<'_>,
) -> Result<Facts, NotPost> {
    let front = &split.front;
    let stem = stem(at);
    let from_name = date_from_file_name(&stem);
    let mut warnings = Vec::new();
    let name_date = from_name.map(|(d, _)| d);
    // Ruby reads a date leniently (`2023-01-29 18:30:22 2023 -0800`), and so does Jekyll.
    let loose = front
        .get("date")
        .and_then(scalar)
        .filter(|raw| parse_date(raw, site.tz).is_none())
        .and_then(|raw| parse_date_loose(&raw, site.tz))
        .map(|date| (date, key_line(split, "date")));
    let read = match loose {
        Some(found) => Some(found),
        None => front_date_or_name(site, split, &["date"], name_date, &mut warnings)?,
    };
    let (published, date_line) = match read {
        Some((date, line)) => (date.with_timezone(&site.tz).fixed_offset(), line),
        None => match from_name {
            Some((date, _)) => (midnight(date, site), split.front_line),
            None => {
                return Err(NotPost::Error((
                    1,
                    "a Jekyll post's file name starts with its date: YYYY-MM-DD-title.md".into(),
                )))
            }
        },
    };
    let name = from_name
        .map_or(stem.as_str(), |(_, rest)| rest)
        .to_string();
    let title = jekyll_slug(&front.get("slug").and_then(scalar).unwrap_or(name), true);
    let mut categories: Vec<String> = at.categories.clone();
    for key in ["categories", "category"] {
        match front.get(key) {
            Some(Value::Array(items)) => categories.extend(items.iter().filter_map(scalar)),
            Some(value) => {
                if let Some(s) = scalar(value) {
                    categories.extend(s.split_whitespace().map(str::to_string));
                }
            }
            None => {}
        }
    }
    let mut seen = Vec::new();
    for c in categories.iter().map(|c| c.to_lowercase()) {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    // A collection's document: its collection's pattern, else Jekyll's default for them.
    let pattern = front
        .get("permalink")
        .and_then(scalar)
        .unwrap_or_else(|| match &at.collection {
            Some(name) => rules
                .collection_permalinks
                .get(name)
                .cloned()
                .unwrap_or_else(|| "/:collection/:path:output_ext".into()),
            None => rules.permalink.clone(),
        });
    // `:path`: the document's path in its collection, without the extension.
    let in_collection = at
        .rel
        .split_once('/')
        .map_or("", |(_, rest)| rest)
        .rsplit_once('.')
        .map_or("", |(path, _)| path)
        .to_string();
    let d = published;
    let mut value = |token: &str| -> Option<String> {
        Some(match token {
            "year" => format!("{:04}", d.year()),
            "short_year" => format!("{:02}", d.year() % 100),
            "month" => format!("{:02}", d.month()),
            "i_month" => d.month().to_string(),
            "short_month" => d.format("%b").to_string(),
            "long_month" => d.format("%B").to_string(),
            "day" => format!("{:02}", d.day()),
            "i_day" => d.day().to_string(),
            "y_day" => format!("{:03}", d.ordinal()),
            "short_day" => d.format("%a").to_string(),
            "long_day" => d.format("%A").to_string(),
            "week" => format!("{:02}", d.iso_week().week()),
            "hour" => format!("{:02}", d.hour()),
            "minute" => format!("{:02}", d.minute()),
            "second" => format!("{:02}", d.second()),
            "title" => title.clone(),
            "slug" => jekyll_slug(&title, false),
            "name" => title.clone(),
            "categories" => seen.join("/"),
            "output_ext" => ".html".into(),
            "collection" => at.collection.clone().unwrap_or_else(|| "posts".into()),
            "path" => in_collection.clone(),
            _ => return None,
        })
    };
    let path = expand(&pattern, &mut value).map_err(|token| {
        NotPost::Error((
            split.front_line,
            format!(
                "the permalink pattern {pattern:?} has a token Jekyll does not know: `:{token}`"
            ),
        ))
    })?;
    let mut path = format!("/{}", path.trim_start_matches('/'));
    while path.contains("//") {
        path = path.replace("//", "/");
    }
    let unpublished = front
        .get("published")
        .is_some_and(|v| !herald_config::generator::truthy(v));
    Ok(Facts {
        published,
        date_line,
        path,
        draft: unpublished && !rules.unpublished,
        future_ok: rules.future,
        expires: None,
        warnings,
    })
}

/// A Jekyll post's front matter over the `defaults` whose scope holds it: a scope's `path`
/// is a folder (or file) below the source folder, its `type` `posts`; where two scopes
/// match, the one with the longer path wins, then the one with a type, then the later one.
pub(crate) fn jekyll_defaults(
    rules: &JekyllRules,
    at: &Located,
    front: &serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let applies = |d: &herald_config::generator::JekyllDefault| {
        let path_ok = d.path.is_empty()
            || at.rel == d.path
            || at.rel.starts_with(&format!("{}/", d.path))
            || glob_prefix(&d.path, &at.rel);
        let kind_ok = d.kind.as_deref().is_none_or(|k| match &at.collection {
            Some(name) => k == name,
            None => matches!(k, "posts" | "post"),
        });
        path_ok && kind_ok
    };
    let mut merged = serde_json::Map::new();
    let mut old: Option<&herald_config::generator::JekyllDefault> = None;
    for set in rules.defaults.iter().filter(|d| applies(d)) {
        let wins = match old {
            None => true,
            Some(old) if set.path.len() != old.path.len() => set.path.len() > old.path.len(),
            Some(old) => set.kind.is_some() || old.kind.is_none(),
        };
        for (k, v) in &set.values {
            if wins || !merged.contains_key(k) {
                merged.insert(k.clone(), v.clone());
            }
        }
        if wins {
            old = Some(set);
        }
    }
    for (k, v) in front {
        merged.insert(k.clone(), v.clone());
    }
    merged
}

/// A scope path with `*` (Jekyll's glob scopes): `*` matches one folder name.
fn glob_prefix(pattern: &str, rel: &str) -> bool {
    if !pattern.contains('*') {
        return false;
    }
    let parts: Vec<&str> = pattern.split('/').collect();
    let names: Vec<&str> = rel.split('/').collect();
    names.len() >= parts.len()
        && parts.iter().zip(&names).all(|(p, n)| {
            *p == "*"
                || match p.split_once('*') {
                    Some((head, tail)) => n.starts_with(head) && n.ends_with(tail),
                    None => p == n,
                }
        })
}

/// Jekyll's `slugify` in `pretty` mode: characters other than letters, digits and
/// `._~!$&'()+,;=@` become `-`, runs of `-` are one, none at the ends; lower-cased unless
/// `cased`.
pub(super) fn jekyll_slug(text: &str, cased: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || "._~!$&'()+,;=@".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if cased {
        out
    } else {
        out.to_lowercase()
    }
}
