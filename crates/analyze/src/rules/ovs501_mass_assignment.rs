#![doc = include_str!("../../docs/OVS501.md")]

use crate::session::Trace;
use crate::{Observation, RuleRef};
use overshare_classify::Classifier;
use overshare_contract::pointer::escape;
use overshare_exchange::compare::is_owner_name;
use overshare_finding::{Category, Confidence, Evidence, RuleMeta, Severity, redact};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    id: "OVS501",
    name: "mass-assignment",
    category: Category::MassAssignment,
    default_severity: Severity::High,
    cwe: &["CWE-915"],
    owasp: &["API3:2023"],
    summary: "A write changes a property the request schema does not allow",
    doc: include_str!("../../docs/OVS501.md"),
};

/// Names whose change is a privilege or ownership change: critical.
fn privileged(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_owner_name(&lower)
        || [
            "staff",
            "superuser",
            "admin",
            "role",
            "permission",
            "group",
            "scope",
            "verified",
            "active",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// A write probe whose read-back shows the written value, where the object had another.
pub fn judge(trace: &Trace, before: &Value, classifier: &Classifier) -> Option<Observation> {
    let written = trace.written.as_ref()?;
    if trace.read_back.as_ref() != Some(written) || written == before {
        return None;
    }
    let operation = trace.operation.clone()?;
    let restored = trace.verified.as_ref() == Some(before);
    let show = |value: &Value| match classifier.classify(&[trace.property.as_str()], value) {
        Some(hit) => {
            redact::redact_classified(value, hit.rule.class.as_str(), hit.safe_prefix.as_deref())
        }
        None => value.to_string(),
    };
    let restore_note = match (trace.restore_attempted, restored) {
        (_, true) => "overshare wrote the original value back and read it back.".to_string(),
        (true, false) => {
            "overshare could NOT restore the original value: restore it by hand.".to_string()
        }
        (false, false) => "the original value was not written back.".to_string(),
    };
    let path = super::url_path(&trace.url);
    Some(Observation {
        rule: RuleRef::from(&META),
        operation: operation.clone(),
        pattern: format!("/{}", escape(&trace.property)),
        pointer: format!("/{}", escape(&trace.property)),
        field: Some(trace.property.clone()),
        identity: trace.identity.clone(),
        severity: if privileged(&trace.property) {
            Severity::Critical
        } else {
            META.default_severity
        },
        confidence: Confidence::High,
        title: format!("Mass assignment of `{}`", trace.property),
        message: format!(
            "{} {path} accepted `{}`, which the request schema does not let clients write: \
             {} → {} (read back with GET). {restore_note}",
            operation.method,
            trace.property,
            show(before),
            show(written),
        ),
        remediation: "List the field in the serializer's `Meta.read_only_fields` (or declare it \
                      `read_only=True`), and keep the writable `fields` an explicit allow-list."
            .into(),
        evidence: Evidence {
            status: trace.write_status,
            value: Some(format!("{} → {}", show(before), show(written))),
            content_type: None,
            reproduce: trace.reproduce.clone(),
        },
    })
}
