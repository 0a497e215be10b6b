//! Delivery against a real SMTP server (aiosmtpd) that requires STARTTLS and AUTH, with a CA
//! and certificate made for each test, and scripted failures.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{python, root, run_python, stderr, stdout};

const USER: &str = "herald";
const PASSWORD: &str = "s3cret-Pa55word";

/// A running aiosmtpd server; stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    fn start(behaviour: &str) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python())
            .arg(root().join("tests/py/smtp_server.py"))
            .args([dir.path().to_str().unwrap(), USER, PASSWORD, behaviour])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the SMTP server says READY");
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("unexpected line from the SMTP server: {line:?}")
            });
        Server { child, port, dir }
    }

    fn received(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("received"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    fn log(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The `Message-ID:` header line of each message received, in order.
    fn message_ids(&self) -> Vec<String> {
        self.received()
            .iter()
            .map(|p| header(p, "Message-ID"))
            .collect()
    }

    fn data_replies(&self) -> Vec<serde_json::Value> {
        self.log()
            .into_iter()
            .filter(|e| e["event"] == "data")
            .map(|e| e["reply"].clone())
            .collect()
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A site using the shipped posts and config, sending to `port` with `smtp_extra` settings.
fn site(port: u16, ca: &Path, smtp_extra: &str) -> tempfile::TempDir {
    site_config(
        &format!(
            "host = \"127.0.0.1\"\nport = {port}\nusername = \"{USER}\"\nca_file = {:?}\ntimeout_secs = 5\n{smtp_extra}",
            ca.to_str().unwrap()
        ),
        "",
    )
}

/// A site using the shipped posts and config with this `[smtp]` section and these extra
/// `[delivery]` settings.
fn site_config(smtp: &str, delivery_extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(root().join("config.toml")).unwrap();
    let posts = root().join("posts");
    let config = config.replace(
        "posts_dir = \"posts\"",
        &format!("posts_dir = {:?}", posts.to_str().unwrap()),
    );
    let config = format!(
        "{config}\n[smtp]\n{smtp}\n\n[delivery]\nattempts = 3\nretry_delay_ms = 50\n{delivery_extra}\n"
    );
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    dir
}

fn herald_with_password(dir: &Path, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .current_dir(dir)
        .env("HERALD_SMTP_PASSWORD", password)
        .env_remove("HERALD_LOG")
        .output()
        .unwrap()
}

/// Starts herald in the background with the right password, its output discarded.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .current_dir(dir)
        .env("HERALD_SMTP_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn send(dir: &Path, args: &[&str]) -> Output {
    herald_with_password(dir, PASSWORD, args)
}

fn journal(dir: &Path) -> Option<serde_json::Value> {
    std::fs::read(dir.join(".herald/state.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).unwrap())
}

/// How many deliveries the journal records.
fn recorded(dir: &Path) -> usize {
    journal(dir).map_or(0, |j| j["sent"].as_array().unwrap().len())
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

#[test]
fn sends_once_over_starttls_with_auth_and_the_message_parses() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "2020-W36: sent 2 posts to community@flink.apache.org via 127.0.0.1:{}\n",
            server.port
        )
    );

    let received = server.received();
    assert_eq!(received.len(), 1);
    let log = server.log();
    assert!(
        log.iter()
            .any(|e| e["event"] == "auth" && e["ok"] == true && e["tls"] == true),
        "{log:?}"
    );
    let data: Vec<_> = log.iter().filter(|e| e["event"] == "data").collect();
    assert_eq!(data.len(), 1);
    assert_eq!(
        (data[0]["tls"].as_bool(), data[0]["auth"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        data[0]["rcpt"],
        serde_json::json!(["community@flink.apache.org"])
    );

    let report = run_python("check_eml.py", &[received[0].as_os_str()]);
    let summary: serde_json::Value = serde_json::from_str(report.lines().last().unwrap()).unwrap();
    assert_eq!(summary["message_id"], "<2020-W36.digest@flink.apache.org>");
    assert_eq!(
        summary["parts"],
        serde_json::json!(["text/plain", "text/html"])
    );
    assert_eq!(summary["list_headers"].as_object().unwrap().len(), 4);
    assert!(summary["text"]
        .as_str()
        .unwrap()
        .contains("Flink Community Update - August'20"));

    let journal = journal(site.path()).expect("the journal records the send");
    assert_eq!(journal["sent"][0]["week"], "2020-W36");
    assert_eq!(
        journal["sent"][0]["message_id"],
        "<2020-W36.digest@flink.apache.org>"
    );
    assert_eq!(
        journal["sent"][0]["recipients"],
        serde_json::json!(["community@flink.apache.org"])
    );
}

#[test]
fn a_sent_week_is_not_sent_again_unless_forced() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    assert_eq!(code(&send(site.path(), &["send", "--week", "2020-W36"])), 0);
    let again = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&again), 0);
    assert!(
        stdout(&again).starts_with("2020-W36 was already sent on "),
        "{}",
        stdout(&again)
    );
    assert_eq!(server.received().len(), 1);
    let forced = send(site.path(), &["send", "--week", "2020-W36", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_eq!(server.received().len(), 2);
    // Both carry the same Message-ID, so a list server can drop the duplicate.
    let ids = server.message_ids();
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn a_wrong_password_fails_at_once_and_is_never_printed() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    let wrong = "not-the-Pa55word";
    let out = herald_with_password(site.path(), wrong, &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("the server refused the login"), "{err}");
    for secret in [wrong, PASSWORD] {
        assert!(
            !err.contains(secret) && !stdout(&out).contains(secret),
            "the password leaked"
        );
    }
    assert_eq!(recorded(site.path()), 0, "nothing recorded");
    assert_eq!(
        server.log().iter().filter(|e| e["event"] == "auth").count(),
        1,
        "no retry of a refused login"
    );
    assert!(server.received().is_empty());
}

#[test]
fn a_451_is_retried_until_accepted() {
    let server = Server::start("451x2");
    let site = site(server.port, &server.ca(), "");
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        server.data_replies(),
        [
            serde_json::json!(451),
            serde_json::json!(451),
            serde_json::json!(250)
        ]
    );
    assert_eq!(server.received().len(), 1);
    assert!(journal(site.path()).is_some());
}

/// The journal's state for a week.
fn state_of(dir: &Path, week: &str) -> Option<String> {
    let journal = journal(dir)?;
    journal["sent"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s["week"] == week)
        .map(|s| s["state"].as_str().unwrap_or("sent").to_string())
}

#[test]
fn a_connection_dropped_after_the_message_is_in_doubt_and_sent_again_next_run() {
    let server = Server::start("drop-data");
    let site = site(server.port, &server.ca(), "");
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it may have been delivered"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.data_replies(),
        [serde_json::json!("dropped")],
        "not retried in the run"
    );
    assert_eq!(
        state_of(site.path(), "2020-W36").as_deref(),
        Some("in_doubt")
    );

    let again = send(site.path(), &["send"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(server.received().len(), 2);
    let ids = server.message_ids();
    assert_eq!(ids[0], ids[1], "the copy carries the same Message-ID");
    assert_eq!(state_of(site.path(), "2020-W36").as_deref(), Some("sent"));
}

#[test]
fn a_slow_answer_to_the_message_is_one_copy_per_run_then_one_more() {
    let server = Server::start("slow-250:4");
    let site = site(server.port, &server.ca(), "data_timeout_secs = 1");
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no answer")
            && err.contains("in doubt")
            && err.contains("the next run sends it again with the same Message-ID"),
        "{err}"
    );
    assert_eq!(server.received().len(), 1, "one message in this run");
    assert_eq!(
        state_of(site.path(), "2020-W36").as_deref(),
        Some("in_doubt")
    );

    let again = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).starts_with("2020-W36 is in doubt since "),
        "{}",
        stdout(&again)
    );
    assert_eq!(server.received().len(), 2);
    let ids = server.message_ids();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(state_of(site.path(), "2020-W36").as_deref(), Some("sent"));
    let third = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&third), 0);
    assert_eq!(server.received().len(), 2, "sent is sent");
}

#[test]
fn in_doubt_is_left_to_the_operator_when_resending_is_off() {
    let server = Server::start("slow-250:4");
    let ca = server.ca();
    let site = site_config(
        &format!(
            "host = \"127.0.0.1\"\nport = {}\nusername = \"{USER}\"\nca_file = {:?}\ntimeout_secs = 5\ndata_timeout_secs = 1",
            server.port,
            ca.to_str().unwrap()
        ),
        "resend_in_doubt = false",
    );
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it is not sent again (resend_in_doubt = false)"),
        "{}",
        stderr(&out)
    );
    let again = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&again), 1, "someone must look: {}", stderr(&again));
    assert!(
        stderr(&again).contains("is in doubt") && stderr(&again).contains("--force"),
        "{}",
        stderr(&again)
    );
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_kill_between_the_250_and_quit_makes_no_duplicate() {
    let server = Server::start("slow-quit:30");
    let site = site(server.port, &server.ca(), "");
    let mut child = spawn(site.path(), &["send", "--week", "2020-W36"]);
    // The journal says `sent` while herald still waits for the answer to QUIT.
    let mut waited = 0;
    while state_of(site.path(), "2020-W36").as_deref() != Some("sent") {
        assert!(waited < 600, "the journal never said sent");
        std::thread::sleep(Duration::from_millis(50));
        waited += 1;
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "herald is still in QUIT"
    );
    child.kill().unwrap();
    let _ = child.wait();
    let again = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stdout(&again).starts_with("2020-W36 was already sent on "),
        "{}",
        stdout(&again)
    );
    assert_eq!(server.received().len(), 1);
}

#[test]
fn tls_failures_and_unknown_hosts_stop_at_once_with_exit_1() {
    let server = Server::start("ok");
    let ca = server.ca();
    let cases = [
        // No ca_file: the test CA is not trusted.
        (
            format!("host = \"127.0.0.1\"\nport = {}\nusername = \"{USER}\"\ntimeout_secs = 5", server.port),
            "TLS failed",
        ),
        // Implicit TLS against a server that speaks plain SMTP first.
        (
            format!(
                "host = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"{USER}\"\nca_file = {:?}\ntimeout_secs = 5",
                server.port,
                ca.to_str().unwrap()
            ),
            "TLS failed",
        ),
        (
            format!("host = \"no-such-host.invalid\"\nport = {}\ntimeout_secs = 5", server.port),
            "cannot resolve [smtp] host \"no-such-host.invalid\"",
        ),
    ];
    for (smtp, want) in cases {
        let site = site_config(&smtp, "");
        let out = send(site.path(), &["send", "--week", "2020-W36"]);
        let err = stderr(&out);
        assert_eq!(code(&out), 1, "{smtp}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{smtp}: {err}");
        assert!(!err.contains("after 2 attempts"), "not retried: {err}");
        assert!(journal(site.path()).is_none_or(|j| j["sent"].as_array().unwrap().is_empty()));
    }
    assert!(server.received().is_empty());
}

#[test]
fn a_550_stops_at_once_without_retry() {
    let server = Server::start("550");
    let site = site(server.port, &server.ca(), "");
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("550") && err.contains("the server rejected the message"),
        "{err}"
    );
    assert_eq!(server.data_replies(), [serde_json::json!(550)]);
    assert_eq!(recorded(site.path()), 0, "nothing recorded");
}

#[test]
fn no_server_is_a_temporary_failure_and_the_next_run_delivers() {
    let gone = Server::start("ok");
    let (port, ca_dir) = (gone.port, tempfile::tempdir().unwrap());
    std::fs::copy(gone.ca(), ca_dir.path().join("ca.pem")).unwrap();
    drop(gone);
    let site_dir = site(port, &ca_dir.path().join("ca.pem"), "");
    let out = send(site_dir.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("after 3 attempts") && err.contains("the next run will try again"),
        "{err}"
    );
    assert_eq!(recorded(site_dir.path()), 0, "nothing recorded");

    let server = Server::start("ok");
    let site_dir = site(server.port, &server.ca(), "");
    let out = send(site_dir.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_run_that_finds_the_lock_held_stops_with_75_and_sends_nothing() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    std::fs::create_dir_all(site.path().join(".herald")).unwrap();
    // This test holds the lock as another run would, so no timing decides who gets it.
    let lock_path = site.path().join(".herald/state.json.lock");
    std::fs::write(&lock_path, "pid 4242 since 2020-09-07T09:00:00+00:00\n").unwrap();
    let holder = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    holder.try_lock().unwrap();
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: error: another herald run holds the lock (pid 4242 since 2020-09-07T09:00:00+00:00); this run stops, cron will try again\n",
            Path::new(".herald/state.json.lock").display()
        )
    );
    assert!(server.log().is_empty(), "nothing reached the server");
    assert_eq!(recorded(site.path()), 0, "nothing recorded");
    // `run` takes the lock before it builds: a run that finds it held writes no feed.
    let out = send(site.path(), &["run"]);
    assert_eq!(code(&out), 75, "{}", stderr(&out));
    assert!(!site.path().join("public").exists(), "{}", stdout(&out));

    drop(holder);
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn run_catches_up_on_missed_weeks_oldest_first() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    std::fs::create_dir_all(site.path().join(".herald")).unwrap();
    std::fs::write(
        site.path().join(".herald/state.json"),
        r#"{"sent": [{"week": "2020-W34", "message_id": "<2020-W34.digest@flink.apache.org>", "recipients": ["community@flink.apache.org"], "sent_at": "2020-08-24T09:00:00Z"}]}"#,
    )
    .unwrap();
    let now = ["--now", "2020-09-15T09:00:00Z", "run"];
    let out = send(site.path(), &now);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines[0],
        // 9 posts found, 2 of them dated after `--now`.
        "wrote 3 feeds to public (7 of 9 posts rendered, 0 with errors)"
    );
    assert!(lines[1].starts_with("2020-W35: sent 1 post"), "{printed}");
    assert!(lines[2].starts_with("2020-W36: sent 2 posts"), "{printed}");
    assert_eq!(lines[3], "no posts in 2020-W37: nothing to send");
    let ids = server.message_ids();
    assert_eq!(
        ids,
        [
            "Message-ID: <2020-W35.digest@flink.apache.org>",
            "Message-ID: <2020-W36.digest@flink.apache.org>"
        ]
    );
    assert!(
        site.path().join("public/atom.xml").exists(),
        "run builds the feeds too"
    );

    let again = send(site.path(), &now);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(
        stdout(&again).lines().skip(1).collect::<Vec<_>>(),
        ["no posts in 2020-W37: nothing to send"]
    );
    assert_eq!(server.received().len(), 2);

    // A week later nothing new was published: the run says so and sends nothing.
    let later = send(
        site.path(),
        &[
            "--now",
            "2020-09-15T10:00:00Z",
            "send",
            "--week",
            "2020-W36",
        ],
    );
    assert!(
        stdout(&later).starts_with("2020-W36 was already sent on 2020-09-15T09:00:00+00:00"),
        "{}",
        stdout(&later)
    );
    let journal = journal(site.path()).unwrap();
    let weeks: Vec<&str> = journal["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["week"].as_str().unwrap())
        .collect();
    assert_eq!(weeks, ["2020-W34", "2020-W35", "2020-W36"]);
}

#[test]
fn dry_run_connects_nowhere_and_records_nothing() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    let out = send(site.path(), &["send", "--week", "2020-W36", "--dry-run"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out)
            .starts_with("dry run: would send 2020-W36 (2 posts) to community@flink.apache.org"),
        "{}",
        stdout(&out)
    );
    assert!(server.log().is_empty());
    assert_eq!(recorded(site.path()), 0, "nothing recorded");
}

#[test]
fn plaintext_smtp_is_refused_at_config_load() {
    let cases = [
        (
            "host = \"mail.example.org\"\nsecurity = \"none\"",
            "allowed only for a loopback host",
        ),
        (
            "host = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"u\"",
            "credentials are never sent without TLS",
        ),
    ];
    for (smtp, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("posts")).unwrap();
        std::fs::write(dir.path().join("config.toml"), format!("[smtp]\n{smtp}\n")).unwrap();
        let out = send(dir.path(), &["send", "--dry-run"]);
        assert_eq!(code(&out), 1);
        assert!(stderr(&out).contains(want), "{}", stderr(&out));
    }
}

#[test]
fn two_hundred_kills_mid_catch_up_against_a_slow_relay_lose_nothing_and_leave_nothing() {
    // The relay answers each message and each QUIT after a random wait of up to 300 ms.
    let server = Server::start("random-slow:300");
    let site = site_config(
        &format!(
            "host = \"127.0.0.1\"\nport = {}\nusername = \"{USER}\"\nca_file = {:?}\ntimeout_secs = 5",
            server.port,
            server.ca().to_str().unwrap()
        ),
        "catch_up_weeks = 10",
    );
    std::fs::create_dir_all(site.path().join(".herald")).unwrap();
    std::fs::write(
        site.path().join(".herald/state.json"),
        r#"{"sent": [{"week": "2020-W31", "message_id": "<2020-W31.digest@flink.apache.org>", "recipients": ["community@flink.apache.org"], "sent_at": "2020-08-03T09:00:00Z"}]}"#,
    )
    .unwrap();
    let journal_path = site.path().join(".herald/state.json");
    let now = ["--now", "2020-10-05T09:00:00Z", "send"];
    // A small generator of kill delays (no randomness crate needed): 0 to 500 ms.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for kill in 0..200 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 500);
        let mut child = spawn(site.path(), &now);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        herald::deliver::Journal::load(&journal_path)
            .unwrap_or_else(|e| panic!("after kill {kill} ({delay:?}) the journal is broken: {e}"));
    }
    let clean = send(site.path(), &now);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    // Every week with posts from W32 to W40 was delivered at least once, and each copy of a
    // week carries that week's one Message-ID.
    let weeks = [
        "2020-W32", "2020-W34", "2020-W35", "2020-W36", "2020-W38", "2020-W40",
    ];
    let ids = server.message_ids();
    for week in weeks {
        let id = format!("Message-ID: <{week}.digest@flink.apache.org>");
        assert!(ids.contains(&id), "{week} never arrived: {ids:?}");
        assert_eq!(
            state_of(site.path(), week).as_deref(),
            Some("sent"),
            "{week}"
        );
    }
    for id in &ids {
        assert!(
            weeks
                .iter()
                .any(|w| id == &format!("Message-ID: <{w}.digest@flink.apache.org>")),
            "an unexpected message: {id}"
        );
    }
    for received in server.received() {
        let text = std::fs::read_to_string(&received).unwrap();
        let id = text.lines().find(|l| l.starts_with("Message-ID:")).unwrap();
        let subject = text
            .lines()
            .find(|l| l.starts_with("Subject:"))
            .unwrap()
            .to_string();
        // The same week's copies are the same message: same subject for the same id.
        let same_id_other_subject = server.received().iter().any(|other| {
            let other = std::fs::read_to_string(other).unwrap();
            other.lines().any(|l| l == id) && !other.lines().any(|l| l == subject)
        });
        assert!(!same_id_other_subject, "{id} names two different messages");
    }
    let again = send(site.path(), &now);
    assert_eq!(code(&again), 0);
    assert_eq!(
        server.message_ids().len(),
        ids.len(),
        "a clean run sends nothing more"
    );
    // No temporary file is left anywhere in the site.
    let mut pending = vec![site.path().to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().into_string().unwrap();
            assert!(!name.ends_with(".tmp"), "{} left", entry.path().display());
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            }
        }
    }
}

#[test]
fn a_test_send_goes_to_one_address_and_leaves_the_journal_alone() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    let out = send(
        site.path(),
        &[
            "send",
            "--week",
            "2020-W36",
            "--test-to",
            "Tester <tester@example.org>",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("sent a test (2 posts) to Tester <tester@example.org>"),
        "{}",
        stdout(&out)
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    let text = std::fs::read_to_string(&received[0]).unwrap();
    assert!(
        text.contains("Subject: [TEST] Apache Flink Blog weekly digest"),
        "{text}"
    );
    assert!(text.contains("Message-ID: <2020-W36.test."), "{text}");
    // A second test of the same week is its own message, with its own Message-ID.
    let again = send(
        site.path(),
        &[
            "send",
            "--week",
            "2020-W36",
            "--test-to",
            "tester@example.org",
        ],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let ids = server.message_ids();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "two tests, two Message-IDs");
    assert!(
        ids.iter()
            .all(|id| id.ends_with(".digest@flink.apache.org>")),
        "{ids:?}"
    );
    let data: Vec<_> = server
        .log()
        .into_iter()
        .filter(|e| e["event"] == "data")
        .collect();
    assert_eq!(data[0]["rcpt"], serde_json::json!(["tester@example.org"]));
    assert!(journal(site.path()).is_none(), "the journal is untouched");
    // The real send is still due.
    let real = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&real), 0);
    assert_eq!(server.received().len(), 3);
}

/// The shipped site without `[smtp]`: digests go to the outbox, which records a week as
/// sent as a relay's 250 does.
fn outbox_site() -> tempfile::TempDir {
    let site = site_config("host = \"127.0.0.1\"", "");
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.split("\n[smtp]").next().unwrap()).unwrap();
    site
}

/// A key made for the test by `dkim_check.py --keygen`, in `dir`.
fn dkim_key(kind: &str, dir: &Path) {
    run_python(
        "dkim_check.py",
        &["--keygen".as_ref(), kind.as_ref(), dir.as_os_str()],
    );
}

fn dkim_verdict(message: &Path, key_dir: &Path, kind: &str) -> serde_json::Value {
    let out = run_python(
        "dkim_check.py",
        &[
            message.as_os_str(),
            key_dir.join("public.der").as_os_str(),
            kind.as_ref(),
        ],
    );
    serde_json::from_str(out.lines().last().unwrap()).unwrap()
}

#[test]
fn the_delivered_digest_carries_a_dkim_signature_that_dkimpy_verifies() {
    for kind in ["rsa", "ed25519"] {
        let server = Server::start("ok");
        let site = site(server.port, &server.ca(), "");
        dkim_key(kind, site.path());
        let config = site.path().join("config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(
            "\n[dkim]\ndomain = \"flink.apache.org\"\nselector = \"herald2020\"\nprivate_key_file = \"private.pem\"\n",
        );
        // An https address too, so both List-Unsubscribe headers are there to be signed.
        text = text.replace(
            "list_unsubscribe = [",
            "list_unsubscribe = [\"https://flink.apache.org/unsubscribe\", ",
        );
        std::fs::write(&config, text).unwrap();

        let out = send(site.path(), &["send", "--week", "2020-W36"]);
        assert_eq!(code(&out), 0, "{kind}: {}", stderr(&out));
        let received = server.received();
        assert_eq!(received.len(), 1);
        let verdict = dkim_verdict(&received[0], site.path(), kind);
        assert_eq!(verdict["verified"], true, "{kind}: {verdict}");
        assert_eq!(
            verdict["asked"],
            serde_json::json!(["herald2020._domainkey.flink.apache.org."])
        );
        assert_eq!(verdict["d"], "flink.apache.org");
        assert_eq!(verdict["c"], "relaxed/relaxed");
        assert_eq!(
            verdict["a"],
            if kind == "rsa" {
                "rsa-sha256"
            } else {
                "ed25519-sha256"
            }
        );
        let signed: Vec<&str> = verdict["h"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        for header in [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "mime-version",
            "content-type",
            "list-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
        ] {
            assert!(
                signed.contains(&header),
                "{kind}: {header} not in h={signed:?}"
            );
        }
        let message = std::fs::read_to_string(&received[0]).unwrap();
        assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));

        // The same check fails when a signed header is changed on the way.
        let tampered = site.path().join("tampered.eml");
        std::fs::write(
            &tampered,
            message.replacen("Subject: ", "Subject: [changed] ", 1),
        )
        .unwrap();
        assert_eq!(
            dkim_verdict(&tampered, site.path(), kind)["verified"],
            false
        );
    }
}

#[test]
fn the_outbox_and_digest_files_are_signed_too_and_a_misaligned_domain_stops_at_load() {
    let site = outbox_site();
    let config = site.path().join("config.toml");
    let head = std::fs::read_to_string(&config).unwrap();
    dkim_key("rsa", site.path());
    let signed = |domain: &str| {
        format!("{head}\n[dkim]\ndomain = \"{domain}\"\nselector = \"s1\"\nprivate_key_file = \"private.pem\"\n")
    };
    std::fs::write(&config, signed("apache.org")).unwrap();
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let outbox: Vec<PathBuf> = std::fs::read_dir(site.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(outbox.len(), 1);
    let verdict = dkim_verdict(&outbox[0], site.path(), "rsa");
    assert_eq!(
        (verdict["verified"].as_bool(), verdict["d"].as_str()),
        (Some(true), Some("apache.org"))
    );

    let out = send(site.path(), &["digest", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let eml = std::fs::read_dir(site.path().join(".herald/digest"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "eml"))
        .expect("digest writes an .eml");
    assert_eq!(dkim_verdict(&eml, site.path(), "rsa")["verified"], true);

    // example.org cannot sign for flink.apache.org: an error at load, on the line.
    std::fs::write(&config, signed("example.org")).unwrap();
    for args in [&["check"][..], &["send", "--week", "2020-W36", "--dry-run"]] {
        let out = send(site.path(), args);
        assert_eq!(code(&out), 1, "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("config.toml:")
                && err.contains("error: [dkim] domain \"example.org\" is not aligned with the From address's domain \"flink.apache.org\""),
            "{err}"
        );
        assert!(!err.contains("PRIVATE KEY"), "{err}");
    }
}

fn mtimes(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(mtimes(&path));
        } else {
            let meta = std::fs::metadata(&path).unwrap();
            found.push((path, meta.modified().unwrap(), meta.ino()));
        }
    }
    found.sort();
    found
}

#[test]
fn sent_digests_are_published_as_pages_an_index_and_an_atom_feed() {
    let site = outbox_site();
    let config = site.path().join("config.toml");
    for week in ["2020-W35", "2020-W36"] {
        let out = send(site.path(), &["send", "--week", week]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let archive = site.path().join("public/digests");
    let atom = std::fs::read(archive.join("atom.xml")).expect("the archive's Atom feed");
    assert_eq!(
        herald::feed::lint::atom(&atom[..]),
        vec![],
        "the feed lint passes"
    );

    let report: serde_json::Value = serde_json::from_str(
        run_python("check_archive.py", &[archive.as_os_str()])
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    let feed = &report["feed"];
    assert_eq!(feed["bozo"], 0, "{feed}");
    assert_eq!(
        feed["self"],
        serde_json::json!(["https://flink.apache.org/digests/atom.xml"])
    );
    let entries = feed["entries"].as_array().unwrap();
    let links: Vec<&str> = entries
        .iter()
        .map(|e| e["link"].as_str().unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "https://flink.apache.org/digests/2020-W36/",
            "https://flink.apache.org/digests/2020-W35/"
        ]
    );
    assert!(entries[0]["title"]
        .as_str()
        .unwrap()
        .starts_with("Apache Flink Blog weekly digest: 31 August"));
    assert!(entries[0]["content"]
        .as_str()
        .unwrap()
        .contains("https://flink.apache.org/2020/09/04/flink-community-update-august20/"));

    let pages = report["pages"].as_object().unwrap();
    let mut names: Vec<&String> = pages.keys().collect();
    names.sort();
    assert_eq!(
        names,
        ["2020-W35/index.html", "2020-W36/index.html", "index.html"]
    );
    for link in &links {
        assert!(pages["index.html"]["links"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(link)));
    }
    let page = &pages["2020-W36/index.html"];
    let text = page["text"].as_str().unwrap();
    assert!(
        text.contains("Flink Community Update - August'20"),
        "{text}"
    );
    assert!(!text.contains("View in your browser"), "{text}");
    // A web page names no address of the list and offers no way to leave it.
    for name in pages.keys() {
        let html = std::fs::read_to_string(archive.join(name)).unwrap();
        assert!(!html.contains("mailto:"), "{name}");
        assert!(!html.contains("community-unsubscribe@"), "{name}");
        assert!(!html.contains("To leave the list"), "{name}");
    }

    // The email links its page, in both parts.
    let eml = std::fs::read_dir(site.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("2020-W36"))
        .expect("the week's message");
    let summary: serde_json::Value = serde_json::from_str(
        run_python("check_eml.py", &[eml.as_os_str()])
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert!(summary["text"]
        .as_str()
        .unwrap()
        .contains("View it in your browser: https://flink.apache.org/digests/2020-W36/"));
    assert!(summary["html"]
        .as_str()
        .unwrap()
        .contains("<a href=\"https://flink.apache.org/digests/2020-W36/\""));

    // A run that sends nothing new rewrites no page.
    let before = mtimes(&archive);
    std::thread::sleep(Duration::from_millis(20));
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mtimes(&archive), before);

    // archive = false: no pages, no link.
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("[digest]\n", "[digest]\narchive = false\n"),
    )
    .unwrap();
    let out = send(site.path(), &["digest", "--week", "2020-W36"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html =
        std::fs::read_to_string(site.path().join(".herald/digest/digest-2020-W36.html")).unwrap();
    assert!(!html.contains("View in your browser"));
}

/// A journal whose last week sent is 2020-W34, so that W35 and W36 are due.
fn w34_sent(dir: &Path) {
    std::fs::create_dir_all(dir.join(".herald")).unwrap();
    std::fs::write(
        dir.join(".herald/state.json"),
        r#"{"sent": [{"week": "2020-W34", "message_id": "<2020-W34.digest@flink.apache.org>", "recipients": [], "sent_at": "2020-08-24T09:00:00Z"}]}"#,
    )
    .unwrap();
}

/// How long a command took, and its output.
fn timed(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let started = std::time::Instant::now();
    let out = send(dir, args);
    (out, started.elapsed())
}

#[test]
fn a_relay_that_trickles_its_greeting_cannot_hold_the_run_or_the_lock() {
    let server = Server::start("trickle-greeting:1");
    let site = site(server.port, &server.ca(), "session_deadline_secs = 4");
    let (out, took) = timed(site.path(), &["send", "--week", "2020-W36"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 75, "{err}");
    assert!(
        err.contains("passed its deadline") && err.contains("before the message was sent"),
        "{err}"
    );
    // Three attempts of at most four seconds, and the waits between them.
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(recorded(site.path()), 0, "nothing is recorded as sending");
    // The lock went with the run: the next one is not told another run holds it.
    let (again, _) = timed(site.path(), &["send", "--week", "2020-W36"]);
    assert!(
        !stderr(&again).contains("holds the lock"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_relay_that_trickles_after_the_final_dot_leaves_the_week_in_doubt_by_the_deadline() {
    let server = Server::start("trickle-dot:1");
    let site = site(server.port, &server.ca(), "session_deadline_secs = 5");
    let (out, took) = timed(site.path(), &["send", "--week", "2020-W36"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 75, "{err}");
    assert!(
        err.contains("passed its deadline") && err.contains("may have been delivered"),
        "{err}"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert_eq!(
        state_of(site.path(), "2020-W36").as_deref(),
        Some("in_doubt")
    );
}

#[test]
fn a_run_stops_starting_sessions_at_its_deadline() {
    let server = Server::start("slow-250-on:2020-W35:3");
    let site = site(server.port, &server.ca(), "data_timeout_secs = 1");
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}run_deadline_secs = 1\n")).unwrap();
    w34_sent(site.path());
    let out = send(site.path(), &["--now", "2020-09-15T09:00:00Z", "send"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 75, "{err}");
    assert!(
        err.contains("the run reached its deadline (1 s) before 2020-W36"),
        "{err}"
    );
    assert_eq!(server.received().len(), 1, "W35 only");
}

#[test]
fn a_week_in_doubt_is_resent_once_then_waits_and_later_weeks_go_on() {
    // Every W35 digest gets its answer too late; W36's comes at once.
    let server = Server::start("slow-250-on:2020-W35:3");
    let site = site(server.port, &server.ca(), "data_timeout_secs = 1");
    w34_sent(site.path());
    let hourly = |hour: u32| {
        let now = format!("2020-09-15T{hour:02}:00:00Z");
        send(site.path(), &["--now", &now, "send"])
    };
    let first = hourly(9);
    assert_eq!(code(&first), 75, "{}", stderr(&first));
    assert!(
        stdout(&first).contains("2020-W36: sent"),
        "W36 does not wait: {}",
        stdout(&first)
    );
    assert_eq!(
        state_of(site.path(), "2020-W35").as_deref(),
        Some("in_doubt")
    );
    assert_eq!(state_of(site.path(), "2020-W36").as_deref(), Some("sent"));

    let second = hourly(10);
    assert_eq!(code(&second), 75, "{}", stderr(&second));
    assert!(
        stdout(&second).contains("2020-W35 is in doubt since"),
        "{}",
        stdout(&second)
    );

    let third = hourly(11);
    let err = stderr(&third);
    assert_eq!(code(&third), 1, "the operator must look: {err}");
    assert!(
        err.contains("still in doubt after it was sent again") && err.contains("--force"),
        "{err}"
    );
    let fourth = hourly(12);
    assert_eq!(code(&fourth), 1);
    let w35 = server
        .message_ids()
        .iter()
        .filter(|id| id.contains("2020-W35"))
        .count();
    assert_eq!(w35, 2, "one resend, then none: {:?}", server.message_ids());
}

#[test]
fn a_kill_while_the_relay_refuses_connections_leaves_nothing_in_doubt() {
    // A port with nothing listening: every attempt is refused, and the retries wait.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let site = site_config(
        &format!("host = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\ntimeout_secs = 2"),
        "resend_in_doubt = false",
    );
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("retry_delay_ms = 50", "retry_delay_ms = 3000");
    std::fs::write(&config, text).unwrap();
    let mut child = spawn(site.path(), &["send", "--week", "2020-W36"]);
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        state_of(site.path(), "2020-W36"),
        None,
        "{:?}",
        journal(site.path())
    );
}

#[test]
fn deliveries_are_reported_when_the_archive_cannot_be_written() {
    let server = Server::start("ok");
    let site = site(server.port, &server.ca(), "");
    // The archive (on by default, in public/digests): its folder is a file: nothing can be written into it.
    std::fs::write(site.path().join("public"), "not a folder").unwrap();
    let out = send(site.path(), &["send", "--week", "2020-W36"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2020-W36: sent 2 posts"),
        "{}",
        stdout(&out)
    );
    assert!(!stderr(&out).is_empty());
    assert_eq!(state_of(site.path(), "2020-W36").as_deref(), Some("sent"));
}

/// The shipped site with its own copy of the posts, the release posts tagged `release`, a
/// DKIM key, and a second digest: the releases of each month to another list.
fn two_digest_site(server: &Server) -> tempfile::TempDir {
    let site = site(server.port, &server.ca(), "");
    let posts = site.path().join("posts");
    std::fs::create_dir(&posts).unwrap();
    for entry in std::fs::read_dir(root().join("posts")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.contains("-release-") {
            text = text.replacen("---\n", "---\ntags: [Release]\n", 1);
        }
        std::fs::write(posts.join(name), text).unwrap();
    }
    dkim_key("rsa", site.path());
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(
            &format!("posts_dir = {:?}", root().join("posts").to_str().unwrap()),
            "posts_dir = \"posts\"",
        )
        .replace(
            "list_unsubscribe = [",
            "list_unsubscribe = [\"https://flink.apache.org/unsubscribe\", ",
        );
    std::fs::write(
        &config,
        format!(
            r#"{text}
[dkim]
domain = "flink.apache.org"
selector = "herald2020"
private_key_file = "private.pem"

[[digests]]
name = "releases"
to = "Flink announcements <announce@flink.apache.org>"
schedule = "monthly"
tags = ["release"]
list_id = "<announce.flink.apache.org>"
list_unsubscribe = ["https://flink.apache.org/announce/unsubscribe", "mailto:announce-unsubscribe@flink.apache.org"]
"#
        ),
    )
    .unwrap();
    site
}

/// A message's header line `name: …`.
fn header(message: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(message).unwrap();
    let (head, _) = text
        .split_once("\r\n\r\n")
        .or(text.split_once("\n\n"))
        .unwrap();
    // Unfold continuation lines first.
    let head = head.replace("\r\n ", " ").replace("\n ", " ");
    head.lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .unwrap_or_else(|| panic!("no {name} header in {}", message.display()))
        .trim_end()
        .to_string()
}

#[test]
fn two_digests_each_go_once_on_their_own_schedule_to_their_own_list() {
    let server = Server::start("ok");
    let site = two_digest_site(&server);
    let dir = site.path();

    // Monday 7 September: the week 2020-W36 and the month of August are complete.
    let first = send(dir, &["--now", "2020-09-07T09:00:00Z", "run"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let printed = stdout(&first);
    assert!(
        printed.contains("2020-W36: sent 2 posts to community@flink.apache.org"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "releases:2020-08: sent 1 post to Flink announcements <announce@flink.apache.org>"
        ),
        "{printed}"
    );
    let received = server.received();
    assert_eq!(received.len(), 2, "{printed}");
    let by_id = |id: &str| {
        received
            .iter()
            .find(|m| header(m, "Message-ID") == format!("Message-ID: {id}"))
            .unwrap_or_else(|| panic!("no message {id}: {:?}", server.message_ids()))
            .clone()
    };
    let weekly = by_id("<2020-W36.digest@flink.apache.org>");
    let monthly = by_id("<releases.2020-08.digest@flink.apache.org>");
    assert_eq!(header(&weekly, "To"), "To: community@flink.apache.org");
    assert_eq!(
        header(&monthly, "To"),
        "To: \"Flink announcements\" <announce@flink.apache.org>"
    );
    assert_eq!(
        header(&monthly, "List-Id"),
        "List-Id: <announce.flink.apache.org>"
    );
    assert_eq!(
        header(&monthly, "Subject"),
        "Subject: Apache Flink Blog monthly digest: August 2020"
    );
    let monthly_text = std::fs::read_to_string(&monthly).unwrap();
    assert!(monthly_text.contains("Apache Flink 1.10.2 Released"));
    // Only the release: August's other four posts are not in it.
    for other in [
        "Stateful Functions",
        "Docker",
        "Pandas",
        "External Resource",
    ] {
        assert!(
            !monthly_text.contains(other),
            "{other} is in the releases digest"
        );
    }
    assert!(monthly_text.contains("announce/unsubscribe"));
    assert!(!monthly_text.contains("community-unsubscribe"));

    // Each verifies with DKIM and scores at most 0.
    for message in [&weekly, &monthly] {
        let verdict = dkim_verdict(message, dir, "rsa");
        assert_eq!(
            verdict["verified"],
            true,
            "{}: {verdict}",
            message.display()
        );
        let (score, details) = common::spam_score(&std::fs::read(message).unwrap());
        assert!(
            score <= 0.0,
            "{}: score {score}:{details}",
            message.display()
        );
    }

    // Each has its own journal record and its own archive.
    let records: Vec<(String, String)> = journal(dir).unwrap()["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["week"].as_str().unwrap().into(),
                r["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut keys: Vec<&str> = records.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["2020-W36", "releases:2020-08"]);
    assert!(records.iter().all(|(_, state)| state == "sent"));
    let public = dir.join("public/digests");
    assert!(public.join("2020-W36/index.html").is_file());
    assert!(public.join("releases/2020-08/index.html").is_file());
    assert!(!public.join("2020-08").exists());
    for feed in [public.join("atom.xml"), public.join("releases/atom.xml")] {
        let bytes = std::fs::read(&feed).unwrap();
        assert_eq!(
            herald::feed::lint::atom(&bytes[..]),
            vec![],
            "{}",
            feed.display()
        );
    }
    let releases_feed = std::fs::read_to_string(public.join("releases/atom.xml")).unwrap();
    assert!(releases_feed.contains("every monthly releases digest"));
    assert!(!releases_feed.contains("2020-W36"));

    // A second run sends nothing.
    let again = send(dir, &["--now", "2020-09-07T10:00:00Z", "run"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(server.received().len(), 2, "{}", stdout(&again));
    let printed = stdout(&again);
    assert!(printed.contains("nothing due for the digest"), "{printed}");
    assert!(
        printed.contains("nothing due for the releases digest"),
        "{printed}"
    );

    // A week later the weekly digest is due again (an empty week), the monthly one is not.
    let later = send(dir, &["--now", "2020-09-14T09:00:00Z", "run"]);
    assert_eq!(code(&later), 0, "{}", stderr(&later));
    assert!(stdout(&later).contains("no posts in 2020-W37: nothing to send"));
    assert_eq!(server.received().len(), 2);

    // On 1 October September's releases go, with the weeks since.
    let october = send(dir, &["--now", "2020-10-01T09:00:00Z", "run"]);
    assert_eq!(code(&october), 0, "{}", stderr(&october));
    let printed = stdout(&october);
    assert!(printed.contains("2020-W38: sent 1 post"), "{printed}");
    assert!(
        printed.contains("releases:2020-09: sent 2 posts"),
        "{printed}"
    );
    let ids = server.message_ids();
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(
        ids.iter()
            .filter(|i| i.contains("releases.2020-09"))
            .count(),
        1
    );
    let again = send(dir, &["--now", "2020-10-01T10:00:00Z", "run"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(server.message_ids().len(), 4);
}

#[test]
fn one_digest_is_sent_or_tested_by_name_and_a_period_must_fit_its_schedule() {
    let server = Server::start("ok");
    let site = two_digest_site(&server);
    let dir = site.path();
    let now = "2020-10-01T09:00:00Z";
    // A week is not a month: the releases digest refuses it by name, and is skipped
    // when every digest is meant.
    let wrong = send(
        dir,
        &[
            "--now", now, "send", "--digest", "releases", "--week", "2020-W38",
        ],
    );
    assert_eq!(code(&wrong), 1);
    assert!(
        stderr(&wrong).contains("is a week, and this digest is monthly: give a month like 2020-09"),
        "{}",
        stderr(&wrong)
    );
    let nobody = send(dir, &["--now", now, "send", "--digest", "nope"]);
    assert_eq!(code(&nobody), 1);
    assert!(
        stderr(&nobody).contains("there is no digest named \"nope\": the site has main, releases"),
        "{}",
        stderr(&nobody)
    );
    assert_eq!(server.received().len(), 0);

    let one = send(
        dir,
        &[
            "--now", now, "send", "--digest", "releases", "--period", "2020-09",
        ],
    );
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert_eq!(
        server.message_ids(),
        ["Message-ID: <releases.2020-09.digest@flink.apache.org>"]
    );

    // A test of every digest's last period: one message each, neither recorded.
    let before = recorded(dir);
    let test = send(
        dir,
        &[
            "--now",
            "2020-09-21T09:00:00Z",
            "send",
            "--test-to",
            "me@example.org",
        ],
    );
    assert_eq!(code(&test), 0, "{}", stderr(&test));
    assert_eq!(recorded(dir), before);
    let received = server.received();
    assert_eq!(received.len(), 3);
    let subjects: Vec<String> = received[1..].iter().map(|m| header(m, "Subject")).collect();
    assert!(
        subjects.iter().all(|s| s.starts_with("Subject: [TEST] ")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("monthly digest: August 2020")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("weekly digest: ") && s.ends_with(" September 2020")),
        "{subjects:?}"
    );
}
