#![doc = include_str!("../../docs/OVS401.md")]

use super::{exchange_observation, url_path};
use crate::Observation;
use overshare_exchange::Exchange;
use overshare_finding::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS401",
    name: "no-certificate-accepted",
    category: Category::Mtls,
    default_severity: Severity::Critical,
    cwe: &["CWE-295", "CWE-306"],
    owasp: &["API2:2023"],
    summary: "A protected operation returns data without a client certificate",
    doc: include_str!("../../docs/OVS401.md"),
};

/// A request without a certificate that got data back (the caller checked it was not refused).
pub fn judge(exchange: &Exchange) -> Option<Observation> {
    let status = exchange.response()?.status;
    Some(exchange_observation(
        &META,
        exchange,
        "",
        (
            "Data served without a client certificate".to_string(),
            format!(
                "{} answered HTTP {status} with data to a request that presented no client \
                 certificate and no identity headers, although the spec protects it.",
                url_path(&exchange.request.url)
            ),
        ),
        "Require the certificate at the edge (`ssl_verify_client on;` in nginx, \
         `SSLVerifyClient require` in Apache) or refuse in Django when \
         `X-SSL-Client-Verify` is not `SUCCESS`; never make an mTLS-only view `AllowAny`.",
        None,
    ))
}
