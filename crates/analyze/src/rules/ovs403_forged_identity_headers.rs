#![doc = include_str!("../../docs/OVS403.md")]

use crate::session::HeaderWin;
use overshare_finding::{
    Category, Confidence, Evidence, Finding, Fingerprint, Location, RuleMeta, Severity,
};

pub static META: RuleMeta = RuleMeta {
    id: "OVS403",
    name: "forged-identity-header",
    category: Category::Mtls,
    default_severity: Severity::Critical,
    cwe: &["CWE-290", "CWE-287"],
    owasp: &["API2:2023"],
    summary: "A client-sent identity header makes the server answer as another identity",
    doc: include_str!("../../docs/OVS403.md"),
};

/// One finding per way of sending (with the sender's certificate, with none): the smallest
/// header set that worked, the families that worked on their own, and where.
pub fn findings(wins: &[HeaderWin]) -> Vec<Finding> {
    let mut out = Vec::new();
    for with_certificate in [true, false] {
        let mode: Vec<&HeaderWin> = wins
            .iter()
            .filter(|w| w.exchange_identity.is_some() == with_certificate)
            .collect();
        let Some(best) = mode.iter().min_by_key(|w| w.headers.len()) else {
            continue;
        };
        out.push(finding(best, &mode, with_certificate));
    }
    out
}

fn finding(best: &HeaderWin, all: &[&HeaderWin], with_certificate: bool) -> Finding {
    let mode = if with_certificate {
        "with-certificate"
    } else {
        "without-certificate"
    };
    let mut finding = Finding::from_rule(
        &META,
        Fingerprint::of(&[META.id, &best.operation.method, &best.operation.path, mode]),
    );
    let names: Vec<&str> = best.headers.iter().map(|(n, _)| n.as_str()).collect();
    // Each once, in the order they first worked (narrowing repeats a family's name).
    let families = unique(all.iter().map(|w| w.family.clone()).filter(|f| f != "all"));
    let paths = unique(all.iter().map(|w| super::url_path(&w.url)));
    let sender = match &best.exchange_identity {
        Some(name) => format!("with {name}'s own certificate"),
        None => "with no certificate at all".to_string(),
    };
    finding.title = format!("Forged identity header accepted ({mode})");
    finding.message = format!(
        "Sent {sender}, the header(s) {} naming {} made the server answer as {} on {} \
         (compared with both identities' own answers). Header families that worked on their \
         own: {}. The proxy passes these headers from the client, and the application trusts \
         them.",
        names.join(", "),
        best.victim,
        best.victim,
        paths.join(", "),
        if families.is_empty() {
            "none alone (only all together)".to_string()
        } else {
            families.join(", ")
        }
    );
    finding.confidence = Confidence::High;
    finding.operation = Some(best.operation.clone());
    finding.location = Location {
        json_pointer: None,
        pattern: Some(mode.to_string()),
        field: None,
    };
    finding.identity.clone_from(&best.exchange_identity);
    finding.identities = best.exchange_identity.iter().cloned().collect();
    finding.evidence = Evidence {
        status: Some(best.status),
        value: Some(names.join(", ")),
        content_type: None,
        reproduce: best.reproduce.clone(),
    };
    finding.remediation = "Make the proxy set (or clear) every identity header on every \
        request: `proxy_set_header X-SSL-Client-S-DN-CN $ssl_client_s_dn_cn;` (or `\"\"`) in each \
        nginx `location`, `RequestHeader set`/`unset` in Apache; in Django, accept the identity \
        headers only with `X-SSL-Client-Verify: SUCCESS` from the proxy, and reject requests that \
        carry them otherwise."
        .into();
    finding
}

/// The items in first-seen order, each once.
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
