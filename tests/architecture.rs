//! The house, checked from the source: imports run one way (command line → application →
//! posts / feeds / digest / delivery → entry model and settings), no module imports another
//! that imports it back, and the library never prints and never knows the command line.
//! ARCHITECTURE.md says why; this test fails when the code stops saying the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file as the checks see it: its module path (`feed::rss`) and its text.
struct Source {
    module: String,
    text: String,
}

/// Every `.rs` file below `src/`, with the module path it defines.
fn sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    let mut pending = vec![root.join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root.join("src")).unwrap();
                out.push(Source {
                    module: module_of(relative),
                    text: std::fs::read_to_string(&path).unwrap(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// `feed/rss.rs` → `feed::rss`, `feed/mod.rs` → `feed`, `lib.rs` → `crate`, `main.rs` and
/// `cli.rs` (modules of the binary) → `bin` and `bin::cli`.
fn module_of(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["lib"] => "crate".into(),
        ["main"] => "bin".into(),
        ["cli"] => "bin::cli".into(),
        [init @ .., "mod"] => init.join("::"),
        all => all.join("::"),
    }
}

/// The code of a file without comments, string literals and `#[cfg(test)]` modules.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        // Drop string literals so a message that mentions a path is not an import.
        let mut in_string = false;
        let mut previous = ' ';
        for c in line.chars() {
            if c == '"' && previous != '\\' {
                in_string = !in_string;
            } else if !in_string {
                out.push(c);
            }
            previous = c;
        }
        out.push('\n');
    }
    out
}

/// The library modules a file refers to, resolved to the deepest module that exists:
/// `crate::post::Post` → `post`, `super::html::plain` in `post::meta` → `post::html`,
/// `use super::{Herald, Report}` in `app::send` → `app`.
fn imports(source: &Source, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = code_of(&source.text);
    let mut found = BTreeSet::new();
    let parent = source
        .module
        .rsplit_once("::")
        .map_or("", |(p, _)| p)
        .to_string();
    let is_dir_module = modules
        .iter()
        .any(|m| m.starts_with(&format!("{}::", source.module)));
    // `super` in `feed/mod.rs` is the crate; in `feed/rss.rs` it is `feed`.
    let super_of = if is_dir_module {
        source
            .module
            .rsplit_once("::")
            .map_or(String::new(), |(p, _)| p.to_string())
    } else {
        parent.clone()
    };
    let mut resolve = |path: &str| {
        let mut best: Option<String> = None;
        let segments: Vec<&str> = path.split("::").collect();
        for n in 1..=segments.len() {
            let candidate = segments[..n].join("::");
            if modules.contains(&candidate) {
                best = Some(candidate);
            }
        }
        if let Some(best) = best.filter(|b| *b != source.module) {
            found.insert(best);
        }
    };
    for (prefix, base) in [
        ("crate::", String::new()),
        ("herald::", String::new()),
        ("super::", super_of.clone()),
    ] {
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == ':' {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let path = path.trim_end_matches(':');
            let full = if base.is_empty() {
                path.to_string()
            } else if path.is_empty() {
                base.clone()
            } else {
                format!("{base}::{path}")
            };
            // `use crate::{a, b::c}` and `use super::{x, y}`: each item of the group.
            let after = rest[path.len()..].trim_start_matches(':');
            if after.starts_with('{') {
                let group_end = after.find('}').unwrap_or(after.len());
                for item in after[1..group_end].split(',') {
                    let item = item.trim();
                    if !item.is_empty() && item != "self" {
                        let item_path = if full.is_empty() {
                            item.to_string()
                        } else {
                            format!("{full}::{item}")
                        };
                        resolve(&item_path);
                    }
                }
            }
            if !full.is_empty() {
                resolve(&full);
            }
        }
    }
    // A parent's own children by bare name: `meta::post_from` in `post` is `post::meta`.
    if source.module != "crate" && !source.module.starts_with("bin") {
        let prefix = format!("{}::", source.module);
        for child in modules.iter().filter(|m| m.starts_with(&prefix)) {
            let name = &child[prefix.len()..];
            if name.contains("::") {
                continue;
            }
            let used = code.match_indices(&format!("{name}::")).any(|(at, _)| {
                !code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if used {
                found.insert(child.clone());
            }
        }
    }
    found
}

/// The top-level part a module belongs to: `feed::rss` → `feed`.
fn part(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// Arrows that must never be, as (from, to, why).
const NEVER: &[(&str, &str, &str)] = &[
    ("feed", "post", "outputs take entries, not posts"),
    ("digest", "post", "outputs take entries, not posts"),
    ("deliver", "post", "delivery sends messages, not posts"),
    ("feed", "digest", "feeds and digest are siblings"),
    ("digest", "feed", "feeds and digest are siblings"),
    ("feed", "deliver", "feeds are never mailed"),
    ("digest", "deliver", "rendering knows no transport"),
    ("deliver", "digest", "delivery takes finished messages"),
    ("deliver", "feed", "delivery takes finished messages"),
    ("config", "feed", "settings know no outputs"),
    ("config", "digest", "settings know no outputs"),
    ("config", "deliver", "settings know no outputs"),
    ("config", "post", "settings know no parser"),
    ("config", "app", "settings know no application"),
    ("entry", "post", "the model knows no parser"),
    ("entry", "config", "the model knows no settings"),
    ("post", "feed", "parsing knows no outputs"),
    ("post", "digest", "parsing knows no outputs"),
    ("post", "deliver", "parsing knows no outputs"),
    ("post", "app", "parsing knows no application"),
];

/// Every broken rule, one line each.
fn violations(sources: &[Source]) -> Vec<String> {
    let modules: BTreeSet<String> = sources.iter().map(|s| s.module.clone()).collect();
    let mut found = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources {
        let library = !source.module.starts_with("bin");
        let code = code_of(&source.text);
        let deps = imports(source, &modules);
        for dep in &deps {
            let (from, to) = (part(&source.module), part(dep));
            if let Some((_, _, why)) = NEVER.iter().find(|(f, t, _)| *f == from && *t == to) {
                found.push(format!("{} imports {dep}: {why}", source.module));
            }
            if library && dep.starts_with("bin") {
                found.push(format!("{} imports the command line", source.module));
            }
        }
        if library && code.contains("clap::") {
            found.push(format!(
                "{} uses clap: the library knows no command line",
                source.module
            ));
        }
        if library {
            for word in [
                "println!",
                "eprintln!",
                "print!",
                "eprint!",
                "dbg!",
                "process::exit",
            ] {
                if has_word(&code, word) {
                    found.push(format!(
                        "{} uses {word}: the library never prints or exits",
                        source.module
                    ));
                }
            }
        }
        graph.insert(source.module.clone(), deps);
    }
    found.extend(cycles(&graph));
    found
}

/// Whether `word` occurs in `code` not as the tail of a longer name (`println!` is not in
/// `eprintln!`).
fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Every import circle between modules, each once, as `a → b → a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut BTreeSet<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut circle: Vec<String> = stack[at..].to_vec();
            // The same circle found from another start is reported once.
            let min = circle
                .iter()
                .enumerate()
                .min_by_key(|(_, n)| n.as_str())
                .map(|(i, _)| i)
                .unwrap();
            circle.rotate_left(min);
            circle.push(circle[0].clone());
            found.insert(format!("import circle: {}", circle.join(" → ")));
            return;
        }
        if done.contains(node) {
            return;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done, found);
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let mut found = BTreeSet::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found.into_iter().collect()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn imports_run_one_way_without_circles_and_the_library_never_prints() {
    let sources = sources(&repo());
    assert!(sources.len() > 20, "found the source files");
    let found = violations(&sources);
    assert!(
        found.is_empty(),
        "the house is broken:\n{}",
        found.join("\n")
    );
}

fn source(module: &str, text: &str) -> Source {
    Source {
        module: module.into(),
        text: text.into(),
    }
}

#[test]
fn the_checker_catches_each_kind_of_break() {
    let base = || {
        vec![
            source(
                "crate",
                "pub mod feed; pub mod post; pub mod config; pub mod entry;",
            ),
            source("entry", "pub struct Entry;"),
            source("post", "use crate::entry::Entry;"),
            source("post::meta", "use super::html::plain;"),
            source("post::html", "pub fn plain() {}"),
            source(
                "config",
                "// crate::feed in a comment is fine\nconst X: &str = \"crate::post\";",
            ),
            source("feed", "use crate::entry::Entry;"),
            source("bin", "use herald::feed;"),
            source("bin::cli", "fn f() { println!(\"ok\"); }"),
        ]
    };
    assert_eq!(violations(&base()), Vec::<String>::new());
    let broken = |module: &str, text: &str| {
        let mut all = base();
        all.retain(|s| s.module != module);
        all.push(source(module, text));
        violations(&all)
    };
    assert_eq!(
        broken("feed", "use crate::post::Post;"),
        ["feed imports post: outputs take entries, not posts"]
    );
    assert_eq!(
        broken("config", "use crate::{entry::Entry, feed::Format};"),
        ["config imports feed: settings know no outputs"]
    );
    assert_eq!(
        broken("post::html", "use super::meta::Post;"),
        ["import circle: post::html → post::meta → post::html"]
    );
    assert_eq!(
        broken("post", "pub use meta::Post;\nuse crate::entry::Entry;"),
        Vec::<String>::new(),
        "a parent may use its child"
    );
    assert_eq!(
        broken("post::meta", "use super::Filter;"),
        Vec::<String>::new(),
        "a child may use its parent that does not use it"
    );
    assert_eq!(
        broken("post", "pub use meta::Post;\npub struct Filter;"),
        Vec::<String>::new()
    );
    let mut circle = base();
    circle.retain(|s| s.module != "post" && s.module != "post::meta");
    circle.push(source("post", "pub use meta::Post;\npub struct Filter;"));
    circle.push(source("post::meta", "use super::Filter;"));
    assert_eq!(
        violations(&circle),
        ["import circle: post → post::meta → post"]
    );
    assert_eq!(
        broken("feed", "fn f() { eprintln!(\"x\"); }"),
        ["feed uses eprintln!: the library never prints or exits"]
    );
    assert_eq!(
        broken("entry", "use clap::Parser;"),
        ["entry uses clap: the library knows no command line"]
    );
}
