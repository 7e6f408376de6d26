//! Sensitive data in responses: every field of every JSON body, classified by the data rules
//! of `overshare-classify` (field names and validated values), declared in the spec or not.
//!
//! The rules themselves are data (`crates/classify/rules/builtin.toml`, extended by `--rules`);
//! this module only walks the body, asks the classifier about each field, and says whether the
//! spec declares the field: a declared sensitive field is still reported, one severity lower
//! (the API's authors chose to expose it), unless its class is never acceptable in a response
//! (password hashes, private keys, live secrets).

use super::Context;
use super::walk::{Walked, dotted};
use crate::{Observation, RuleRef};
use overshare_classify::{Basis, Class, Hit};
use overshare_contract::pointer::{escape, unescape};
use overshare_finding::{Severity, redact};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write;

/// Classify every field of `body`; one observation per (rule, folded pointer).
pub fn check(
    ctx: &Context<'_>,
    body: &Value,
    walked: Option<&Walked<'_>>,
    out: &mut Vec<Observation>,
) {
    let undeclared: HashSet<&str> = walked
        .map(|w| w.undeclared.iter().map(|s| s.pattern.as_str()).collect())
        .unwrap_or_default();
    let mut walker = Walker {
        ctx,
        // Without a schema for this response nothing in it is declared.
        schema_known: walked.is_some(),
        undeclared,
        seen: HashSet::new(),
        keys: Vec::new(),
        out,
    };
    walker.visit(body, &mut String::new(), &mut String::new());
}

struct Walker<'c, 'a, 'o> {
    ctx: &'c Context<'a>,
    schema_known: bool,
    undeclared: HashSet<&'c str>,
    /// (rule id, pattern) already reported for this exchange.
    seen: HashSet<(String, String)>,
    /// Object keys from the root to the current field (array levels left out).
    keys: Vec<&'c str>,
    out: &'o mut Vec<Observation>,
}

impl<'c> Walker<'c, '_, '_> {
    fn visit(&mut self, value: &'c Value, ptr: &mut String, pat: &mut String) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let (p, q) = (ptr.len(), pat.len());
                    let escaped = escape(key);
                    ptr.push('/');
                    ptr.push_str(&escaped);
                    pat.push('/');
                    pat.push_str(&escaped);
                    self.keys.push(key);
                    self.field(child, ptr, pat);
                    self.visit(child, ptr, pat);
                    self.keys.pop();
                    ptr.truncate(p);
                    pat.truncate(q);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let (p, q) = (ptr.len(), pat.len());
                    let _ = write!(ptr, "/{index}");
                    pat.push_str("/*");
                    self.visit(item, ptr, pat);
                    ptr.truncate(p);
                    pat.truncate(q);
                }
            }
            _ => {}
        }
    }

    fn field(&mut self, value: &Value, ptr: &str, pat: &str) {
        let Some(hit) = self.ctx.classifier.classify(&self.keys, value) else {
            return;
        };
        if !self.seen.insert((hit.rule.id.clone(), pat.to_string())) {
            return;
        }
        let declared = self.schema_known && !self.is_undeclared(pat);
        let observation = observe(self.ctx, &hit, value, ptr, pat, declared);
        self.out.push(observation);
    }

    /// The pattern or one of its ancestors is an undeclared property.
    fn is_undeclared(&self, pattern: &str) -> bool {
        let mut prefix = pattern;
        loop {
            if self.undeclared.contains(prefix) {
                return true;
            }
            match prefix.rfind('/') {
                Some(0) | None => return false,
                Some(cut) => prefix = &prefix[..cut],
            }
        }
    }
}

fn observe(
    ctx: &Context<'_>,
    hit: &Hit<'_>,
    value: &Value,
    ptr: &str,
    pat: &str,
    declared: bool,
) -> Observation {
    let rule = hit.rule;
    let lowered = declared && !rule.never_acceptable;
    let severity = if lowered {
        one_lower(hit.severity)
    } else {
        hit.severity
    };
    let field = dotted(pat);
    let what = match (&hit.detail, hit.basis) {
        (Some(detail), _) => format!("{} ({detail})", rule.summary.trim_end_matches('.')),
        (None, _) => rule.summary.trim_end_matches('.').to_string(),
    };
    let basis = match hit.basis {
        Basis::Name => "by its name",
        Basis::Value => "by its value",
        Basis::NameAndValue => "by its name and its value",
    };
    let spec = if !declared {
        "The spec does not declare it.".to_string()
    } else if rule.never_acceptable {
        "The spec declares it, but this class of data is never acceptable in a response."
            .to_string()
    } else {
        format!(
            "The spec declares it, so the API's authors chose to expose it: severity lowered from {} to {severity}.",
            hit.severity
        )
    };
    Observation {
        rule: RuleRef::from(rule),
        operation: ctx.operation_ref(),
        pattern: pat.to_string(),
        pointer: ptr.to_string(),
        field: ptr.rsplit('/').next().map(|s| unescape(s).into_owned()),
        identity: ctx.exchange.identity.clone(),
        severity,
        confidence: hit.confidence,
        title: format!("{} in `{field}`", rule.summary.trim_end_matches('.')),
        message: format!(
            "{} {} returned `{field}` (at {ptr}), classified as {} {basis}: {what}. {spec}",
            ctx.operation.method,
            ctx.operation.path,
            rule.class.as_str()
        ),
        remediation: remediation(rule.class).to_string(),
        evidence: ctx.evidence(Some(redact::redact_classified(
            value,
            rule.class.as_str(),
            hit.safe_prefix.as_deref(),
        ))),
    }
}

fn one_lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// The Django fix, by class. The rule's own doc (`overshare explain`) has the long form.
fn remediation(class: Class) -> &'static str {
    match class {
        Class::Credential => {
            "Never serialize secrets: remove the field from `Meta.fields` (never `'__all__'`), or \
             make it `write_only=True`; rotate any secret that was exposed."
        }
        Class::Privilege => {
            "Keep privilege and auth state out of client-facing serializers (list explicit \
             `Meta.fields`, drop `depth`); expose a narrow derived field if a client needs one."
        }
        Class::Personal => {
            "Return personal data only to its owner and only the fields the client needs: explicit \
             `Meta.fields`, a per-object permission, and no nested `User` via `depth`."
        }
        Class::Financial => {
            "Never return full payment or account numbers: store a token and expose only the \
             last four digits."
        }
        Class::Internal => {
            "Keep internal state (notes, debug data, settings, infrastructure names) out of API \
             responses; set `DEBUG = False` in production."
        }
        Class::InternalReference => {
            "Prefer opaque public identifiers over sequential ids and foreign keys, and check \
             object ownership on every lookup by id."
        }
    }
}
