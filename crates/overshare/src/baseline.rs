//! Baselines and suppressions: report only what is new, and say how much was left out.
//!
//! A baseline is the set of fingerprints of an accepted run (`--write-baseline FILE`); a later
//! `--baseline FILE` drops every finding whose fingerprint is in it. Fingerprints hash rule,
//! method, path template and folded JSON pointer only, so they survive reordered requests,
//! reordered array elements and different identities.
//!
//! Suppressions live in the config file, each with a reason and an optional expiry date. An
//! expired suppression stops suppressing and says so in the report's errors, so that "we'll fix
//! it next sprint" cannot quietly become forever.

use crate::Fatal;
use overshare_finding::Finding;
use overshare_report::Report;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

const BASELINE_VERSION: u32 = 1;

/// The file `--write-baseline` writes and `--baseline` reads.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    overshare_baseline: u32,
    /// Readable context for reviewers of the file; only `fingerprint` is matched.
    findings: Vec<BaselineEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineEntry {
    fingerprint: String,
    rule: String,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    pattern: String,
}

/// Fingerprints accepted by a baseline.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, Fatal> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Fatal::Usage(format!(
                "cannot read the baseline {}: {e} (write one with --write-baseline)",
                path.display()
            ))
        })?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            Fatal::Usage(format!(
                "{}:{}:{}: not an overshare baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if file.overshare_baseline != BASELINE_VERSION {
            return Err(Fatal::Usage(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                file.overshare_baseline
            )));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|f| f.fingerprint).collect(),
        })
    }

    /// Write the findings of `report` as a baseline, sorted so the file diffs well.
    pub fn write(path: &Path, report: &Report) -> Result<(), Fatal> {
        let mut findings: Vec<BaselineEntry> = report.findings.iter().map(entry).collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        let file = BaselineFile {
            overshare_baseline: BASELINE_VERSION,
            findings,
        };
        let text = serde_json::to_string_pretty(&file).expect("a baseline serialises") + "\n";
        std::fs::write(path, text)
            .map_err(|e| Fatal::Usage(format!("cannot write the baseline {}: {e}", path.display())))
    }

    fn covers(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(finding.fingerprint.as_str())
    }
}

fn entry(finding: &Finding) -> BaselineEntry {
    BaselineEntry {
        fingerprint: finding.fingerprint.to_string(),
        rule: finding.rule.clone(),
        operation: finding
            .operation
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        pattern: finding.location.pattern.clone().unwrap_or_default(),
    }
}

/// One `[[suppress]]` table of the config file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Match one finding exactly.
    pub fingerprint: Option<String>,
    /// Or match by rule (id or name), optionally narrowed by operation and pointer pattern.
    pub rule: Option<String>,
    /// `GET /api/profiles/{id}/`.
    pub operation: Option<String>,
    /// `/*/user/email`.
    pub pattern: Option<String>,
    /// Why it is acceptable; required, shown nowhere else but the file and reviews of it.
    pub reason: String,
    /// `YYYY-MM-DD`: from this day on it no longer suppresses.
    pub expires: Option<toml::value::Datetime>,
}

impl Suppression {
    /// A suppression must say what it matches.
    pub fn check(&self) -> Result<(), String> {
        if self.fingerprint.is_none() && self.rule.is_none() {
            return Err("a [[suppress]] needs `fingerprint` or `rule`".into());
        }
        if self.reason.trim().is_empty() {
            return Err("a [[suppress]] needs a non-empty `reason`".into());
        }
        Ok(())
    }

    fn matches(&self, finding: &Finding) -> bool {
        let fingerprint = self
            .fingerprint
            .as_deref()
            .is_none_or(|f| f == finding.fingerprint.as_str());
        let rule = self
            .rule
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case(&finding.rule) || r == finding.name);
        let operation = self.operation.as_deref().is_none_or(|o| {
            finding
                .operation
                .as_ref()
                .is_some_and(|op| op.to_string() == o)
        });
        let pattern = self
            .pattern
            .as_deref()
            .is_none_or(|p| finding.location.pattern.as_deref() == Some(p));
        fingerprint && rule && operation && pattern
    }

    /// `YYYY-MM-DD` of the expiry, when set.
    fn expiry(&self) -> Option<String> {
        self.expires
            .as_ref()
            .and_then(|d| d.date)
            .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
    }
}

/// Drop the findings covered by the baseline or a live suppression; count them in the summary;
/// note expired suppressions in the report's errors.
pub fn apply(
    report: &mut Report,
    baseline: Option<&Baseline>,
    suppressions: &[Suppression],
    today: &str,
) {
    let (live, expired): (Vec<&Suppression>, Vec<&Suppression>) = suppressions
        .iter()
        .partition(|s| s.expiry().is_none_or(|date| date.as_str() > today));
    for suppression in expired {
        let what = suppression
            .fingerprint
            .clone()
            .or_else(|| suppression.rule.clone())
            .unwrap_or_default();
        report.errors.push(format!(
            "suppression of {what} expired on {} and no longer applies (reason given: {})",
            suppression.expiry().unwrap_or_default(),
            suppression.reason
        ));
    }
    let before = report.findings.len();
    report.findings.retain(|finding| {
        let in_baseline = baseline.is_some_and(|b| b.covers(finding));
        !in_baseline && !live.iter().any(|s| s.matches(finding))
    });
    let suppressed = before - report.findings.len();
    report.recompute();
    report.summary.suppressed += suppressed;
}

#[cfg(test)]
mod tests {
    use super::*;
    use overshare_finding::{Category, Fingerprint, OperationRef, RuleMeta, Severity};
    use overshare_report::ReportInput;

    const RULE: RuleMeta = RuleMeta {
        id: "OVS101",
        name: "undeclared-property",
        category: Category::Exposure,
        default_severity: Severity::Medium,
        cwe: &[],
        owasp: &[],
        summary: "",
        doc: "",
    };

    fn finding(pattern: &str) -> Finding {
        let mut f = Finding::from_rule(&RULE, Fingerprint::of(&["OVS101", "GET", "/a/", pattern]));
        f.operation = Some(OperationRef {
            method: "GET".into(),
            path: "/a/".into(),
            operation_id: None,
        });
        f.location.pattern = Some(pattern.into());
        f
    }

    fn report(patterns: &[&str]) -> Report {
        Report::new(ReportInput {
            findings: patterns.iter().map(|p| finding(p)).collect(),
            ..ReportInput::default()
        })
    }

    fn suppression(text: &str) -> Suppression {
        toml::from_str(text).expect("suppression")
    }

    #[test]
    fn baseline_round_trip_leaves_only_new_findings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        Baseline::write(&path, &report(&["/x", "/y"])).unwrap();
        let baseline = Baseline::read(&path).unwrap();
        let mut rescan = report(&["/y", "/x", "/z"]);
        apply(&mut rescan, Some(&baseline), &[], "2026-11-29");
        let left: Vec<_> = rescan
            .findings
            .iter()
            .map(|f| f.location.pattern.clone().unwrap())
            .collect();
        assert_eq!(left, vec!["/z"]);
        assert_eq!(rescan.summary.suppressed, 2);
        assert_eq!(rescan.summary.findings.medium, 1);
    }

    #[test]
    fn live_suppressions_suppress_and_expired_ones_say_so() {
        let live = suppression(
            "rule = \"undeclared-property\"\npattern = \"/x\"\nreason = \"public by design\"\nexpires = 2027-01-01",
        );
        let expired = suppression(
            "rule = \"OVS101\"\npattern = \"/y\"\nreason = \"fix in sprint 4\"\nexpires = 2026-01-01",
        );
        let mut scanned = report(&["/x", "/y"]);
        apply(&mut scanned, None, &[live, expired], "2026-11-29");
        assert_eq!(scanned.findings.len(), 1);
        assert_eq!(scanned.findings[0].location.pattern.as_deref(), Some("/y"));
        assert!(
            scanned.errors[0].contains("expired on 2026-01-01"),
            "{:?}",
            scanned.errors
        );
        assert_eq!(scanned.summary.suppressed, 1);
    }

    #[test]
    fn a_suppression_must_name_what_and_why() {
        assert!(suppression("reason = \"x\"").check().is_err());
        assert!(
            suppression("rule = \"OVS101\"\nreason = \" \"")
                .check()
                .is_err()
        );
        assert!(
            suppression("rule = \"OVS101\"\nreason = \"ok\"")
                .check()
                .is_ok()
        );
    }

    #[test]
    fn a_file_that_is_not_a_baseline_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "{\"tool\": {}}").unwrap();
        let Err(Fatal::Usage(message)) = Baseline::read(&path) else {
            panic!("expected an error")
        };
        assert!(
            message.contains("report.json:1:") && message.contains("not an overshare baseline"),
            "{message}"
        );
    }
}
