//! The audit rules, one module each. Each module holds its [`RuleMeta`] (whose `doc` is
//! `docs/OVS6nn.md`, also the module's rustdoc) and a `check` function over the project index
//! that returns early when the project has nothing for it.

pub mod ovs601_serializer_all_fields;
pub mod ovs602_serializer_exclude;
pub mod ovs603_serializer_depth;
pub mod ovs604_nested_serializer_exposure;
pub mod ovs605_secret_field_serialized;
pub mod ovs606_writable_privileged_field;
pub mod ovs607_values_without_fields;
pub mod ovs608_unscoped_queryset;
pub mod ovs609_permission_without_object_check;
pub mod ovs610_allow_any_sensitive;
pub mod ovs611_identity_header_read;
pub mod ovs612_client_verify_not_enforced;
pub mod ovs613_cn_identity_without_lookup;
pub mod ovs614_certificate_auth_ignores_verify;
pub mod ovs615_debug_enabled;
pub mod ovs616_allowed_hosts_wildcard;

use crate::project::Project;
use crate::project::exposure::SensitivePath;
use overshare_classify::Classifier;
use overshare_finding::{Finding, Fingerprint, RuleMeta, Severity, SourceLocation};
use rayon::prelude::*;
use std::collections::HashSet;

/// Every audit rule, in id order.
pub static RULES: &[&RuleMeta] = &[
    &ovs601_serializer_all_fields::META,
    &ovs602_serializer_exclude::META,
    &ovs603_serializer_depth::META,
    &ovs604_nested_serializer_exposure::META,
    &ovs605_secret_field_serialized::META,
    &ovs606_writable_privileged_field::META,
    &ovs607_values_without_fields::META,
    &ovs608_unscoped_queryset::META,
    &ovs609_permission_without_object_check::META,
    &ovs610_allow_any_sensitive::META,
    &ovs611_identity_header_read::META,
    &ovs612_client_verify_not_enforced::META,
    &ovs613_cn_identity_without_lookup::META,
    &ovs614_certificate_auth_ignores_verify::META,
    &ovs615_debug_enabled::META,
    &ovs616_allowed_hosts_wildcard::META,
];

type Check = fn(&Ctx<'_>, &mut Vec<Finding>);

const CHECKS: &[Check] = &[
    ovs601_serializer_all_fields::check,
    ovs602_serializer_exclude::check,
    ovs603_serializer_depth::check,
    ovs604_nested_serializer_exposure::check,
    ovs605_secret_field_serialized::check,
    ovs606_writable_privileged_field::check,
    ovs607_values_without_fields::check,
    ovs608_unscoped_queryset::check,
    ovs609_permission_without_object_check::check,
    ovs610_allow_any_sensitive::check,
    ovs611_identity_header_read::check,
    ovs612_client_verify_not_enforced::check,
    ovs613_cn_identity_without_lookup::check,
    ovs614_certificate_auth_ignores_verify::check,
    ovs615_debug_enabled::check,
    ovs616_allowed_hosts_wildcard::check,
];

/// What a rule may look at.
pub struct Ctx<'a> {
    pub project: &'a Project,
    pub classifier: &'a Classifier,
}

/// Run every rule; findings come back once each (by fingerprint), ordered by file and line.
pub fn run(project: &Project) -> Vec<Finding> {
    let ctx = Ctx {
        project,
        classifier: Classifier::builtin_shared(),
    };
    let mut findings: Vec<Finding> = CHECKS
        .par_iter()
        .flat_map_iter(|check| {
            let mut out = Vec::new();
            check(&ctx, &mut out);
            out
        })
        .collect();
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert(f.fingerprint.clone()));
    findings.sort_by(|a, b| {
        let key = |f: &Finding| f.source.first().map(|s| (s.file.clone(), s.line, s.column));
        key(a).cmp(&key(b)).then_with(|| a.rule.cmp(&b.rule))
    });
    findings
}

/// What a finding says, before it becomes one.
pub struct Report {
    /// The class or function the finding is about (part of the fingerprint).
    pub subject: String,
    /// What in the subject (a field name, a header): the rest of the fingerprint.
    pub key: String,
    pub title: String,
    pub message: String,
    pub remediation: String,
    pub severity: Option<Severity>,
    pub confidence: Option<overshare_finding::Confidence>,
    /// The primary location first.
    pub locations: Vec<SourceLocation>,
}

impl Ctx<'_> {
    /// A finding of `rule`: fingerprinted by rule, file, subject and key (never line numbers,
    /// so it survives code moving).
    pub fn finding(&self, rule: &RuleMeta, report: Report) -> Finding {
        let file = report
            .locations
            .first()
            .map(|l| l.file.as_str())
            .unwrap_or("");
        let mut finding = Finding::from_rule(
            rule,
            Fingerprint::of(&[rule.id, file, &report.subject, &report.key]),
        );
        finding.title = report.title;
        finding.message = report.message;
        finding.remediation = report.remediation;
        if let Some(severity) = report.severity {
            finding.severity = severity;
        }
        if let Some(confidence) = report.confidence {
            finding.confidence = confidence;
        }
        finding.source = dedup_locations(report.locations);
        finding
    }
}

/// Drop repeated places (same file, line, column and role), keeping the first.
pub fn dedup_locations(locations: Vec<SourceLocation>) -> Vec<SourceLocation> {
    let mut seen = HashSet::new();
    locations
        .into_iter()
        .filter(|l| seen.insert((l.file.clone(), l.line, l.column, l.role.clone())))
        .collect()
}

/// `` `user.password` (password), `user.is_staff` (privilege-flag) `` and a count past eight.
pub fn describe(paths: &[SensitivePath]) -> String {
    const SHOWN: usize = 8;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{}` ({})", p.dotted(), p.rule_name))
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

/// The worst severity among the paths, or `none` when there are none.
pub fn worst(paths: &[SensitivePath], none: Severity) -> Severity {
    paths.iter().map(|p| p.severity).max().unwrap_or(none)
}

/// Severity of an exposure finding: high when a high or critical field is reachable, medium
/// for any other sensitive field, `none` otherwise.
pub fn exposure_severity(paths: &[SensitivePath], none: Severity) -> Severity {
    match worst(paths, Severity::Info) {
        Severity::Critical | Severity::High => Severity::High,
        Severity::Info => none,
        _ => Severity::Medium,
    }
}

/// A Python list literal of names: `["id", "display_name"]`.
pub fn python_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The model's plain fields the classifier finds nothing in: what an explicit `fields` list can
/// start from (relations are left out: nest a serializer with its own explicit fields).
pub fn safe_fields(ctx: &Ctx<'_>, model: crate::project::ModelId) -> Vec<String> {
    ctx.project.models[model]
        .fields
        .iter()
        .filter(|f| !f.kind.is_relation())
        .filter(|f| ctx.classifier.classify_name(&[f.name.as_str()]).is_none())
        .map(|f| f.name.clone())
        .collect()
}

/// The declaration of each model field behind the paths (role `model`), at most `limit`.
pub fn model_locations(
    ctx: &Ctx<'_>,
    tree: &[crate::project::exposure::Exposed],
    paths: &[SensitivePath],
    limit: usize,
) -> Vec<SourceLocation> {
    paths
        .iter()
        .filter_map(|p| {
            let keys: Vec<&str> = p.path.iter().map(String::as_str).collect();
            let chain = crate::project::exposure::find(tree, &keys);
            let loc = chain.last()?.field.as_ref()?.loc?;
            Some(ctx.project.location(loc, "model"))
        })
        .take(limit)
        .collect()
}
