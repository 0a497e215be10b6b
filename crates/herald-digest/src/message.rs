//! The digest as one complete email: multipart/alternative (text first, HTML last), UTF-8,
//! a Message-ID that is the same for every attempt at a period, and the list headers.

use std::time::SystemTime;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{
    self, ContentTransferEncoding, ContentType, HeaderName, HeaderValue,
};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::render::Rendered;
use herald_config::{DigestSpec, DkimAlgorithm, DkimKey, Site};

/// `<2020-W36.digest@flink.apache.org>`, `<releases.2020-09.digest@…>` from the digest's
/// journal key: stable, so a duplicate can be dropped downstream.
pub(crate) fn message_id(site: &Site, key: &str) -> String {
    let host = site.base_url.host_str().unwrap_or("localhost");
    format!("<{}.digest@{host}>", key.replace(':', "."))
}

pub(crate) fn build(
    site: &Site,
    spec: &DigestSpec,
    rendered: &Rendered,
    message_id: &str,
    now: DateTime<Utc>,
    to: &Mailbox,
) -> Result<Message> {
    let digest = &spec.config;
    let mut builder = Message::builder()
        .from(site.from.clone())
        .to(to.clone())
        .subject(rendered.subject.clone())
        .date(SystemTime::from(now))
        .message_id(Some(message_id.to_string()));
    // https first: mail providers' one-click unsubscribe (RFC 8058) posts to it.
    let mut uris: Vec<&String> = digest.list_unsubscribe.iter().collect();
    uris.sort_by_key(|u| !u.starts_with("https://"));
    let unsubscribe = (!uris.is_empty()).then(|| {
        uris.iter()
            .map(|u| format!("<{u}>"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let one_click = uris
        .first()
        .filter(|u| u.starts_with("https://"))
        .map(|_| "List-Unsubscribe=One-Click".to_string());
    let list_headers = [
        ("List-Id", &digest.list_id),
        ("List-Unsubscribe", &unsubscribe),
        ("List-Unsubscribe-Post", &one_click),
        (
            "List-Archive",
            &digest.list_archive.as_ref().map(|u| format!("<{u}>")),
        ),
        (
            "List-Post",
            &digest.list_post.as_ref().map(|u| format!("<{u}>")),
        ),
    ];
    for (name, value) in list_headers {
        if let Some(value) = value {
            let name = HeaderName::new_from_ascii_str(name);
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
    }
    // A boundary derived from the content keeps the .eml byte-for-byte reproducible.
    let boundary = format!(
        "herald-{}-{:016x}",
        message_id.trim_matches(['<', '>']).replace('@', "."),
        {
            let mut hasher = fnv::FnvHasher::default();
            std::hash::Hasher::write(&mut hasher, rendered.html.as_bytes());
            std::hash::Hasher::finish(&hasher)
        }
    );
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(SinglePart::plain(rendered.text.clone()))
        .singlepart(SinglePart::html(rendered.html.clone()));
    let Some(key) = &site.dkim else {
        return builder
            .multipart(body)
            .context("failed to build the digest message");
    };
    // lettre signs the message's own headers, but writes a multipart's Content-Type with
    // its body: the signature would name Content-Type without hashing it, and fail. So the
    // multipart goes in as the raw body, already encoded part by part, and its Content-Type
    // becomes one of the message's headers. (`Binary` only stops lettre from encoding it
    // again; the top level then carries no Content-Transfer-Encoding, as lettre's own
    // multipart messages do.)
    let formatted = body.formatted();
    let start = formatted
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |at| at + 4);
    let content_type = body
        .headers()
        .get::<ContentType>()
        .context("a multipart without a Content-Type")?;
    let raw = Body::new_with_encoding(formatted[start..].to_vec(), ContentTransferEncoding::Binary)
        .map_err(|_| anyhow::anyhow!("the digest's MIME body cannot be carried"))?;
    let mut message = builder
        .header(header::MIME_VERSION_1_0)
        .header(content_type)
        .body(raw)
        .context("failed to build the digest message")?;
    message.headers_mut().remove::<ContentTransferEncoding>();
    message.sign(&signer(key)?);
    Ok(message)
}

/// The headers the signature covers: those that say who sent what to whom and when, how to
/// read it, and how to leave the list. Named even when absent, so none can be added later.
const SIGNED: [&str; 10] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// lettre's signer for a checked key: relaxed/relaxed, the headers above.
fn signer(key: &DkimKey) -> Result<DkimConfig> {
    let algorithm = match key.algorithm {
        DkimAlgorithm::Rsa => DkimSigningAlgorithm::Rsa,
        DkimAlgorithm::Ed25519 => DkimSigningAlgorithm::Ed25519,
    };
    let signing_key = DkimSigningKey::new(&key.key, algorithm)
        .map_err(|e| anyhow::anyhow!("the DKIM key cannot sign: {e}"))?;
    Ok(DkimConfig::new(
        key.selector.clone(),
        key.domain.clone(),
        signing_key,
        SIGNED
            .iter()
            .map(|name| HeaderName::new_from_ascii_str(name))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}
