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
pub mod session;
/// Moved to the contract crate (the probe needs it too); kept under its old name.
pub use overshare_contract::view as schema_view;

use indexmap::IndexMap;
use overshare_classify::Classifier;
use overshare_contract::Contract;
use overshare_exchange::Exchange;
use overshare_finding::{
    Category, Confidence, Evidence, Finding, Fingerprint, Location, OperationRef, RuleMeta,
    Severity,
};

/// Which rule an observation belongs to: a built-in conformance rule or a data rule from the
/// classifier's rules files. Owned, so that rules loaded at run time need no `'static` tricks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub cwe: Vec<String>,
    pub owasp: Vec<String>,
}

impl From<&RuleMeta> for RuleRef {
    fn from(meta: &RuleMeta) -> RuleRef {
        RuleRef {
            id: meta.id.to_string(),
            name: meta.name.to_string(),
            category: meta.category,
            cwe: meta.cwe.iter().map(|s| s.to_string()).collect(),
            owasp: meta.owasp.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl From<&overshare_classify::Rule> for RuleRef {
    fn from(rule: &overshare_classify::Rule) -> RuleRef {
        RuleRef {
            id: rule.id.clone(),
            name: rule.name.clone(),
            category: Category::Exposure,
            cwe: rule.cwe.clone(),
            owasp: rule.owasp.clone(),
        }
    }
}

/// One rule's sighting in one exchange. Cheap to make; grouped into findings later.
#[derive(Debug, Clone)]
pub struct Observation {
    pub rule: RuleRef,
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

/// The analyzers with what they need besides the exchange: the contract and the rules.
#[derive(Clone, Copy)]
pub struct Analyzer<'a> {
    pub contract: &'a Contract,
    pub classifier: &'a Classifier,
}

impl<'a> Analyzer<'a> {
    pub fn new(contract: &'a Contract, classifier: &'a Classifier) -> Analyzer<'a> {
        Analyzer {
            contract,
            classifier,
        }
    }

    /// Run every per-exchange rule on one exchange.
    pub fn exchange(&self, exchange: &Exchange) -> Vec<Observation> {
        let mut out = Vec::new();
        let Some(operation) = self
            .contract
            .operation(&exchange.operation.method, &exchange.operation.path)
        else {
            return out;
        };
        let Some(response) = exchange.response() else {
            return out;
        };
        let ctx = rules::Context {
            contract: self.contract,
            classifier: self.classifier,
            operation,
            exchange,
            response,
        };
        rules::check_all(&ctx, &mut out);
        out
    }

    /// Analyze a whole run and group the observations into findings.
    pub fn all<'e>(&self, exchanges: impl IntoIterator<Item = &'e Exchange>) -> Vec<Finding> {
        group(
            exchanges
                .into_iter()
                .flat_map(|exchange| self.exchange(exchange)),
        )
    }
}

/// Analyze exchanges with the built-in rules only (tests, benchmarks, simple callers).
pub fn analyze_all<'a>(
    exchanges: impl IntoIterator<Item = &'a Exchange>,
    contract: &Contract,
) -> Vec<Finding> {
    let classifier = Classifier::builtin();
    Analyzer::new(contract, &classifier).all(exchanges)
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
            obs.rule.id.clone(),
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
        &obs.rule.id,
        &obs.operation.method,
        &obs.operation.path,
        &obs.pattern,
    ]);
    Finding {
        fingerprint,
        rule: obs.rule.id,
        name: obs.rule.name,
        category: obs.rule.category,
        severity: obs.severity,
        confidence: obs.confidence,
        title: obs.title,
        message: obs.message,
        operation: Some(obs.operation),
        location: Location {
            json_pointer: Some(obs.pointer),
            pattern: Some(obs.pattern),
            field: obs.field,
        },
        identity: obs.identity.clone(),
        identities: obs.identity.into_iter().collect(),
        evidence: obs.evidence,
        cwe: obs.rule.cwe,
        owasp: obs.rule.owasp,
        remediation: obs.remediation,
        source: Vec::new(),
    }
}

fn merge_into(finding: &mut Finding, obs: Observation) {
    finding.severity = finding.severity.max(obs.severity);
    if let Some(identity) = obs.identity
        && !finding.identities.contains(&identity)
    {
        finding.identities.push(identity);
    }
}

/// A rule as `overshare rules` and `overshare explain` show it, whatever its origin.
#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub id: String,
    pub name: String,
    pub category: Category,
    /// The classifier's class (`credential`, ...) for data rules.
    pub class: Option<String>,
    pub severity: Severity,
    pub cwe: Vec<String>,
    pub owasp: Vec<String>,
    pub summary: String,
    pub doc: String,
}

/// Every rule the analyzers can report, in id order: conformance rules, then data rules.
pub fn catalogue(classifier: &Classifier) -> Vec<RuleDoc> {
    catalogue_with(classifier, &[])
}

/// The catalogue plus rules other producers report (the static audit's), in id order.
pub fn catalogue_with(classifier: &Classifier, extra: &[&RuleMeta]) -> Vec<RuleDoc> {
    let conformance = rules::ALL.iter().chain(extra).map(|meta| rule_doc(meta));
    let data = classifier.rules().iter().map(|rule| RuleDoc {
        id: rule.id.clone(),
        name: rule.name.clone(),
        category: Category::Exposure,
        class: Some(rule.class.as_str().to_string()),
        severity: rule.severity,
        cwe: rule.cwe.clone(),
        owasp: rule.owasp.clone(),
        summary: rule.summary.clone(),
        doc: with_references(&rule.doc, &rule.cwe, &rule.owasp),
    });
    let mut all: Vec<RuleDoc> = conformance.chain(data).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// A built-in rule as the catalogue shows it, with its References section.
pub fn rule_doc(meta: &RuleMeta) -> RuleDoc {
    RuleDoc {
        id: meta.id.to_string(),
        name: meta.name.to_string(),
        category: meta.category,
        class: None,
        severity: meta.default_severity,
        cwe: meta.cwe.iter().map(|s| s.to_string()).collect(),
        owasp: meta.owasp.iter().map(|s| s.to_string()).collect(),
        summary: meta.summary.to_string(),
        doc: with_references(
            meta.doc,
            &meta.cwe.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &meta.owasp.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ),
    }
}

/// The doc with a `## References` section built from the rule's CWE and OWASP ids, so that
/// every rule (built in or from a user's file) links to the same authorities the same way.
fn with_references(doc: &str, cwe: &[String], owasp: &[String]) -> String {
    if doc.contains("## References") {
        return doc.to_string();
    }
    let mut out = doc.trim_end().to_string();
    out.push_str("\n\n## References\n");
    for id in cwe {
        let number = id.trim_start_matches("CWE-");
        out.push_str(&format!(
            "- {id}: https://cwe.mitre.org/data/definitions/{number}.html\n"
        ));
    }
    for id in owasp {
        out.push_str(&format!("- OWASP {id}: {}\n", owasp_url(id)));
    }
    out.push_str("- overshare: `overshare explain` and the README's rule list\n");
    out
}

fn owasp_url(id: &str) -> &'static str {
    match id {
        "API1:2023" => {
            "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"
        }
        "API2:2023" => {
            "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/"
        }
        "API3:2023" => {
            "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/"
        }
        "API8:2023" => {
            "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/"
        }
        _ => "https://owasp.org/API-Security/editions/2023/en/0x11-t10/",
    }
}

/// Look a rule up by id (`OVS101`) or name (`undeclared-property`), case-insensitively.
pub fn find_rule(classifier: &Classifier, id_or_name: &str) -> Option<RuleDoc> {
    find_rule_with(classifier, &[], id_or_name)
}

/// [`find_rule`] over [`catalogue_with`].
pub fn find_rule_with(
    classifier: &Classifier,
    extra: &[&RuleMeta],
    id_or_name: &str,
) -> Option<RuleDoc> {
    catalogue_with(classifier, extra).into_iter().find(|rule| {
        rule.id.eq_ignore_ascii_case(id_or_name) || rule.name.eq_ignore_ascii_case(id_or_name)
    })
}
