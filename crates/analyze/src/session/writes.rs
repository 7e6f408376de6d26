//! Mass assignment: the steps of each write probe, put back together per (URL, property).

use super::{op_ref, skipped, verdict};
use crate::Observation;
use crate::rules::ovs501_mass_assignment as rule;
use indexmap::IndexMap;
use overshare_classify::Classifier;
use overshare_exchange::{Exchange, Purpose, WriteStep};
use overshare_finding::{Check, Finding, OperationRef};
use serde_json::Value;
use std::collections::HashMap;

/// What one property's probe showed.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    pub operation: Option<OperationRef>,
    pub identity: Option<String>,
    pub url: String,
    pub property: String,
    pub written: Option<Value>,
    pub write_status: Option<u16>,
    pub read_back: Option<Value>,
    pub verified: Option<Value>,
    pub restore_attempted: bool,
    pub reproduce: Option<String>,
}

#[derive(Default)]
pub(super) struct Writes {
    before: HashMap<String, Value>,
    traces: IndexMap<(String, String), Trace>,
}

impl Writes {
    pub(super) fn observe(&mut self, exchange: &Exchange) {
        let Purpose::Write { step, property } = &exchange.purpose else {
            return;
        };
        let url = exchange.request.url.clone();
        let body = exchange
            .response()
            .filter(|r| (200..300).contains(&r.status))
            .and_then(|r| r.json.as_ref());
        if *step == WriteStep::Before {
            if let Some(body) = body {
                self.before.insert(url, body.clone());
            }
            return;
        }
        let trace = self
            .traces
            .entry((url.clone(), property.clone()))
            .or_insert_with(|| Trace {
                url,
                property: property.clone(),
                ..Trace::default()
            });
        let field = || body.and_then(|b| b.get(property)).cloned();
        match step {
            WriteStep::Write => {
                trace.operation = Some(op_ref(&exchange.operation));
                trace.identity.clone_from(&exchange.identity);
                trace.write_status = exchange.response().map(|r| r.status);
                trace.reproduce.clone_from(&exchange.reproduce);
                trace.written = exchange
                    .request
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<Value>(b).ok())
                    .and_then(|b| b.get(property).cloned());
            }
            WriteStep::ReadBack => trace.read_back = field(),
            WriteStep::Restore => trace.restore_attempted = true,
            WriteStep::Verify => trace.verified = field(),
            WriteStep::Before => {}
        }
    }

    pub(super) fn judge(&self, classifier: &Classifier) -> Vec<Observation> {
        self.traces
            .values()
            .filter_map(|trace| {
                let before = self.before.get(&trace.url)?.get(&trace.property)?;
                rule::judge(trace, before, classifier)
            })
            .collect()
    }

    pub(super) fn check(&self, findings: &[Finding]) -> Option<Check> {
        let (id, title) = (
            "mass-assignment",
            "Writes of properties the request schema does not allow",
        );
        if self.traces.is_empty() {
            return Some(skipped(
                id,
                title,
                rule::META.id,
                "not run: write probes need --active (and a PATCH or PUT with a GET on the same path)",
            ));
        }
        Some(verdict(
            id,
            title,
            rule::META.id,
            findings,
            format!(
                "{} propert(ies) written one at a time and read back: the server kept none",
                self.traces.len()
            ),
        ))
    }
}
