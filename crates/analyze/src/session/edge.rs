//! The mTLS edge: tallies of what was refused, and the forged-header attempts that worked.

use super::{op_ref, skipped, verdict, verdict_of};
use crate::Observation;
use crate::rules::{
    ovs401_no_certificate, ovs402_rogue_certificate, ovs403_forged_identity_headers,
    ovs404_invalid_certificate,
};
use indexmap::IndexMap;
use overshare_exchange::compare::shows_identity;
use overshare_exchange::{Exchange, ForgedKind, Purpose};
use overshare_finding::{Check, Finding};
use serde_json::Value;

/// How the server answered the requests of one check.
#[derive(Default)]
struct Tally {
    tried: usize,
    /// How each refusal looked ("TLS handshake refused", "HTTP 400") → count.
    refused: IndexMap<String, usize>,
}

impl Tally {
    fn passed_detail(&self, what: &str) -> String {
        let how: Vec<String> = self
            .refused
            .iter()
            .map(|(how, n)| format!("{n} × {how}"))
            .collect();
        format!(
            "{} request(s) {what}: no data came back ({})",
            self.tried,
            if how.is_empty() {
                "no answer".to_string()
            } else {
                how.join(", ")
            }
        )
    }
}

/// A forged-header request whose answer was the victim's.
pub struct HeaderWin {
    pub exchange_identity: Option<String>,
    pub victim: String,
    pub family: String,
    pub headers: Vec<(String, String)>,
    pub operation: overshare_finding::OperationRef,
    pub url: String,
    pub status: u16,
    pub reproduce: Option<String>,
}

#[derive(Default)]
pub(super) struct Edge {
    no_certificate: Tally,
    forged: IndexMap<ForgedKind, (String, Tally)>,
    header_tries: usize,
    wins: Vec<HeaderWin>,
}

impl Edge {
    /// A request without a certificate or with a forged one.
    pub(super) fn certificate(&mut self, exchange: &Exchange) -> Option<Observation> {
        let tally = match &exchange.purpose {
            Purpose::NoCertificate => &mut self.no_certificate,
            Purpose::ForgedCertificate { kind, subject_of } => {
                &mut self
                    .forged
                    .entry(*kind)
                    .or_insert_with(|| (subject_of.clone(), Tally::default()))
                    .1
            }
            _ => return None,
        };
        tally.tried += 1;
        let refusal = refusal(exchange);
        if let Some(how) = refusal {
            *tally.refused.entry(how).or_default() += 1;
            return None;
        }
        match &exchange.purpose {
            Purpose::NoCertificate => ovs401_no_certificate::judge(exchange),
            Purpose::ForgedCertificate {
                kind: ForgedKind::RogueCa,
                subject_of,
            } => ovs402_rogue_certificate::judge(exchange, subject_of),
            Purpose::ForgedCertificate { kind, subject_of } => {
                ovs404_invalid_certificate::judge(exchange, *kind, subject_of)
            }
            _ => None,
        }
    }

    /// A forged-header request, with the sender's and the victim's own answers for the URL.
    pub(super) fn headers(
        &mut self,
        exchange: &Exchange,
        sender: Option<&Value>,
        victim_body: Option<&Value>,
    ) {
        self.header_tries += 1;
        let Purpose::ForgedHeaders {
            victim,
            family,
            headers,
        } = &exchange.purpose
        else {
            return;
        };
        let Some(response) = exchange.response() else {
            return;
        };
        let (Some(body), Some(victim_body)) = (response.json.as_ref(), victim_body) else {
            return;
        };
        let own = sender.cloned().unwrap_or(Value::Null);
        if !(200..300).contains(&response.status) || !shows_identity(body, &own, victim_body) {
            return;
        }
        let sent = exchange
            .request
            .headers
            .iter()
            .filter(|(name, _)| headers.iter().any(|h| h.eq_ignore_ascii_case(name)))
            .cloned()
            .collect();
        self.wins.push(HeaderWin {
            exchange_identity: exchange.identity.clone(),
            victim: victim.clone(),
            family: family.clone(),
            headers: sent,
            operation: op_ref(&exchange.operation),
            url: exchange.request.url.clone(),
            status: response.status,
            reproduce: exchange.reproduce.clone(),
        });
    }

    pub(super) fn header_findings(&self) -> Vec<Finding> {
        ovs403_forged_identity_headers::findings(&self.wins)
    }

    pub(super) fn checks(&self, findings: &[Finding]) -> Vec<Check> {
        let mut checks = Vec::new();
        let (id, title, rule) = (
            "no-certificate",
            "Requests without a client certificate",
            ovs401_no_certificate::META.id,
        );
        checks.push(match self.no_certificate.tried {
            0 => skipped(
                id,
                title,
                rule,
                "no protected operation answered the primary identity",
            ),
            _ => verdict(
                id,
                title,
                rule,
                findings,
                self.no_certificate.passed_detail("without a certificate"),
            ),
        });
        for (kind, (victim, tally)) in &self.forged {
            let (id, title, rule) = match kind {
                ForgedKind::RogueCa => (
                    "rogue-ca",
                    "A certificate with a real identity's subject from a throwaway CA",
                    ovs402_rogue_certificate::META.id,
                ),
                ForgedKind::Expired => (
                    "expired-certificate",
                    "An expired certificate from the real CA",
                    ovs404_invalid_certificate::META.id,
                ),
                ForgedKind::NotYetValid => (
                    "not-yet-valid-certificate",
                    "A not-yet-valid certificate from the real CA",
                    ovs404_invalid_certificate::META.id,
                ),
                ForgedKind::WrongEku => (
                    "wrong-eku-certificate",
                    "A certificate from the real CA without clientAuth",
                    ovs404_invalid_certificate::META.id,
                ),
            };
            // OVS404 serves three kinds (its pattern is the kind): each check counts its own.
            let failed = findings
                .iter()
                .filter(|f| f.rule == rule)
                .filter(|f| {
                    *kind == ForgedKind::RogueCa
                        || f.location.pattern.as_deref() == Some(kind.as_str())
                })
                .count();
            let passed = tally.passed_detail(&format!("with {victim}'s subject"));
            checks.push(verdict_of(id, title, rule, failed, passed));
        }
        let (id, title, rule) = (
            "forged-identity-headers",
            "Identity headers a TLS terminator would set, sent by the client",
            ovs403_forged_identity_headers::META.id,
        );
        checks.push(match self.header_tries {
            0 => skipped(
                id,
                title,
                rule,
                "needs two identities with certificates that read the same operation",
            ),
            n => verdict(
                id,
                title,
                rule,
                findings,
                format!("{n} request(s) with forged identity headers: none changed who the server answered as"),
            ),
        });
        checks
    }
}

/// The reason part of a TLS failure message, without the advice around it.
fn tls_reason(message: &str) -> &str {
    let reason = message.split_once("): ").map_or(message, |(_, rest)| rest);
    let end = [" (", "; check ", "; "]
        .iter()
        .filter_map(|cut| reason.find(cut))
        .min()
        .unwrap_or(reason.len());
    &reason[..end]
}

/// How a request was refused, or `None` if it got an answer that may carry data.
fn refusal(exchange: &Exchange) -> Option<String> {
    let response = match &exchange.outcome {
        Err(failure) => {
            return Some(match failure.kind {
                overshare_exchange::FailureKind::Tls => {
                    format!("TLS handshake refused: {}", tls_reason(&failure.message))
                }
                _ => "no answer".to_string(),
            });
        }
        Ok(response) => response,
    };
    if !(200..300).contains(&response.status) {
        return Some(format!("HTTP {}", response.status));
    }
    // JSON data only: a 200 HTML page (a proxy's sign-in page, an error page) is not the API's
    // data, and calling it a critical leak would be crying wolf.
    let carries = response
        .json
        .as_ref()
        .is_some_and(overshare_exchange::compare::carries_data);
    (!carries).then(|| format!("HTTP {} without JSON data", response.status))
}
