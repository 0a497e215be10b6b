//! `[smtp]` and `[delivery]`, checked at load; the password is read from the environment or
//! a file, never from `config.toml`.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    #[default]
    Starttls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the loopback interface, and never with credentials.
    None,
}

/// `[smtp]`: the server the digest is sent through.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port; defaults to 587, 465 or 25 by `security`.
    pub port: Option<u16>,
    /// `starttls`, `tls` or `none`.
    #[serde(default)]
    pub security: Security,
    /// User name to authenticate as; without it no AUTH is attempted.
    pub username: Option<String>,
    /// Environment variable that holds the password.
    #[serde(default = "default_password_env")]
    pub password_env: String,
    /// File that holds the password (used when the variable is not set).
    pub password_file: Option<PathBuf>,
    /// PEM file of a CA to trust besides the public roots, for a private relay.
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the connection and for each reply but the message's.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Seconds to wait for the answer to the message itself (RFC 5321 gives the server ten
    /// minutes); no answer in that time leaves the message in doubt.
    #[serde(default = "default_data_timeout")]
    pub data_timeout_secs: u64,
    /// Seconds one SMTP session may take, connect to QUIT, however the server answers.
    #[serde(default = "default_session_deadline")]
    pub session_deadline_secs: u64,
}

fn default_password_env() -> String {
    "HERALD_SMTP_PASSWORD".into()
}

fn default_timeout() -> u64 {
    30
}

fn default_data_timeout() -> u64 {
    600
}

fn default_session_deadline() -> u64 {
    900
}

impl SmtpConfig {
    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }

    /// Settings that would expose mail or credentials, each with the key it is about.
    pub(crate) fn problems(&self) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        if self.host.trim().is_empty() {
            found.push(("smtp.host", "[smtp] host is empty".to_string()));
        }
        if self.security == Security::None {
            if !is_loopback(&self.host) {
                found.push(("smtp.security", format!(
                    "[smtp] security = \"none\" is allowed only for a loopback host, not {:?}: use \"starttls\" or \"tls\"",
                    self.host
                )));
            }
            if self.username.is_some() || self.password_file.is_some() {
                found.push(("smtp.security", "[smtp] security = \"none\" cannot be used with a username or password: credentials are never sent without TLS".to_string()));
            }
        }
        found
    }

    /// The password, from the environment variable or else the file; `None` if neither is set.
    pub fn password(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>> {
        if let Some(password) = env(&self.password_env) {
            return Ok(Some(password));
        }
        match &self.password_file {
            Some(path) => {
                let text = crate::fsutil::read_text(path).with_context(|| {
                    format!("failed to read the SMTP password file {}", path.display())
                })?;
                Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
            }
            None => Ok(None),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `[delivery]`: the journal, catch-up and retries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// The state journal; the lock file sits next to it (`<journal>.lock`).
    pub journal: PathBuf,
    /// Where messages go when there is no `[smtp]` section.
    pub outbox_dir: PathBuf,
    /// How many missed weeks a run catches up on.
    pub catch_up_weeks: u32,
    /// Attempts per message for temporary failures.
    pub attempts: u32,
    /// Wait before the first retry; it doubles for each further one.
    pub retry_delay_ms: u64,
    /// Send a week whose delivery is in doubt again on the next run, with the same
    /// Message-ID (at least once); with `false` it is reported and left to the operator.
    pub resend_in_doubt: bool,
    /// Seconds a `send` or `run` may spend sending: no session runs past it, and the weeks
    /// not reached are left to the next run. Under an hourly cron's hour by default.
    pub run_deadline_secs: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            journal: PathBuf::from(".herald/state.json"),
            outbox_dir: PathBuf::from("outbox"),
            catch_up_weeks: 4,
            attempts: 4,
            retry_delay_ms: 5_000,
            resend_in_doubt: true,
            run_deadline_secs: 2_700,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(host: &str, security: Security) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: None,
            security,
            username: None,
            password_env: default_password_env(),
            password_file: None,
            ca_file: None,
            timeout_secs: 30,
            data_timeout_secs: 600,
            session_deadline_secs: 900,
        }
    }

    fn messages(config: &SmtpConfig) -> Vec<String> {
        config.problems().into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn plaintext_only_on_loopback_and_never_with_credentials() {
        assert!(messages(&smtp("127.0.0.1", Security::None)).is_empty());
        assert!(messages(&smtp("localhost", Security::None)).is_empty());
        assert!(messages(&smtp("[::1]", Security::None)).is_empty());
        let err = messages(&smtp("mail.example.org", Security::None));
        assert!(
            err[0].contains("allowed only for a loopback host"),
            "{err:?}"
        );
        let with_user = SmtpConfig {
            username: Some("u".into()),
            ..smtp("127.0.0.1", Security::None)
        };
        assert!(messages(&with_user)[0].contains("credentials are never sent without TLS"));
        assert!(messages(&smtp("mail.example.org", Security::Starttls)).is_empty());
    }

    #[test]
    fn password_from_environment_then_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "from-file\n").unwrap();
        let config = SmtpConfig {
            password_file: Some(file),
            ..smtp("h", Security::Tls)
        };
        assert_eq!(
            config
                .password(&|_| Some("from-env".into()))
                .unwrap()
                .as_deref(),
            Some("from-env")
        );
        assert_eq!(
            config.password(&|_| None).unwrap().as_deref(),
            Some("from-file")
        );
        assert_eq!(config.port(), 465);
    }
}
