#![doc = include_str!("../../docs/OVS302.md")]

use crate::{Observation, RuleRef};
use indexmap::IndexMap;
use overshare_finding::{Category, Confidence, Evidence, OperationRef, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "OVS302",
    name: "unfiltered-collection",
    category: Category::Authz,
    default_severity: Severity::High,
    cwe: &["CWE-639", "CWE-213"],
    owasp: &["API1:2023"],
    summary: "A list returns objects that belong to other identities",
    doc: include_str!("../../docs/OVS302.md"),
};

/// One identity's answer to a list operation.
pub struct List<'a> {
    pub operation: &'a OperationRef,
    pub identity: &'a str,
    /// Items in the answer.
    pub total: usize,
    pub reproduce: Option<String>,
}

/// `foreign`: owner identity → the items of the list that belong to it.
pub fn judge(list: &List<'_>, foreign: &IndexMap<String, Vec<String>>) -> Option<Observation> {
    let (operation, identity, total) = (list.operation, list.identity, list.total);
    if foreign.is_empty() {
        return None;
    }
    let count: usize = foreign.values().map(Vec::len).sum();
    let owners: Vec<String> = foreign
        .iter()
        .map(|(owner, items)| {
            let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
            let more = items.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{} of {owner} ({}{more})", items.len(), shown.join(", "))
        })
        .collect();
    Some(Observation {
        rule: RuleRef::from(&META),
        operation: operation.clone(),
        pattern: String::new(),
        pointer: String::new(),
        field: None,
        identity: Some(identity.to_string()),
        severity: META.default_severity,
        confidence: Confidence::High,
        title: "List holds other identities' objects".to_string(),
        message: format!(
            "{identity}'s answer to {operation} holds {count} of {total} objects that belong to \
             other identities: {}. Ownership was learned from the owner field each identity's \
             own scoped lists carry.",
            owners.join("; ")
        ),
        remediation: "Scope the list to the caller: override `get_queryset()` to filter on the \
                      identity the certificate names (`.filter(tenant=request.tenant)`), or use \
                      a filter backend that always applies it. A shared catalogue should carry \
                      no owner field; declare it `x-overshare-scope: shared` if it does."
            .into(),
        evidence: Evidence {
            status: Some(200),
            value: Some(format!("{count} foreign objects")),
            content_type: None,
            reproduce: list.reproduce.clone(),
        },
    })
}
