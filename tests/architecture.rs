//! The house, checked where the compiler cannot check it. The crates hold the direction
//! (command line → application → posts / feeds / digest / delivery → entry model and
//! settings): a crate can only use what its `Cargo.toml` depends on, and cargo refuses a
//! circle. This test holds each `Cargo.toml` to the arrows that must never be, and every
//! library file, whole (its tests too), to the rules no compiler knows: no printing, no
//! exit, no clock, no environment, no command line. ARCHITECTURE.md says why.

mod common;

use std::path::{Path, PathBuf};

/// The parts: a library crate's folder name and the part it is.
const PARTS: &[(&str, &str)] = &[
    ("herald-config", "config"),
    ("herald-entry", "entry"),
    ("herald-post", "post"),
    ("herald-feed", "feed"),
    ("herald-digest", "digest"),
    ("herald-deliver", "deliver"),
];

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
    ("deliver", "entry", "delivery takes finished messages"),
    ("config", "feed", "settings know no outputs"),
    ("config", "digest", "settings know no outputs"),
    ("config", "deliver", "settings know no outputs"),
    ("config", "post", "settings know no parser"),
    ("config", "entry", "settings know no entries"),
    ("entry", "post", "the model knows no parser"),
    ("entry", "config", "the model knows no settings"),
    ("post", "feed", "parsing knows no outputs"),
    ("post", "digest", "parsing knows no outputs"),
    ("post", "deliver", "parsing knows no outputs"),
];

/// What no library file may say: printing and exiting are the binary's, the clock and the
/// environment are read once in `main` and passed in, the command line is the binary's.
const FORBIDDEN: &[(&str, &str)] = &[
    ("println!", "the library never prints"),
    ("eprintln!", "the library never prints"),
    ("print!", "the library never prints"),
    ("eprint!", "the library never prints"),
    ("dbg!", "the library never prints"),
    ("process::exit", "the library never exits"),
    ("stdout()", "the library never prints"),
    ("stderr()", "the library never prints"),
    ("SystemTime::now", "the library never reads the clock"),
    ("Utc::now", "the library never reads the clock"),
    ("Local::now", "the library never reads the clock"),
    ("env::var", "the library never reads the environment"),
    ("env::vars", "the library never reads the environment"),
    ("env::args", "the library never reads the command line"),
    ("clap::", "the library knows no command line"),
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, with its path and text.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    common::files_below(dir)
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .map(|(path, bytes)| (dir.join(path), String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The code of a file, whole, without comments and string literals (a message that names
/// `println!` is not a call).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
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

/// Whether `word` occurs in `code` not as the tail of a longer name (`print!` is not in
/// `eprint!` or `println!`).
fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// What a library file says that it must not, one line each, `path: word: why`.
fn forbidden_in(path: &Path, text: &str) -> Vec<String> {
    let code = code_of(text);
    FORBIDDEN
        .iter()
        .filter(|(word, _)| has_word(&code, word))
        .map(|(word, why)| format!("{}: {word}: {why}", path.display()))
        .collect()
}

/// The herald crates a `Cargo.toml` depends on (any dependency table).
fn herald_dependencies(manifest: &str) -> Vec<String> {
    let table: toml::Table = manifest.parse().unwrap();
    let mut found = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = table.get(key).and_then(toml::Value::as_table) {
            found.extend(
                deps.keys()
                    .filter(|name| name.starts_with("herald-"))
                    .cloned(),
            );
        }
    }
    found
}

/// Every arrow a crate's manifest draws that must never be.
fn arrows_in(crate_name: &str, manifest: &str) -> Vec<String> {
    let part = |name: &str| PARTS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p);
    let Some(from) = part(crate_name) else {
        return vec![format!("{crate_name} is not a part the house knows")];
    };
    herald_dependencies(manifest)
        .iter()
        .filter_map(|dep| {
            let to = part(dep)?;
            NEVER
                .iter()
                .find(|(f, t, _)| *f == from && *t == to)
                .map(|(_, _, why)| format!("{crate_name} depends on {dep}: {why}"))
        })
        .collect()
}

/// The library's files: every crate's, and the root package's but for the binary
/// (`main.rs`, `cli.rs`).
fn library_files() -> Vec<(PathBuf, String)> {
    let root = repo();
    let mut files = rust_files(&root.join("crates"));
    files.extend(
        rust_files(&root.join("src"))
            .into_iter()
            .filter(|(path, _)| !path.ends_with("src/main.rs") && !path.ends_with("src/cli.rs")),
    );
    files
}

#[test]
fn the_crates_run_one_way_and_the_library_never_prints_exits_or_reads_the_world() {
    let root = repo();
    let mut found = Vec::new();
    let mut crates = 0;
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        found.extend(arrows_in(&name, &manifest));
        crates += 1;
    }
    assert_eq!(
        crates,
        PARTS.len(),
        "every part is a crate, and every crate a part"
    );
    let files = library_files();
    assert!(
        files.len() > 60,
        "found the library's files: {}",
        files.len()
    );
    for (path, text) in &files {
        let relative = path.strip_prefix(&root).unwrap_or(path);
        found.extend(forbidden_in(relative, text));
    }
    assert!(
        found.is_empty(),
        "the house is broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_catches_each_kind_of_break() {
    // A print anywhere in a file, after its tests too, and not in a comment or a string.
    let file = Path::new("crates/herald-config/src/fsutil.rs");
    let clean = "pub fn f() {}\n// println!(\"x\") in a comment\nconst M: &str = \"eprintln!\";\n";
    assert_eq!(forbidden_in(file, clean), Vec::<String>::new());
    let after_tests = format!(
        "{clean}#[cfg(test)]\nmod tests {{}}\npub fn sync_dir() {{ println!(\"synced\"); }}\n"
    );
    assert_eq!(
        forbidden_in(file, &after_tests),
        ["crates/herald-config/src/fsutil.rs: println!: the library never prints"]
    );
    assert_eq!(
        forbidden_in(file, "fn f() { let t = chrono::Utc::now(); }"),
        ["crates/herald-config/src/fsutil.rs: Utc::now: the library never reads the clock"]
    );
    assert_eq!(
        forbidden_in(file, "fn f() { std::env::var(\"HOME\"); eprint!(\"x\"); }"),
        [
            "crates/herald-config/src/fsutil.rs: eprint!: the library never prints",
            "crates/herald-config/src/fsutil.rs: env::var: the library never reads the environment",
        ]
    );
    // Arrows: an output on the parser, settings on an output.
    let manifest = |deps: &str| format!("[package]\nname = \"x\"\n\n[dependencies]\n{deps}\n");
    assert_eq!(
        arrows_in(
            "herald-feed",
            &manifest("herald-entry.workspace = true\nherald-config.workspace = true")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        arrows_in("herald-feed", &manifest("herald-post.workspace = true")),
        ["herald-feed depends on herald-post: outputs take entries, not posts"]
    );
    assert_eq!(
        arrows_in(
            "herald-config",
            &manifest("herald-digest = { path = \"../herald-digest\" }")
        ),
        ["herald-config depends on herald-digest: settings know no outputs"]
    );
    assert_eq!(
        arrows_in("herald-extra", &manifest("")),
        ["herald-extra is not a part the house knows"]
    );
}
