//! Helpers shared by the behaviour tests: running the real binary and finding the corpus.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses a different part of this module, which is `pub` for them"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real posts the tests carry: the Flink blog in Hugo and in Jekyll form, with the
/// permalinks each generator really gave them (see NOTICE).
pub fn corpus() -> PathBuf {
    root().join("tests/corpus")
}

/// Runs herald with `args` in `dir`.
pub fn herald(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .current_dir(dir)
        .env_remove("HERALD_LOG")
        .output()
        .expect("herald runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The entries herald prints with `entries --json`.
pub fn entries_json(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.extend(["entries", "--json"]);
    let out = herald(dir, &all);
    assert!(out.status.success(), "entries failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("entries --json prints JSON")
}

/// Writes `files` (name, content) into a new temporary posts folder with a minimal config.
pub fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "title = \"Test\"\nbase_url = \"https://blog.example.org\"\ntimezone = \"Europe/Berlin\"\n\n[digest]\nlist_unsubscribe = [\"mailto:leave@example.org\"]\n",
    )
    .unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join("posts").join(name), content).unwrap();
    }
    dir
}

/// The Python with the test peers installed (`scripts/test` makes it).
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("HERALD_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = root().join("target/py/bin/python");
    assert!(
        venv.exists(),
        "these tests talk to real Python peers: run ./scripts/test, which installs them"
    );
    venv
}

/// Runs a Python script from tests/py with `args`, asserting it succeeds; returns stdout.
pub fn run_python(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(python())
        .arg(root().join("tests/py").join(script))
        .args(args)
        .output()
        .expect("python runs");
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{script} failed:\n{text}{}",
        stderr(&out)
    );
    text
}

/// A copy of a site (its config file and posts folder) in a new temporary folder, so a test
/// may change it.
pub fn copy_site(config: &Path, posts: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(config, dir.path().join("config.toml")).unwrap();
    std::fs::create_dir(dir.path().join("posts")).unwrap();
    for entry in std::fs::read_dir(posts).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            dir.path().join("posts").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    dir
}

/// Every file below `dir`, by its path below it, with its bytes.
pub fn files_below(
    dir: &std::path::Path,
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    found
}

/// SpamAssassin's score of a message, with its report's details (`spamassassin -L -t`, the
/// rules Debian ships, no network tests).
pub fn spam_score(message: &[u8]) -> (f64, String) {
    let mut child = Command::new("spamassassin")
        .args(["-L", "-t"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spamassassin from Debian (./scripts/test installs it)");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), message).unwrap();
    let report = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let details = report
        .split_once("Content analysis details:")
        .expect("a SpamAssassin report")
        .1
        .to_string();
    let score: f64 = details
        .trim_start()
        .trim_start_matches('(')
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (score, details)
}
