//! Exchanges: one request and what came back, as overshare saw it.
//!
//! An [`Exchange`] is the unit that flows from the front doors (the live probe in `scan`,
//! captured traffic in `analyze`, the proxy in `guard`) into the analyzers. It carries the
//! operation it was planned for, so analyzers never re-match URLs against the spec, and the
//! identity that sent it, so cross-identity analyzers can compare.
//!
//! Bodies are kept as bytes exactly as received (after decompression, within the probe's caps);
//! the parsed JSON is kept beside them so that each analyzer does not parse again.

pub mod compare;

use serde_json::Value;
use std::time::Duration;

/// The operation an exchange was planned for: the spec's method and path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlannedOperation {
    /// Upper-case method (`GET`).
    pub method: String,
    /// Path template as written in the spec (`/api/orders/{id}/`).
    pub path: String,
    pub operation_id: Option<String>,
}

/// The request as sent.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Absolute URL, parameters substituted.
    pub url: String,
    /// Headers overshare set explicitly (identity headers included, unredacted: redact before
    /// showing them, see `overshare_finding::redact`).
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// The response as received.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// Decoded body (after `Content-Encoding`), at most the probe's body cap.
    pub body: Vec<u8>,
    /// The body was cut at a cap; analyzers must not treat a parse failure as meaningful.
    pub truncated: bool,
    /// The body parsed as JSON, when the media type is JSON and it parsed within the caps.
    pub json: Option<Value>,
    /// Why a JSON-typed body did not parse (syntax, depth cap, truncation).
    pub json_error: Option<String>,
}

impl Response {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type without parameters, lower-cased (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(media_type_of)
    }
}

/// `application/json; charset=utf-8` → `application/json`.
pub fn media_type_of(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type carries JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json_media_type(media_type: &str) -> bool {
    media_type == "application/json"
        || media_type.ends_with("+json")
        || media_type == "text/json"
        || media_type == "*/*"
}

/// Why no response came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// A human explanation naming the side that failed and why.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// TCP connect failed (refused, unreachable).
    Connect,
    /// TLS handshake failed (either side; the message says which).
    Tls,
    Timeout,
    /// A cap was hit in a way that made the response unusable.
    Limit,
    /// A redirect left the target's origin and was not followed.
    OffOrigin,
    Other,
}

/// Why a request was sent. The scan's phases tag their exchanges so that an analyzer knows
/// what a response can prove: a 200 to a baseline request is normal, the same 200 to a request
/// without a certificate is a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Purpose {
    /// The identity asks for what the plan resolved for it (its own objects).
    #[default]
    Baseline,
    /// The identity asks for an object that only `owner` listed (BOLA check).
    CrossIdentity { owner: String },
    /// No client certificate and no identity headers.
    NoCertificate,
    /// A certificate overshare made, copying `subject_of`'s subject.
    ForgedCertificate {
        kind: ForgedKind,
        subject_of: String,
    },
    /// Headers a TLS terminator would set for `victim`'s certificate, sent with the sender's own
    /// certificate (or none, when the exchange's identity is `None`).
    ForgedHeaders {
        victim: String,
        /// The header family (`nginx`, `envoy-xfcc`, ...), or `all` for every family at once.
        family: String,
        /// Header names sent, in order (values are in the request).
        headers: Vec<String>,
    },
    /// A step of a mass-assignment probe of `property`.
    Write { step: WriteStep, property: String },
}

/// How a forged certificate differs from the identity it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ForgedKind {
    /// Same subject, issued by a throwaway CA.
    RogueCa,
    /// Issued by the real CA (`--ca-key`), expired.
    Expired,
    /// Issued by the real CA, valid only from tomorrow.
    NotYetValid,
    /// Issued by the real CA for server authentication only (no clientAuth EKU).
    WrongEku,
}

impl ForgedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ForgedKind::RogueCa => "rogue-ca",
            ForgedKind::Expired => "expired",
            ForgedKind::NotYetValid => "not-yet-valid",
            ForgedKind::WrongEku => "wrong-eku",
        }
    }

    /// How a report says it: "a certificate from a throwaway CA".
    pub fn describe(self) -> &'static str {
        match self {
            ForgedKind::RogueCa => "a certificate with the same subject from a throwaway CA",
            ForgedKind::Expired => "an expired certificate from the real CA",
            ForgedKind::NotYetValid => "a not-yet-valid certificate from the real CA",
            ForgedKind::WrongEku => {
                "a certificate from the real CA without the clientAuth extended key usage"
            }
        }
    }
}

/// The steps of one mass-assignment probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteStep {
    /// Read the object before writing.
    Before,
    /// The write with the extra property.
    Write,
    /// Read the object back to see whether the write took.
    ReadBack,
    /// Write the original value back.
    Restore,
    /// Read the object again to see whether the restore took.
    Verify,
}

/// One request and its outcome.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Position in the run, for stable ordering.
    pub seq: usize,
    /// The identity that sent it; `None` for an anonymous request.
    pub identity: Option<String>,
    pub operation: PlannedOperation,
    pub request: Request,
    pub outcome: Result<Response, Failure>,
    pub elapsed: Duration,
    /// A shell command that reproduces the request without embedding secrets.
    pub reproduce: Option<String>,
    pub purpose: Purpose,
}

impl Exchange {
    pub fn response(&self) -> Option<&Response> {
        self.outcome.as_ref().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_drops_parameters() {
        assert_eq!(
            media_type_of("Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json_media_type("application/problem+json"));
        assert!(!is_json_media_type("text/html"));
    }
}
