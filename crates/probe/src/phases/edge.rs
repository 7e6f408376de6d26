//! The mTLS edge: does the server hand out data without a certificate, to a forged certificate,
//! or to a client that names another identity in the headers a TLS terminator would set?
//!
//! Every check re-asks operations the primary identity read successfully in the baseline run,
//! so that a refusal means "refused", not "this operation never worked".

use super::forged_headers::{self, HeaderFamily};
use super::{PhaseInput, ok_json, send_batch, send_each, send_one};
use crate::client::{Planned, Sender};
use crate::run::planned_operation;
use overshare_exchange::compare::shows_identity;
use overshare_exchange::{Exchange, FailureKind, ForgedKind, PlannedOperation, Purpose};
use serde_json::Value;
use url::Url;

/// Operations re-asked per edge check, at most.
const MAX_EDGE_OPERATIONS: usize = 25;
/// Operations tried with forged identity headers, at most.
const MAX_HEADER_OPERATIONS: usize = 6;

/// A forged certificate the caller added to the prober.
#[derive(Debug, Clone)]
pub struct ForgedSender {
    pub sender: Sender,
    pub kind: ForgedKind,
    /// The identity whose subject it copies.
    pub victim: String,
}

/// Run every edge check.
pub async fn run(
    input: &PhaseInput<'_>,
    forged: &[ForgedSender],
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) {
    let targets = edge_targets(input);
    let no_cert = targets
        .iter()
        .filter(|t| t.protected)
        .map(|t| t.planned(Sender::Anonymous, Purpose::NoCertificate, Vec::new()))
        .collect();
    send_explained(input, Sender::Anonymous, no_cert, on_exchange).await;
    for forgery in forged {
        let purpose = Purpose::ForgedCertificate {
            kind: forgery.kind,
            subject_of: forgery.victim.clone(),
        };
        let batch = targets
            .iter()
            .map(|t| t.planned(forgery.sender, purpose.clone(), Vec::new()))
            .collect();
        send_explained(input, forgery.sender, batch, on_exchange).await;
    }
    forged_identity_headers(input, on_exchange).await;
}

/// Send a batch for one sender. When the server refuses the sender's handshake, requests fail
/// with whatever the HTTP stack saw ("request was canceled"); a bare handshake tells why, and
/// that reason replaces the vague one.
async fn send_explained(
    input: &PhaseInput<'_>,
    sender: Sender,
    batch: Vec<Planned>,
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) {
    if batch.is_empty() || input.cancelled() {
        return;
    }
    let handshake = input.prober.check_sender_handshake(sender).await.err();
    let mut explain = |mut exchange: Exchange| {
        if let (Some(refusal), Err(failure)) = (&handshake, &mut exchange.outcome)
            && failure.kind != FailureKind::Timeout
        {
            *failure = refusal.clone();
        }
        on_exchange(exchange);
    };
    send_each(input, batch, &mut explain).await;
}

/// One operation the primary identity read successfully, and its URL.
struct EdgeTarget {
    operation: PlannedOperation,
    url: Url,
    /// The spec does not declare it public (`security: []`).
    protected: bool,
}

impl EdgeTarget {
    fn planned(&self, sender: Sender, purpose: Purpose, headers: Vec<(String, String)>) -> Planned {
        Planned {
            headers,
            purpose,
            ..Planned::get(self.operation.clone(), sender, self.url.clone())
        }
    }
}

fn edge_targets(input: &PhaseInput<'_>) -> Vec<EdgeTarget> {
    let Some(&primary) = input.identities.first() else {
        return Vec::new();
    };
    input
        .contract
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == "GET")
        .filter_map(|(index, op)| {
            let request = input.run.succeeded(index, primary)?;
            Some(EdgeTarget {
                operation: planned_operation(op),
                url: request.url.clone(),
                protected: op.security.as_ref().is_none_or(|s| !s.is_empty()),
            })
        })
        .take(MAX_EDGE_OPERATIONS)
        .collect()
}

/// With identity A's certificate, and again with none, send the headers a TLS terminator would
/// set for identity B. Where the answer turns into B's, narrow down which headers did it.
async fn forged_identity_headers(
    input: &PhaseInput<'_>,
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) {
    let Some((sender, victim)) = pair(input) else {
        return;
    };
    let Some(victim_cert) = input.prober.identity(victim).cert.clone() else {
        return;
    };
    let families = forged_headers::families(&victim_cert);
    let victim_name = input.name(victim);
    for target in shared_targets(input, sender, victim) {
        let baselines = [
            Sender::Identity(sender),
            Sender::Identity(victim),
            Sender::Anonymous,
        ]
        .map(|s| target.planned(s, Purpose::Baseline, Vec::new()));
        let mut answers = send_batch(input, baselines.to_vec()).await;
        if answers.len() < 3 {
            return;
        }
        let bodies: Vec<Option<Value>> = answers.iter().map(|e| ok_json(e).cloned()).collect();
        let anonymous_body = answers[2]
            .response()
            .and_then(|r| r.json.clone())
            .unwrap_or(Value::Null);
        for exchange in answers.drain(..) {
            on_exchange(exchange);
        }
        let Some(victim_body) = &bodies[1] else {
            continue;
        };
        let senders = [
            (
                Sender::Identity(sender),
                bodies[0].clone().unwrap_or(Value::Null),
            ),
            (Sender::Anonymous, anonymous_body.clone()),
        ];
        for (from, own_body) in senders {
            let probe = Probe {
                target: &target,
                from,
                own: &own_body,
                victim: victim_body,
                victim_name: &victim_name,
            };
            probe.narrow(input, &families, on_exchange).await;
        }
    }
}

/// The first identity with a certificate sends; the next one with a certificate is the victim.
fn pair(input: &PhaseInput<'_>) -> Option<(usize, usize)> {
    let mut with_cert = input
        .identities
        .iter()
        .copied()
        .filter(|&i| input.prober.identity(i).cert.is_some());
    Some((with_cert.next()?, with_cert.next()?))
}

/// Operations both identities read at the same URL (so their answers are comparable).
fn shared_targets(input: &PhaseInput<'_>, a: usize, b: usize) -> Vec<EdgeTarget> {
    input
        .contract
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == "GET")
        .filter_map(|(index, op)| {
            let ra = input.run.succeeded(index, a)?;
            let rb = input.run.succeeded(index, b)?;
            (ra.url == rb.url).then(|| EdgeTarget {
                operation: planned_operation(op),
                url: ra.url.clone(),
                protected: true,
            })
        })
        .take(MAX_HEADER_OPERATIONS)
        .collect()
}

/// One sender trying forged headers on one operation.
struct Probe<'a> {
    target: &'a EdgeTarget,
    from: Sender,
    own: &'a Value,
    victim: &'a Value,
    victim_name: &'a str,
}

impl Probe<'_> {
    /// Every family at once; if that works, each family alone; then drop headers one at a time
    /// from the first family that works while the answer stays the victim's. Every request
    /// goes to the analyzers, which pick the smallest set that worked.
    async fn narrow(
        &self,
        input: &PhaseInput<'_>,
        families: &[HeaderFamily],
        on_exchange: &mut (dyn FnMut(Exchange) + Send),
    ) {
        let all = forged_headers::all_headers(families);
        if !self.try_headers(input, "all", all, on_exchange).await {
            return;
        }
        let mut working = None;
        for family in families {
            if self
                .try_headers(input, family.name, family.headers.clone(), on_exchange)
                .await
                && working.is_none()
            {
                working = Some(family);
            }
        }
        let Some(family) = working else {
            return;
        };
        let mut kept = family.headers.clone();
        let mut index = 0;
        while index < kept.len() && kept.len() > 1 {
            let mut fewer = kept.clone();
            fewer.remove(index);
            if self
                .try_headers(input, family.name, fewer.clone(), on_exchange)
                .await
            {
                kept = fewer;
            } else {
                index += 1;
            }
        }
    }

    async fn try_headers(
        &self,
        input: &PhaseInput<'_>,
        family: &str,
        headers: Vec<(String, String)>,
        on_exchange: &mut (dyn FnMut(Exchange) + Send),
    ) -> bool {
        let purpose = Purpose::ForgedHeaders {
            victim: self.victim_name.to_string(),
            family: family.to_string(),
            headers: headers.iter().map(|(n, _)| n.clone()).collect(),
        };
        let planned = self.target.planned(self.from, purpose, headers);
        let Some(exchange) = send_one(input, planned).await else {
            return false;
        };
        let worked =
            ok_json(&exchange).is_some_and(|body| shows_identity(body, self.own, self.victim));
        on_exchange(exchange);
        worked
    }
}
