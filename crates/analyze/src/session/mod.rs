//! A scan's analysis as a whole: the per-exchange rules on every baseline exchange, and the
//! rules that need more than one exchange (cross-identity access, unfiltered collections, role
//! differences, the mTLS edge, mass assignment).
//!
//! ```text
//! Exchange ──► Session::observe ──► per-exchange rules (Observation*)
//!                               └─► what the cross-exchange rules need, kept compact
//! Session::finish ──► Finding* + Check*
//! ```
//!
//! Exchanges arrive in any order within a phase, but phases arrive in order (baseline, cross,
//! edge, active), which is what the cross-exchange rules rely on: an owner's own view is always
//! seen before another identity's request for the same object.
//!
//! What is kept is bounded: response bodies only for responses of at most
//! [`MAX_KEPT_BODY`] bytes, up to [`MAX_KEPT_TOTAL`] in all; collections as ids and owner
//! values; property sets as folded pointers.

pub mod collections;
pub mod edge;
pub mod writes;

pub use collections::Scoping;
pub use edge::HeaderWin;
pub use writes::Trace;

use crate::rules;
use crate::{Analyzer, Observation};
use indexmap::IndexMap;
use overshare_exchange::{Exchange, PlannedOperation, Purpose};
use overshare_finding::{Check, Finding, OperationRef};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Bodies larger than this are not kept for comparison.
pub const MAX_KEPT_BODY: usize = 1024 * 1024;
/// Bodies kept for comparison, in all.
pub const MAX_KEPT_TOTAL: usize = 64 * 1024 * 1024;

/// What the cross-exchange rules need to know about the scan.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// Identity names in the order the user gave them (the primary first).
    pub identities: Vec<String>,
    /// Identity name → role (`role = "admin"` in the config).
    pub roles: HashMap<String, String>,
    /// Roles from lowest to highest; empty for the built-in order.
    pub role_order: Vec<String>,
    /// Property (name, or folded pointer starting with `/`) → the lowest role that may see it.
    pub reserved: Vec<(String, String)>,
    /// Operation path → how its collection is scoped (config `[scoping]`); the operation's
    /// `x-overshare-scope` extension says the same in the spec.
    pub scoping: HashMap<String, Scoping>,
}

/// The analysis of one scan.
pub struct Session<'a> {
    analyzer: Analyzer<'a>,
    options: SessionOptions,
    /// ((identity rank, seq), observations) so that grouping is deterministic.
    observations: Vec<((usize, usize), Vec<Observation>)>,
    /// (URL, identity) → the latest 2xx JSON body a baseline request got.
    bodies: HashMap<(String, Option<String>), Arc<Value>>,
    kept_bytes: usize,
    collections: collections::Collections,
    /// (operation, identity) → folded property pointers seen, and the exchange that showed them.
    properties: rules::ovs303_role_property::PropertySightings,
    edge: edge::Edge,
    writes: writes::Writes,
    cross_tried: usize,
}

impl<'a> Session<'a> {
    pub fn new(analyzer: Analyzer<'a>, options: SessionOptions) -> Session<'a> {
        Session {
            analyzer,
            options,
            observations: Vec::new(),
            bodies: HashMap::new(),
            kept_bytes: 0,
            collections: collections::Collections::default(),
            properties: IndexMap::new(),
            edge: edge::Edge::default(),
            writes: writes::Writes::default(),
            cross_tried: 0,
        }
    }

    fn rank(&self, identity: Option<&str>) -> usize {
        identity
            .and_then(|name| self.options.identities.iter().position(|i| i == name))
            .unwrap_or(usize::MAX)
    }

    fn push(&mut self, exchange: &Exchange, observations: Vec<Observation>) {
        if !observations.is_empty() {
            let rank = self.rank(exchange.identity.as_deref());
            self.observations.push(((rank, exchange.seq), observations));
        }
    }

    /// Take in one exchange.
    pub fn observe(&mut self, exchange: &Exchange) {
        match &exchange.purpose {
            Purpose::Baseline => self.baseline(exchange),
            Purpose::CrossIdentity { owner } => {
                let owner_body = self.body(&exchange.request.url, Some(owner));
                // Only a request with the owner's own view to compare with was a test.
                self.cross_tried += usize::from(owner_body.is_some());
                let found = owner_body.and_then(|body| {
                    rules::ovs301_cross_identity_object::judge(exchange, &body, owner)
                });
                self.push(exchange, found.into_iter().collect());
            }
            Purpose::NoCertificate | Purpose::ForgedCertificate { .. } => {
                let found = self.edge.certificate(exchange);
                self.push(exchange, found.into_iter().collect());
            }
            Purpose::ForgedHeaders { victim, .. } => {
                let sender = self.body(&exchange.request.url, exchange.identity.as_deref());
                let victim = self.body(&exchange.request.url, Some(victim));
                self.edge
                    .headers(exchange, sender.as_deref(), victim.as_deref());
            }
            Purpose::Write { .. } => self.writes.observe(exchange),
        }
    }

    fn baseline(&mut self, exchange: &Exchange) {
        if exchange.identity.is_some() {
            let observations = self.analyzer.exchange(exchange);
            self.push(exchange, observations);
        }
        let Some(response) = exchange.response() else {
            return;
        };
        let Some(json) = response
            .json
            .as_ref()
            .filter(|_| (200..300).contains(&response.status))
        else {
            return;
        };
        if let Some(identity) = &exchange.identity {
            let operation = op_ref(&exchange.operation);
            self.collections
                .observe(&operation, identity, json, exchange.reproduce.clone());
            self.record_properties(operation, identity, exchange, json);
        }
        let size = response.body.len();
        if size <= MAX_KEPT_BODY && self.kept_bytes + size <= MAX_KEPT_TOTAL {
            self.kept_bytes += size;
            let key = (exchange.request.url.clone(), exchange.identity.clone());
            self.bodies.insert(key, Arc::new(json.clone()));
        }
    }

    fn record_properties(
        &mut self,
        operation: OperationRef,
        identity: &str,
        exchange: &Exchange,
        json: &Value,
    ) {
        if self.options.roles.is_empty() {
            return;
        }
        let entry = self
            .properties
            .entry((operation, identity.to_string()))
            .or_insert_with(|| (HashSet::new(), exchange.reproduce.clone()));
        rules::ovs303_role_property::patterns(json, &mut entry.0);
    }

    fn body(&self, url: &str, identity: Option<&str>) -> Option<Arc<Value>> {
        self.bodies
            .get(&(url.to_string(), identity.map(str::to_string)))
            .cloned()
    }

    /// Everything found, and the verdict of every check that ran.
    pub fn finish(mut self) -> (Vec<Finding>, Vec<Check>) {
        let contract = self.analyzer.contract;
        let mut late: Vec<Observation> = Vec::new();
        late.extend(self.collections.judge(contract, &self.options));
        late.extend(rules::ovs303_role_property::judge(
            &self.properties,
            &self.options,
        ));
        late.extend(self.writes.judge(self.analyzer.classifier));
        // Identities in the order given, whatever order their answers arrived in.
        late.sort_by_key(|o| self.rank(o.identity.as_deref()));
        self.observations.sort_by_key(|(key, _)| *key);
        let observations = self
            .observations
            .into_iter()
            .flat_map(|(_, obs)| obs)
            .chain(late);
        let mut findings = crate::group(observations);
        findings.extend(self.edge.header_findings());
        overshare_finding::sort_findings(&mut findings);
        let mut checks = Vec::new();
        checks.extend(self.edge.checks(&findings));
        checks.push(cross_check(
            self.cross_tried,
            &findings,
            self.options.identities.len(),
        ));
        checks.push(
            self.collections
                .check(&findings, self.options.identities.len()),
        );
        checks.extend(self.writes.check(&findings));
        (findings, checks)
    }
}

/// The report's name for an exchange's operation.
pub fn op_ref(operation: &PlannedOperation) -> OperationRef {
    OperationRef {
        method: operation.method.clone(),
        path: operation.path.clone(),
        operation_id: operation.operation_id.clone(),
    }
}

/// A check's verdict from the findings of its rule.
pub(crate) fn verdict(
    id: &str,
    title: &str,
    rule: &str,
    findings: &[Finding],
    passed: String,
) -> Check {
    let failed = findings.iter().filter(|f| f.rule == rule).count();
    verdict_of(id, title, rule, failed, passed)
}

/// A check's verdict from how many findings it produced (when a rule serves several checks,
/// the caller counts only its own).
pub(crate) fn verdict_of(
    id: &str,
    title: &str,
    rule: &str,
    failed: usize,
    passed: String,
) -> Check {
    let (status, detail) = match failed {
        0 => (overshare_finding::CheckStatus::Passed, passed),
        n => (
            overshare_finding::CheckStatus::Failed,
            format!("{n} finding(s) of rule {rule} in this report"),
        ),
    };
    Check {
        id: id.to_string(),
        title: title.to_string(),
        status,
        detail,
        rule: Some(rule.to_string()),
    }
}

pub(crate) fn skipped(id: &str, title: &str, rule: &str, why: &str) -> Check {
    Check {
        id: id.to_string(),
        title: title.to_string(),
        status: overshare_finding::CheckStatus::Skipped,
        detail: why.to_string(),
        rule: Some(rule.to_string()),
    }
}

fn cross_check(tried: usize, findings: &[Finding], identities: usize) -> Check {
    let (id, title, rule) = (
        "cross-identity-objects",
        "Objects of one identity requested by another",
        rules::ovs301_cross_identity_object::META.id,
    );
    if identities < 2 {
        return skipped(id, title, rule, "needs two or more identities");
    }
    if tried == 0 {
        return skipped(
            id,
            title,
            rule,
            "no item operation had an object that only one identity listed (with the owner's \
             own view kept to compare with)",
        );
    }
    verdict(
        id,
        title,
        rule,
        findings,
        format!("{tried} request(s) for another identity's object: none returned it"),
    )
}
