//! Where digests go: an SMTP server (TLS required unless on loopback) or, without `[smtp]`,
//! an outbox directory. Each attempt ends one of four ways: accepted, refused for now
//! (retried), refused for good, or in doubt (the message was sent and no answer came: never
//! retried in the same run). The caller records that the message is about to leave once the
//! relay has accepted its envelope, and its acceptance before the session is closed. Every
//! session has a deadline, connect to QUIT: a relay that trickles cannot hold a run.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::Message;

use herald_config::fsutil::write_atomic;
use herald_config::{DeliveryConfig, Security, SmtpConfig};

/// How an attempt failed, which decides what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Not delivered, and trying again may help (a refused or dropped connection before
    /// the message was sent, a 4xx): retried, then exit 75.
    Temporary,
    /// Not delivered, and trying again will not help until someone fixes something (a
    /// certificate, a refused login, a 5xx, a host that does not resolve): exit 1.
    Permanent,
    /// The whole message was sent but the server's answer never came: it may have been
    /// delivered. Never retried in the same run; exit 75.
    InDoubt,
    /// The server accepted it but the journal could not record that: exit 1.
    Unrecorded,
}

/// A failed delivery: what kind, and one line saying what happened and what to do.
#[derive(Debug)]
pub struct DeliveryError {
    /// What kind of failure.
    pub kind: FailureKind,
    /// What happened and what to do, in one line, without secrets.
    pub message: String,
}

impl DeliveryError {
    fn new(kind: FailureKind, message: impl Into<String>) -> DeliveryError {
        DeliveryError {
            kind,
            message: message.into(),
        }
    }

    /// Whether the next run may get past it (exit 75 rather than 1).
    pub fn temporary(&self) -> bool {
        matches!(self.kind, FailureKind::Temporary | FailureKind::InDoubt)
    }
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A point in a send that the caller records before the session goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The relay accepted the envelope and the message's bytes are about to leave. An error
    /// from the caller here stops the send: nothing is sent.
    Sending,
    /// The relay accepted the message; the session is not yet closed.
    Accepted,
}

/// Called at each [`Step`]: the journal records it there.
pub type Progress<'a> = &'a mut dyn FnMut(Step) -> Result<()>;

/// One way to hand a message over, tried once: an SMTP relay, the outbox, or a test's
/// scripted stand-in.
pub trait Relay: fmt::Display + Send + Sync {
    /// Hands the message over once, by `deadline`, calling `progress` at each [`Step`].
    fn send_once(
        &self,
        message: &Message,
        deadline: Instant,
        progress: Progress<'_>,
    ) -> Result<(), DeliveryError>;
}

/// Sends messages through a relay, retrying temporary failures with exponential backoff.
pub struct Mailer {
    relay: Box<dyn Relay>,
    attempts: u32,
    delay: Duration,
    sleep: Box<dyn Fn(Duration) + Send + Sync>,
}

impl Mailer {
    /// The mailer the config asks for. `env` reads environment variables (the password).
    pub fn new(
        smtp: Option<&SmtpConfig>,
        delivery: &DeliveryConfig,
        outbox: PathBuf,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Mailer> {
        let relay: Box<dyn Relay> = match smtp {
            None => Box::new(Outbox { dir: outbox }),
            Some(smtp) => Box::new(Smtp::new(smtp, env)?),
        };
        Ok(Mailer::with_relay(
            relay,
            delivery.attempts,
            Duration::from_millis(delivery.retry_delay_ms),
            Box::new(std::thread::sleep),
        ))
    }

    /// A mailer over any relay, waiting between attempts with `sleep`: tests pass a scripted
    /// relay and a sleeper that only records.
    pub fn with_relay(
        relay: Box<dyn Relay>,
        attempts: u32,
        delay: Duration,
        sleep: Box<dyn Fn(Duration) + Send + Sync>,
    ) -> Mailer {
        Mailer {
            relay,
            attempts: attempts.max(1),
            delay,
            sleep,
        }
    }

    /// Sends one message by `deadline`; `what` names it in messages (`the 2020-W36
    /// digest`); `progress` runs at each [`Step`]. Only temporary failures are tried again,
    /// and none once the next attempt could not start before the deadline.
    pub fn send(
        &self,
        message: &Message,
        what: &str,
        deadline: Instant,
        progress: Progress<'_>,
    ) -> Result<(), DeliveryError> {
        let mut delay = self.delay;
        for attempt in 1..=self.attempts {
            let error = match self.relay.send_once(message, deadline, progress) {
                Ok(()) => return Ok(()),
                Err(error) => error,
            };
            let late = Instant::now() + delay >= deadline;
            if error.kind != FailureKind::Temporary || attempt == self.attempts || late {
                let tries = if attempt > 1 {
                    format!(" after {attempt} attempts")
                } else {
                    String::new()
                };
                return Err(DeliveryError::new(
                    error.kind,
                    format!("sending {what} to {self} failed{tries}: {}", error.message),
                ));
            }
            tracing::info!(
                "attempt {attempt} to send {what} failed: {}; retrying in {:?}",
                error.message,
                delay
            );
            (self.sleep)(delay);
            delay = delay.saturating_mul(2);
        }
        unreachable!("the loop returns on the last attempt")
    }
}

impl fmt::Display for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.relay.fmt(f)
    }
}

/// The outbox: each message written atomically as `<Message-ID>.eml`.
struct Outbox {
    dir: PathBuf,
}

impl Relay for Outbox {
    fn send_once(
        &self,
        message: &Message,
        _: Instant,
        progress: Progress<'_>,
    ) -> Result<(), DeliveryError> {
        let id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or("message")
            .trim()
            .trim_matches(['<', '>'])
            .replace(
                |c: char| !(c.is_ascii_alphanumeric() || "-_.@".contains(c)),
                "_",
            );
        let path = self.dir.join(format!("{id}.eml"));
        progress(Step::Sending).map_err(|e| not_started(&e))?;
        write_atomic(&path, &message.formatted()).map_err(|e| {
            DeliveryError::new(
                FailureKind::Permanent,
                format!("cannot write to the outbox: {e:#}"),
            )
        })?;
        progress(Step::Accepted).map_err(|e| unrecorded(&e))
    }
}

impl fmt::Display for Outbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (no [smtp] section: written, not sent)",
            self.dir.display()
        )
    }
}

/// An SMTP relay, spoken to step by step so that the wait for the answer to the message has
/// its own, longer timeout, and the acceptance is recorded before QUIT.
#[derive(Clone)]
struct Smtp {
    host: String,
    port: u16,
    security: Security,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    timeout: Duration,
    data_timeout: Duration,
    session: Duration,
    password_env: String,
}

impl Smtp {
    fn new(smtp: &SmtpConfig, env: &dyn Fn(&str) -> Option<String>) -> Result<Smtp> {
        let tls = if smtp.security == Security::None {
            None
        } else {
            let mut tls = TlsParameters::builder(smtp.host.clone());
            if let Some(path) = &smtp.ca_file {
                let pem = herald_config::fsutil::read_bytes(path)
                    .with_context(|| format!("failed to read [smtp] ca_file {}", path.display()))?;
                let ca = Certificate::from_pem(&pem).with_context(|| {
                    format!("[smtp] ca_file {} is not a PEM certificate", path.display())
                })?;
                tls = tls.add_root_certificate(ca);
            }
            Some(
                tls.build_rustls()
                    .context("failed to set up TLS for [smtp]")?,
            )
        };
        let credentials = match &smtp.username {
            Some(username) => {
                let password = smtp.password(env)?.with_context(|| {
                    format!(
                        "[smtp] username is set but there is no password: set ${} or [smtp] password_file",
                        smtp.password_env
                    )
                })?;
                Some(Credentials::new(username.clone(), password))
            }
            None => None,
        };
        Ok(Smtp {
            host: smtp.host.clone(),
            port: smtp.port(),
            security: smtp.security,
            tls,
            credentials,
            timeout: Duration::from_secs(smtp.timeout_secs),
            data_timeout: Duration::from_secs(smtp.data_timeout_secs),
            session: Duration::from_secs(smtp.session_deadline_secs),
            password_env: smtp.password_env.clone(),
        })
    }

    /// Connects, secures the connection and logs in.
    fn open(&self, deadline: Instant) -> Result<SmtpConnection, DeliveryError> {
        if reserved_never_to_resolve(&self.host) {
            return Err(DeliveryError::new(
                FailureKind::Permanent,
                format!(
                    "cannot resolve [smtp] host {:?}: names under .invalid never resolve (RFC 6761); check the host name",
                    self.host
                ),
            ));
        }
        let addresses: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| resolve_error(&self.host, &e))?
            .collect();
        let hello = ClientId::default();
        let wrapper = self.tls.as_ref().filter(|_| self.security == Security::Tls);
        let timeout = Some(within(self.timeout, deadline));
        let mut conn = SmtpConnection::connect(&addresses[..], timeout, &hello, wrapper, None)
            .map_err(|e| classify(&e, &self.password_env))?;
        if let (Security::Starttls, Some(tls)) = (self.security, &self.tls) {
            conn.starttls(tls, &hello)
                .map_err(|e| classify(&e, &self.password_env))?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .map_err(|e| classify(&e, &self.password_env))?;
        }
        Ok(conn)
    }
}

impl Relay for Smtp {
    /// The session runs on its own thread, so that the deadline holds however the relay
    /// answers (a reply trickled a line every few seconds resets every read timeout). At
    /// the deadline the session is given up: before the message's bytes left, nothing was
    /// sent (temporary); after, it is in doubt; after the acceptance was recorded, it is
    /// sent. The thread it leaves ends with its socket's timeout or with the process.
    fn send_once(
        &self,
        message: &Message,
        deadline: Instant,
        progress: Progress<'_>,
    ) -> Result<(), DeliveryError> {
        let deadline = deadline.min(Instant::now() + self.session);
        let (to_caller, events) = mpsc::channel();
        let (answer, answers) = mpsc::channel::<bool>();
        let smtp = self.clone();
        let message = message.clone();
        std::thread::Builder::new()
            .name("smtp session".into())
            .spawn(move || {
                let mut ask = |step: Step| -> Result<()> {
                    to_caller
                        .send(Event::Step(step))
                        .map_err(|_| anyhow::anyhow!("the run gave up on this session"))?;
                    match answers.recv() {
                        Ok(true) => Ok(()),
                        _ => anyhow::bail!("the step could not be recorded"),
                    }
                };
                let result = smtp.session(&message, deadline, &mut ask);
                let _ = to_caller.send(Event::Done(result));
            })
            .map_err(|e| {
                DeliveryError::new(
                    FailureKind::Temporary,
                    format!("cannot start the SMTP session: {e}"),
                )
            })?;
        let mut reached = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match events.recv_timeout(left) {
                Ok(Event::Step(step)) => {
                    let recorded = progress(step);
                    let _ = answer.send(recorded.is_ok());
                    match (step, recorded) {
                        (Step::Sending, Err(e)) => return Err(not_started(&e)),
                        (Step::Accepted, Err(e)) => return Err(unrecorded(&e)),
                        (step, Ok(())) => reached = Some(step),
                    }
                }
                Ok(Event::Done(result)) => return result,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let seconds = self.session.as_secs();
                    return match reached {
                        Some(Step::Accepted) => Ok(()),
                        Some(Step::Sending) => Err(DeliveryError::new(
                            FailureKind::InDoubt,
                            format!("the session passed its deadline ([smtp] session_deadline_secs = {seconds}, or the run's) while the message was being sent: it may have been delivered"),
                        )),
                        None => Err(DeliveryError::new(
                            FailureKind::Temporary,
                            format!("the session passed its deadline ([smtp] session_deadline_secs = {seconds}, or the run's) before the message was sent; nothing was recorded as sent, the next run will try again"),
                        )),
                    };
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(DeliveryError::new(
                        FailureKind::InDoubt,
                        "the SMTP session ended without a result: it may have been delivered",
                    ))
                }
            }
        }
    }
}

/// What the session's thread tells the caller.
enum Event {
    Step(Step),
    Done(Result<(), DeliveryError>),
}

impl Smtp {
    /// One session, connect to QUIT, asking `progress` at each step.
    fn session(
        &self,
        message: &Message,
        deadline: Instant,
        progress: Progress<'_>,
    ) -> Result<(), DeliveryError> {
        let mut conn = self.open(deadline)?;
        let classify = |e: &lettre::transport::smtp::Error| classify(e, &self.password_env);
        let envelope = message.envelope();
        let body = message.formatted();
        let mut options = Vec::new();
        if !body.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let _ = conn.set_timeout(Some(within(self.timeout, deadline)));
        conn.command(Mail::new(envelope.from().cloned(), options))
            .map_err(|e| classify(&e))?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), vec![]))
                .map_err(|e| classify(&e))?;
        }
        // The envelope is accepted: the bytes may be about to leave.
        if let Err(e) = progress(Step::Sending) {
            conn.abort();
            return Err(not_started(&e));
        }
        conn.command(Data).map_err(|e| classify(&e))?;
        // RFC 5321 4.5.3.2.6: the server has ten minutes to answer the final dot.
        let _ = conn.set_timeout(Some(within(self.data_timeout, deadline)));
        match conn.message(&body) {
            Ok(_) => {}
            Err(e) if e.is_transient() || e.is_permanent() => return Err(classify(&e)),
            Err(e) => {
                conn.abort();
                return Err(DeliveryError::new(
                    FailureKind::InDoubt,
                    format!(
                        "the message was sent but the server gave no answer ({}): it may have been delivered",
                        one_line(&e)
                    ),
                ));
            }
        }
        let recorded = progress(Step::Accepted).map_err(|e| unrecorded(&e));
        let _ = conn.set_timeout(Some(within(self.timeout, deadline)));
        let _ = conn.quit();
        recorded
    }
}

/// `timeout`, or less if the deadline is nearer (never zero, which means "none" to a socket).
fn within(timeout: Duration, deadline: Instant) -> Duration {
    timeout
        .min(deadline.saturating_duration_since(Instant::now()))
        .max(Duration::from_millis(1))
}

/// Whether `host` is under `.invalid`, which RFC 6761 reserves never to resolve: no
/// resolver need be asked.
fn reserved_never_to_resolve(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "invalid" || host.ends_with(".invalid")
}

/// A host name that did not resolve: temporary when the resolver says so (`EAI_AGAIN`, a
/// name server that did not answer), else a name to fix.
fn resolve_error(host: &str, e: &std::io::Error) -> DeliveryError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("temporary failure") || lower.contains("try again") {
        DeliveryError::new(
            FailureKind::Temporary,
            format!("cannot resolve [smtp] host {host:?} for now: {text}; nothing was recorded as sent, the next run will try again"),
        )
    } else {
        DeliveryError::new(
            FailureKind::Permanent,
            format!("cannot resolve [smtp] host {host:?}: {text}; check the host name"),
        )
    }
}

impl fmt::Display for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

fn not_started(e: &anyhow::Error) -> DeliveryError {
    DeliveryError::new(FailureKind::Permanent, format!("{e:#}: nothing was sent"))
}

fn unrecorded(e: &anyhow::Error) -> DeliveryError {
    DeliveryError::new(
        FailureKind::Unrecorded,
        format!("the server accepted it but {e:#}: make the journal writable, and do not run herald again before it is, or the week is sent again"),
    )
}

/// Sorts an SMTP failure before the message was sent into "try again later" and "fix
/// something", with advice.
fn classify(e: &lettre::transport::smtp::Error, password_env: &str) -> DeliveryError {
    let code = e.status().map(|c| c.to_string());
    if e.is_permanent() {
        let advice = match code.as_deref() {
            Some("535" | "534" | "530" | "538") => format!(
                "the server refused the login: check [smtp] username and the password in ${password_env} or password_file"
            ),
            _ => "the server rejected the message: check [digest] from and to".to_string(),
        };
        return DeliveryError::new(FailureKind::Permanent, format!("{e}; {advice}"));
    }
    if e.is_transient() {
        return DeliveryError::new(
            FailureKind::Temporary,
            format!("{e}; nothing was recorded as sent, the next run will try again"),
        );
    }
    let io_kind = io_error_kind(e);
    let tls = e.is_tls() || io_kind == Some(std::io::ErrorKind::InvalidData);
    if tls || e.is_client() || e.is_response() {
        let what = if tls {
            "TLS failed"
        } else {
            "the server did not speak SMTP as expected"
        };
        return DeliveryError::new(
            FailureKind::Permanent,
            format!(
                "{}; {what}: check [smtp] host, port, security and ca_file",
                one_line(e)
            ),
        );
    }
    DeliveryError::new(
        FailureKind::Temporary,
        format!(
            "{}; nothing was recorded as sent, the next run will try again",
            one_line(e)
        ),
    )
}

/// The kind of the first I/O error among an error's causes.
fn io_error_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = cause.source();
    }
    None
}

/// The error and its causes on one line.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A relay that answers from a script, one reply per attempt, and counts attempts.
    struct Scripted {
        replies: Mutex<Vec<Result<(), DeliveryError>>>,
        attempts: Arc<Mutex<u32>>,
    }

    impl Relay for Scripted {
        fn send_once(
            &self,
            _: &Message,
            _: Instant,
            progress: Progress<'_>,
        ) -> Result<(), DeliveryError> {
            *self.attempts.lock().unwrap() += 1;
            let reply = self.replies.lock().unwrap().remove(0);
            if reply.is_ok() {
                progress(Step::Sending).unwrap();
                progress(Step::Accepted).unwrap();
            }
            reply
        }
    }

    impl fmt::Display for Scripted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("scripted")
        }
    }

    fn temporary() -> Result<(), DeliveryError> {
        Err(DeliveryError::new(FailureKind::Temporary, "451 try later"))
    }

    fn permanent() -> Result<(), DeliveryError> {
        Err(DeliveryError::new(FailureKind::Permanent, "550 no"))
    }

    fn in_doubt() -> Result<(), DeliveryError> {
        Err(DeliveryError::new(FailureKind::InDoubt, "no answer"))
    }

    /// Sends one message through a scripted relay at `attempts`; returns the result, how
    /// many attempts were made and every wait.
    fn run(
        replies: Vec<Result<(), DeliveryError>>,
        attempts: u32,
    ) -> (Result<(), DeliveryError>, u32, Vec<Duration>) {
        let count = Arc::new(Mutex::new(0));
        let waits = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&waits);
        let mailer = Mailer::with_relay(
            Box::new(Scripted {
                replies: Mutex::new(replies),
                attempts: Arc::clone(&count),
            }),
            attempts,
            Duration::from_millis(100),
            Box::new(move |d| recorded.lock().unwrap().push(d)),
        );
        let message = Message::builder()
            .from("a@x.org".parse().unwrap())
            .to("b@x.org".parse().unwrap())
            .body(String::from("hi"))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let result = mailer.send(&message, "the test", deadline, &mut |_| Ok(()));
        let waits = waits.lock().unwrap().clone();
        let count = *count.lock().unwrap();
        (result, count, waits)
    }

    #[test]
    fn temporary_failures_are_retried_with_doubling_waits() {
        let (result, attempts, waits) = run(vec![temporary(), temporary(), Ok(())], 4);
        assert!(result.is_ok());
        assert_eq!(attempts, 3);
        assert_eq!(
            waits,
            [Duration::from_millis(100), Duration::from_millis(200)]
        );
    }

    #[test]
    fn a_permanent_failure_is_never_retried() {
        let (result, attempts, waits) = run(vec![temporary(), permanent(), Ok(())], 4);
        let error = result.unwrap_err();
        assert_eq!(error.kind, FailureKind::Permanent);
        assert_eq!(attempts, 2);
        assert_eq!(waits.len(), 1);
        assert_eq!(
            error.message,
            "sending the test to scripted failed after 2 attempts: 550 no"
        );
    }

    #[test]
    fn the_last_temporary_failure_stays_temporary() {
        let (result, attempts, waits) = run(vec![temporary(), temporary(), temporary()], 3);
        let error = result.unwrap_err();
        assert_eq!(error.kind, FailureKind::Temporary);
        assert_eq!(attempts, 3);
        assert_eq!(waits.len(), 2);
        assert!(
            error.message.contains("after 3 attempts"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_message_in_doubt_is_never_sent_again_in_the_same_run() {
        let (result, attempts, waits) = run(vec![in_doubt(), Ok(())], 4);
        assert_eq!(result.unwrap_err().kind, FailureKind::InDoubt);
        assert_eq!((attempts, waits.len()), (1, 0));
    }

    #[test]
    fn names_under_invalid_are_never_looked_up() {
        for host in ["no-such-host.invalid", "X.INVALID.", "invalid"] {
            assert!(reserved_never_to_resolve(host), "{host}");
        }
        for host in ["smtp.example.org", "invalid.example.org", "127.0.0.1"] {
            assert!(!reserved_never_to_resolve(host), "{host}");
        }
    }

    #[test]
    fn a_resolver_that_says_try_again_is_temporary_and_an_unknown_name_permanent() {
        let again = std::io::Error::other(
            "failed to lookup address information: Temporary failure in name resolution",
        );
        assert_eq!(resolve_error("relay", &again).kind, FailureKind::Temporary);
        let unknown = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        assert_eq!(
            resolve_error("relay", &unknown).kind,
            FailureKind::Permanent
        );
    }

    #[test]
    fn at_least_one_attempt_even_when_configured_as_zero() {
        let (result, attempts, waits) = run(vec![Ok(())], 0);
        assert!(result.is_ok());
        assert_eq!((attempts, waits.len()), (1, 0));
    }
}
