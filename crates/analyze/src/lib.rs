//! Analyzers: pure functions from exchanges (and the contract) to findings.
//!
//! ```text
//! Exchange ──► per-exchange rules ──► Observation* ──► group ──► Finding*
//! ```
//!
//! Each rule lives in its own module under [`rules`], with its metadata ([`RuleMeta`]) and its
//! documentation (the `docs/OVSnnn.md` file, which is both the module's rustdoc and the text
//! `overshare explain` prints). A rule sees one exchange at a time and emits [`Observation`]s;
//! [`group`] folds observations that are the same problem (same rule, operation and folded
//! pointer) into one [`Finding`], whichever identities and array elements showed it.
//!
//! Nothing here does I/O: `scan`, `analyze` (HAR) and `guard` share these functions.

pub mod rules;
pub mod schema_view;

use indexmap::IndexMap;
use overshare_contract::Contract;
use overshare_exchange::Exchange;
use overshare_finding::{
    Confidence, Evidence, Finding, Fingerprint, Location, OperationRef, RuleMeta, Severity,
};

/// One rule's sighting in one exchange. Cheap to make; grouped into findings later.
#[derive(Debug, Clone)]
pub struct Observation {
    pub rule: &'static RuleMeta,
    pub operation: OperationRef,
    /// The pointer with array indexes folded to `*` (the grouping key); `""` for the whole body.
    pub pattern: String,
    /// A concrete pointer into this exchange's body.
    pub pointer: String,
    pub field: Option<String>,
    pub identity: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub title: String,
    pub message: String,
    pub remediation: String,
    pub evidence: Evidence,
}

/// Run every per-exchange rule on one exchange.
pub fn analyze_exchange(exchange: &Exchange, contract: &Contract) -> Vec<Observation> {
    let mut out = Vec::new();
    let Some(operation) = contract.operation(&exchange.operation.method, &exchange.operation.path)
    else {
        return out;
    };
    let Some(response) = exchange.response() else {
        return out;
    };
    let ctx = rules::Context {
        contract,
        operation,
        exchange,
        response,
    };
    rules::check_all(&ctx, &mut out);
    out
}

/// Run the analyzers over a whole run and group the observations into findings.
pub fn analyze_all<'a>(
    exchanges: impl IntoIterator<Item = &'a Exchange>,
    contract: &Contract,
) -> Vec<Finding> {
    let observations = exchanges
        .into_iter()
        .flat_map(|exchange| analyze_exchange(exchange, contract));
    group(observations)
}

/// Fold observations of the same problem into one finding.
///
/// The key is (rule, method, path, folded pointer): one finding for `/results/*/user/password`
/// however many orders and identities showed it. The first observation supplies the evidence;
/// the severity is the worst seen; identities are listed in the order they were first seen.
pub fn group(observations: impl IntoIterator<Item = Observation>) -> Vec<Finding> {
    let mut grouped: IndexMap<(String, String, String, String), Finding> = IndexMap::new();
    for obs in observations {
        let key = (
            obs.rule.id.to_string(),
            obs.operation.method.clone(),
            obs.operation.path.clone(),
            obs.pattern.clone(),
        );
        match grouped.get_mut(&key) {
            Some(finding) => merge_into(finding, obs),
            None => {
                let finding = new_finding(obs);
                grouped.insert(key, finding);
            }
        }
    }
    let mut findings: Vec<Finding> = grouped.into_values().collect();
    overshare_finding::sort_findings(&mut findings);
    findings
}

fn new_finding(obs: Observation) -> Finding {
    let fingerprint = Fingerprint::of(&[
        obs.rule.id,
        &obs.operation.method,
        &obs.operation.path,
        &obs.pattern,
    ]);
    let mut finding = Finding::from_rule(obs.rule, fingerprint);
    finding.severity = obs.severity;
    finding.confidence = obs.confidence;
    finding.title = obs.title;
    finding.message = obs.message;
    finding.remediation = obs.remediation;
    finding.operation = Some(obs.operation);
    finding.location = Location {
        json_pointer: Some(obs.pointer),
        pattern: Some(obs.pattern),
        field: obs.field,
    };
    finding.identity = obs.identity.clone();
    finding.identities = obs.identity.into_iter().collect();
    finding.evidence = obs.evidence;
    finding
}

fn merge_into(finding: &mut Finding, obs: Observation) {
    finding.severity = finding.severity.max(obs.severity);
    if let Some(identity) = obs.identity
        && !finding.identities.contains(&identity)
    {
        finding.identities.push(identity);
    }
}

/// Every rule the analyzers can report, for `overshare rules` and `overshare explain`.
pub fn catalogue() -> Vec<&'static RuleMeta> {
    rules::ALL.to_vec()
}

/// Look a rule up by id (`OVS101`) or name (`undeclared-property`), case-insensitively.
pub fn find_rule(id_or_name: &str) -> Option<&'static RuleMeta> {
    rules::ALL.iter().copied().find(|rule| {
        rule.id.eq_ignore_ascii_case(id_or_name) || rule.name.eq_ignore_ascii_case(id_or_name)
    })
}
