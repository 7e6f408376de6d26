#![doc = include_str!("../../docs/OVS303.md")]

use crate::session::SessionOptions;
use crate::{Observation, RuleRef};
use indexmap::IndexMap;
use overshare_contract::pointer::escape;
use overshare_finding::{Category, Confidence, Evidence, OperationRef, RuleMeta, Severity};
use serde_json::Value;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    id: "OVS303",
    name: "role-property-exposure",
    category: Category::Authz,
    default_severity: Severity::High,
    cwe: &["CWE-213", "CWE-285"],
    owasp: &["API3:2023"],
    summary: "A lower role receives a property reserved for a higher role",
    doc: include_str!("../../docs/OVS303.md"),
};

/// Roles from least to most privileged, when the config gives no `[roles] order`.
pub const BUILTIN_ORDER: &[&str] = &[
    "anonymous",
    "guest",
    "public",
    "viewer",
    "readonly",
    "auditor",
    "partner",
    "customer",
    "user",
    "member",
    "service",
    "operator",
    "editor",
    "support",
    "staff",
    "manager",
    "owner",
    "admin",
    "administrator",
    "superuser",
    "root",
];

/// (operation, identity) → the folded pointers its answers held, and a reproduce command.
pub type PropertySightings = IndexMap<(OperationRef, String), (HashSet<String>, Option<String>)>;

/// Folded pointers of every property in `body` (array indexes as `*`), at most 5,000.
pub fn patterns(body: &Value, out: &mut HashSet<String>) {
    fn walk(value: &Value, pattern: &mut String, out: &mut HashSet<String>) {
        if out.len() >= 5_000 {
            return;
        }
        let len = pattern.len();
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    pattern.push('/');
                    pattern.push_str(&escape(key));
                    out.insert(pattern.clone());
                    walk(child, pattern, out);
                    pattern.truncate(len);
                }
            }
            Value::Array(items) => {
                pattern.push_str("/*");
                for item in items {
                    walk(item, pattern, out);
                }
                pattern.truncate(len);
            }
            _ => {}
        }
    }
    walk(body, &mut String::new(), out);
}

/// Rank of a role: its place in the configured order, else in [`BUILTIN_ORDER`].
pub fn rank(role: &str, order: &[String]) -> Option<usize> {
    let role = role.to_ascii_lowercase();
    if !order.is_empty() {
        return order.iter().position(|r| r.eq_ignore_ascii_case(&role));
    }
    BUILTIN_ORDER.iter().position(|r| *r == role)
}

/// Whether a reservation (`salary`, or `/user/is_staff`) covers a folded pointer.
fn covers(reserved: &str, pattern: &str) -> bool {
    if reserved.starts_with('/') {
        return reserved == pattern;
    }
    pattern.rsplit('/').next() == Some(&escape(reserved))
}

/// Every (operation, identity) whose role is below a property's reserved role, for each
/// reserved property it received.
pub fn judge(seen: &PropertySightings, options: &SessionOptions) -> Vec<Observation> {
    let mut out = Vec::new();
    for ((operation, identity), (patterns, reproduce)) in seen {
        let Some(role) = options.roles.get(identity) else {
            continue;
        };
        let Some(own) = rank(role, &options.role_order) else {
            continue;
        };
        for (reserved, min_role) in &options.reserved {
            let Some(needed) = rank(min_role, &options.role_order) else {
                continue;
            };
            if own >= needed {
                continue;
            }
            let mut hits: Vec<&String> = patterns.iter().filter(|p| covers(reserved, p)).collect();
            hits.sort();
            for pattern in hits {
                out.push(observation(
                    operation, identity, role, min_role, pattern, reproduce,
                ));
            }
        }
    }
    out
}

fn observation(
    operation: &OperationRef,
    identity: &str,
    role: &str,
    min_role: &str,
    pattern: &str,
    reproduce: &Option<String>,
) -> Observation {
    let field = pattern.rsplit('/').next().unwrap_or_default().to_string();
    Observation {
        rule: RuleRef::from(&META),
        operation: operation.clone(),
        pattern: pattern.to_string(),
        pointer: pattern.to_string(),
        field: Some(field.clone()),
        identity: Some(identity.to_string()),
        severity: META.default_severity,
        confidence: Confidence::High,
        title: format!("Role `{role}` receives `{field}`"),
        message: format!(
            "{identity} (role `{role}`) received `{pattern}` from {operation}, a property \
             reserved for role `{min_role}` and above."
        ),
        remediation: "Pick the serializer (or its fields) by the caller's role: \
                      `get_serializer_class()` returning a restricted serializer for lower \
                      roles, or drop the field in `to_representation()` unless the caller's \
                      role allows it."
            .into(),
        evidence: Evidence {
            status: Some(200),
            value: None,
            content_type: None,
            reproduce: reproduce.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns_fold_arrays() {
        let mut out = HashSet::new();
        patterns(&json!([{"user": {"salary": 1}}]), &mut out);
        assert!(out.contains("/*/user/salary"));
        assert!(covers("salary", "/*/user/salary"));
        assert!(!covers("/salary", "/*/user/salary"));
    }

    #[test]
    fn ranks_follow_the_configured_order() {
        assert!(rank("member", &[]) < rank("admin", &[]));
        let order = vec!["reader".to_string(), "writer".to_string()];
        assert_eq!(rank("writer", &order), Some(1));
        assert_eq!(rank("admin", &order), None);
    }
}
