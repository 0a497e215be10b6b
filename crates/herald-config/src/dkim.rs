//! `[dkim]`: the key the digest is signed with. The private key lives in its own file (never in
//! `config.toml`); it is read and checked at load, with the domain's alignment to the From
//! address, so a key that cannot sign is an error before anything is sent.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
use rsa::pkcs8::DecodePrivateKey as _;
use serde::Deserialize;

/// `[dkim]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DkimSettings {
    /// The signing domain (`d=`): the From address's domain or a parent of it.
    pub domain: String,
    /// The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// PEM file of the private key: RSA (PKCS #1 or PKCS #8) or Ed25519 (PKCS #8).
    pub private_key_file: PathBuf,
}

/// The signing algorithm of a loaded key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DkimAlgorithm {
    /// `rsa-sha256`.
    Rsa,
    /// `ed25519-sha256` (RFC 8463).
    Ed25519,
}

/// A checked DKIM key, ready to sign with.
#[derive(Clone)]
pub struct DkimKey {
    /// The signing domain, lowercase.
    pub domain: String,
    /// The selector.
    pub selector: String,
    /// The algorithm of `key`.
    pub algorithm: DkimAlgorithm,
    /// The key in the form the signer takes: PKCS #1 PEM for RSA, the base64 seed for Ed25519.
    pub key: String,
}

impl std::fmt::Debug for DkimKey {
    // The key is a secret: never in a debug print or a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DkimKey")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// The DER prefix of an Ed25519 private key in PKCS #8 (RFC 8410): the 32-byte seed follows.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

impl DkimSettings {
    /// Reads and checks the key; `from_domain` is the digest's From domain. Problems are
    /// returned with the key they are about.
    pub(crate) fn load(
        &self,
        root: &Path,
        from_domain: Option<&str>,
    ) -> Result<DkimKey, Vec<(&'static str, String)>> {
        let mut problems = Vec::new();
        let domain = self
            .domain
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if domain.is_empty() || !domain.contains('.') {
            problems.push((
                "dkim.domain",
                format!("[dkim] domain {:?} is not a domain name", self.domain),
            ));
        } else if let Some(from) = from_domain {
            let from = from.to_ascii_lowercase();
            if !aligned(&from, &domain) {
                problems.push((
                    "dkim.domain",
                    format!(
                        "[dkim] domain {domain:?} is not aligned with the From address's domain \
                         {from:?}: receivers applying DMARC would reject the digest (use {from:?} \
                         or a parent domain of it)"
                    ),
                ));
            }
        }
        if self.selector.trim().is_empty()
            || !self.selector.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        {
            problems.push((
                "dkim.selector",
                format!("[dkim] selector {:?} is not a DNS label", self.selector),
            ));
        }
        let path = root.join(&self.private_key_file);
        let key = crate::fsutil::read_text(&path)
            .map_err(|e| format!("cannot read the DKIM key {}: {e}", path.display()))
            .and_then(|pem| {
                parse_key(&pem).map_err(|e| format!("the DKIM key {} {e}", path.display()))
            });
        match key {
            Ok((algorithm, key)) if problems.is_empty() => Ok(DkimKey {
                domain,
                selector: self.selector.trim().to_string(),
                algorithm,
                key,
            }),
            Ok(_) => Err(problems),
            Err(message) => {
                problems.push(("dkim.private_key_file", message));
                Err(problems)
            }
        }
    }
}

/// Relaxed alignment as DMARC has it: the From domain is the signing domain or below it.
fn aligned(from: &str, domain: &str) -> bool {
    from == domain || from.ends_with(&format!(".{domain}"))
}

/// A PEM private key in the form the signer takes. Errors read after "the DKIM key PATH".
fn parse_key(pem: &str) -> Result<(DkimAlgorithm, String), String> {
    let pem = pem.trim();
    if pem.contains("BEGIN RSA PRIVATE KEY") {
        rsa::RsaPrivateKey::from_pkcs1_pem(pem)
            .map_err(|e| format!("is not a valid RSA key: {e}"))?;
        return Ok((DkimAlgorithm::Rsa, pem.to_string()));
    }
    if !pem.contains("BEGIN PRIVATE KEY") {
        return Err("is not a PEM private key (expected BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY; an encrypted key cannot be used unattended)".into());
    }
    if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
        let pkcs1 = key
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .map_err(|e| format!("cannot be converted to PKCS #1: {e}"))?;
        return Ok((DkimAlgorithm::Rsa, pkcs1.to_string()));
    }
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .map_err(|e| format!("is not valid PEM: {e}"))?;
    match der.strip_prefix(&ED25519_PKCS8_PREFIX[..]) {
        Some(seed) if seed.len() == 32 => Ok((
            DkimAlgorithm::Ed25519,
            base64::engine::general_purpose::STANDARD.encode(seed),
        )),
        _ => Err("is neither an RSA nor an Ed25519 private key".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_is_relaxed_but_never_sideways() {
        assert!(aligned("flink.apache.org", "flink.apache.org"));
        assert!(aligned("flink.apache.org", "apache.org"));
        assert!(!aligned("apache.org", "flink.apache.org"));
        assert!(!aligned("notapache.org", "apache.org"));
        assert!(!aligned("example.com", "apache.org"));
    }

    #[test]
    fn ed25519_pkcs8_gives_its_seed() {
        // `openssl genpkey -algorithm ed25519` output for the seed 0x01 × 32.
        let mut der = ED25519_PKCS8_PREFIX.to_vec();
        der.extend([1u8; 32]);
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(&der)
        );
        let (algorithm, key) = parse_key(&pem).unwrap();
        assert_eq!(algorithm, DkimAlgorithm::Ed25519);
        assert_eq!(
            key,
            base64::engine::general_purpose::STANDARD.encode([1u8; 32])
        );
        assert!(parse_key("not a key").unwrap_err().contains("not a PEM"));
    }
}
