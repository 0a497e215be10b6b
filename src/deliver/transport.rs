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

use super::config::{DeliveryConfig, Security, SmtpConfig};

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

/// Sends messages, retrying temporary failures.
pub struct Mailer {
    inner: Inner,
    attempts: u32,
    delay: Duration,
}

enum Inner {
    Smtp {
        transport: SmtpTransport,
        server: String,
        password_env: String,
    },
    Outbox {
        transport: FileTransport,
        dir: PathBuf,
    },
}

impl Mailer {
    /// The mailer the config asks for. `env` reads environment variables (the password).
    pub fn new(
        smtp: Option<&SmtpConfig>,
        delivery: &DeliveryConfig,
        outbox: PathBuf,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Mailer> {
        let inner = match smtp {
            None => {
                std::fs::create_dir_all(&outbox)
                    .with_context(|| format!("failed to create the outbox {}", outbox.display()))?;
                Inner::Outbox {
                    transport: FileTransport::new(&outbox),
                    dir: outbox,
                }
            }
            Some(smtp) => Inner::Smtp {
                transport: smtp_transport(smtp, env)?,
                server: format!("{}:{}", smtp.host, smtp.port()),
                password_env: smtp.password_env.clone(),
            },
        };
        Ok(Mailer {
            inner,
            attempts: delivery.attempts.max(1),
            delay: Duration::from_millis(delivery.retry_delay_ms),
        })
    }

    /// Sends one message; `what` names it in messages (`the 2020-W36 digest`).
    pub fn send(&self, message: &Message, what: &str) -> Result<(), DeliveryError> {
        let mut delay = self.delay;
        for attempt in 1..=self.attempts {
            let error = match self.send_once(message) {
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
            std::thread::sleep(delay);
            delay = delay.saturating_mul(2);
        }
        unreachable!("the loop returns on the last attempt")
    }

    fn send_once(&self, message: &Message) -> Result<(), DeliveryError> {
        match &self.inner {
            Inner::Outbox { transport, dir } => {
                transport
                    .send(message)
                    .map(|_| ())
                    .map_err(|e| DeliveryError {
                        temporary: false,
                        message: format!("cannot write to the outbox {}: {e}", dir.display()),
                    })
            }
            Inner::Smtp {
                transport,
                password_env,
                ..
            } => transport
                .send(message)
                .map(|_| ())
                .map_err(|e| classify(&e, password_env)),
        }
    }
}

impl fmt::Display for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Smtp { server, .. } => write!(f, "{server}"),
            Inner::Outbox { dir, .. } => write!(
                f,
                "{} (no [smtp] section: written, not sent)",
                dir.display()
            ),
        }
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
