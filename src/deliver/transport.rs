//! Where digests go: an SMTP server (TLS required unless on loopback) or, without `[smtp]`,
//! an outbox directory. Temporary failures are retried with exponential backoff; permanent
//! ones stop at once.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::{DeliveryConfig, Security, SmtpConfig};

/// A failed delivery: whether trying again later may help, and one line saying what to do.
#[derive(Debug)]
pub struct DeliveryError {
    /// Worth retrying on the next run (exit 75) rather than a problem to fix (exit 1).
    pub temporary: bool,
    /// What happened and what to do, in one line, without secrets.
    pub message: String,
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One way to hand a message over, tried once: an SMTP relay, the outbox, or a test's
/// scripted stand-in.
pub trait Relay: fmt::Display + Send + Sync {
    /// Hands the message over once.
    fn send_once(&self, message: &Message) -> Result<(), DeliveryError>;
}

/// Sends messages through a relay, retrying temporary failures with exponential backoff.
pub struct Mailer {
    relay: Box<dyn Relay>,
    attempts: u32,
    delay: Duration,
    sleep: Box<dyn Fn(Duration) + Send + Sync>,
}

struct Smtp {
    transport: SmtpTransport,
    server: String,
    password_env: String,
}

struct Outbox {
    transport: FileTransport,
    dir: PathBuf,
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
            None => {
                std::fs::create_dir_all(&outbox)
                    .with_context(|| format!("failed to create the outbox {}", outbox.display()))?;
                Box::new(Outbox {
                    transport: FileTransport::new(&outbox),
                    dir: outbox,
                })
            }
            Some(smtp) => Box::new(Smtp {
                transport: smtp_transport(smtp, env)?,
                server: format!("{}:{}", smtp.host, smtp.port()),
                password_env: smtp.password_env.clone(),
            }),
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

    /// Sends one message; `what` names it in messages (`the 2020-W36 digest`).
    pub fn send(&self, message: &Message, what: &str) -> Result<(), DeliveryError> {
        let mut delay = self.delay;
        for attempt in 1..=self.attempts {
            let error = match self.relay.send_once(message) {
                Ok(()) => return Ok(()),
                Err(error) => error,
            };
            if !error.temporary || attempt == self.attempts {
                let tries = if attempt > 1 {
                    format!(" after {attempt} attempts")
                } else {
                    String::new()
                };
                return Err(DeliveryError {
                    temporary: error.temporary,
                    message: format!("sending {what} to {self} failed{tries}: {}", error.message),
                });
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

impl Relay for Outbox {
    fn send_once(&self, message: &Message) -> Result<(), DeliveryError> {
        self.transport
            .send(message)
            .map(|_| ())
            .map_err(|e| DeliveryError {
                temporary: false,
                message: format!("cannot write to the outbox {}: {e}", self.dir.display()),
            })
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

impl Relay for Smtp {
    fn send_once(&self, message: &Message) -> Result<(), DeliveryError> {
        self.transport
            .send(message)
            .map(|_| ())
            .map_err(|e| classify(&e, &self.password_env))
    }
}

impl fmt::Display for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.server)
    }
}

/// Sorts an SMTP failure into "try again later" and "fix something", with advice.
fn classify(e: &lettre::transport::smtp::Error, password_env: &str) -> DeliveryError {
    let code = e.status().map(|c| c.to_string());
    if e.is_permanent() {
        let advice = match code.as_deref() {
            Some("535" | "534" | "530" | "538") => format!(
                "the server refused the login: check [smtp] username and the password in ${password_env} or password_file"
            ),
            _ => "the server rejected the message: check [digest] from and to".to_string(),
        };
        return DeliveryError {
            temporary: false,
            message: format!("{e}; {advice}"),
        };
    }
    if e.is_tls() {
        return DeliveryError {
            temporary: false,
            message: format!("{e}; TLS failed: check [smtp] host, port, security and ca_file"),
        };
    }
    if e.is_client() {
        return DeliveryError {
            temporary: false,
            message: e.to_string(),
        };
    }
    DeliveryError {
        temporary: true,
        message: format!(
            "{}; nothing was recorded as sent, the next run will try again",
            one_line(e)
        ),
    }
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

fn smtp_transport(
    smtp: &SmtpConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SmtpTransport> {
    let mut builder = SmtpTransport::builder_dangerous(smtp.host.clone())
        .port(smtp.port())
        .timeout(Some(Duration::from_secs(smtp.timeout_secs)));
    if smtp.security != Security::None {
        let mut tls = TlsParameters::builder(smtp.host.clone());
        if let Some(path) = &smtp.ca_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("failed to read [smtp] ca_file {}", path.display()))?;
            let ca = Certificate::from_pem(&pem).with_context(|| {
                format!("[smtp] ca_file {} is not a PEM certificate", path.display())
            })?;
            tls = tls.add_root_certificate(ca);
        }
        let tls = tls
            .build_rustls()
            .context("failed to set up TLS for [smtp]")?;
        builder = builder.tls(match smtp.security {
            Security::Tls => Tls::Wrapper(tls),
            _ => Tls::Required(tls),
        });
    }
    if let Some(username) = &smtp.username {
        let password = smtp.password(env)?.with_context(|| {
            format!(
                "[smtp] username is set but there is no password: set ${} or [smtp] password_file",
                smtp.password_env
            )
        })?;
        builder = builder.credentials(Credentials::new(username.clone(), password));
    }
    Ok(builder.build())
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
        fn send_once(&self, _: &Message) -> Result<(), DeliveryError> {
            *self.attempts.lock().unwrap() += 1;
            self.replies.lock().unwrap().remove(0)
        }
    }

    impl fmt::Display for Scripted {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("scripted")
        }
    }

    fn temporary() -> Result<(), DeliveryError> {
        Err(DeliveryError {
            temporary: true,
            message: "451 try later".into(),
        })
    }

    fn permanent() -> Result<(), DeliveryError> {
        Err(DeliveryError {
            temporary: false,
            message: "550 no".into(),
        })
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
        let result = mailer.send(&message, "the test");
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
        assert!(!error.temporary);
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
        assert!(error.temporary);
        assert_eq!(attempts, 3);
        assert_eq!(waits.len(), 2);
        assert!(
            error.message.contains("after 3 attempts"),
            "{}",
            error.message
        );
    }

    #[test]
    fn at_least_one_attempt_even_when_configured_as_zero() {
        let (result, attempts, waits) = run(vec![Ok(())], 0);
        assert!(result.is_ok());
        assert_eq!((attempts, waits.len()), (1, 0));
    }
}
