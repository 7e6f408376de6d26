#![doc = include_str!("../../docs/OVS402.md")]

use super::{exchange_observation, url_path};
use crate::Observation;
use overshare_exchange::Exchange;
use overshare_finding::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS402",
    name: "rogue-certificate-accepted",
    category: Category::Mtls,
    default_severity: Severity::Critical,
    cwe: &["CWE-295"],
    owasp: &["API2:2023"],
    summary: "A certificate from an untrusted CA with a real identity's subject is accepted",
    doc: include_str!("../../docs/OVS402.md"),
};

/// A rogue-CA request that got data back.
pub fn judge(exchange: &Exchange, subject_of: &str) -> Option<Observation> {
    let status = exchange.response()?.status;
    Some(exchange_observation(
        &META,
        exchange,
        "",
        (
            format!("Forged certificate for `{subject_of}` accepted"),
            format!(
                "{} answered HTTP {status} with data to a certificate that copies {subject_of}'s \
                 subject but was issued by a throwaway CA overshare made: the server trusts the \
                 subject, not the chain.",
                url_path(&exchange.request.url)
            ),
        ),
        "Verify the chain against your client CA only (`ssl_client_certificate` with \
         `ssl_verify_client on`, not `optional_no_ca`), and in the application trust identity \
         only when the proxy says `X-SSL-Client-Verify: SUCCESS`.",
        None,
    ))
}
