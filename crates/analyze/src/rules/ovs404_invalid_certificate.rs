#![doc = include_str!("../../docs/OVS404.md")]

use super::{exchange_observation, url_path};
use crate::Observation;
use overshare_exchange::{Exchange, ForgedKind};
use overshare_finding::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS404",
    name: "invalid-certificate-accepted",
    category: Category::Mtls,
    default_severity: Severity::High,
    cwe: &["CWE-295", "CWE-298"],
    owasp: &["API2:2023"],
    summary: "An expired, not-yet-valid or server-only certificate from the real CA is accepted",
    doc: include_str!("../../docs/OVS404.md"),
};

/// A request with a certificate the real CA issued wrongly (`--ca-key`) that got data back.
/// The pattern is the kind, so each kind that is accepted is its own finding.
pub fn judge(exchange: &Exchange, kind: ForgedKind, subject_of: &str) -> Option<Observation> {
    let status = exchange.response()?.status;
    Some(exchange_observation(
        &META,
        exchange,
        kind.as_str(),
        (
            format!("Invalid certificate accepted ({})", kind.as_str()),
            format!(
                "{} answered HTTP {status} with data to {} with {subject_of}'s subject.",
                url_path(&exchange.request.url),
                kind.describe()
            ),
        ),
        "Let the TLS terminator verify the whole certificate (dates and extended key usage \
         `clientAuth`), and do not accept `ssl_verify_client optional_no_ca` or application-side \
         certificate parsing that skips these checks.",
        Some(kind.as_str().to_string()),
    ))
}
