//! The report model: the JSON report contract of DESIGN.md as Rust types.
//!
//! Field names and their serialised shape are public API (consumers parse the JSON, CI
//! pipelines diff it, the JSON Schema in `schema/report.schema.json` pins it): add fields,
//! never rename or remove them. Fields added after the DESIGN.md sketch (`report_version`,
//! `started_at`, `interrupted`, `identities`, `errors`) deserialise with defaults, so a report
//! written without them still reads.

use overshare_finding::{Check, Finding, Severity, sort_findings};
use serde::{Deserialize, Serialize};

use crate::score;

/// The version of the report contract written by this crate. Bump the minor version for
/// additive changes, the major version for anything a consumer could trip over.
pub const REPORT_VERSION: &str = "1.0";

/// The name every overshare report carries in `tool.name`.
pub const TOOL_NAME: &str = "overshare";

/// A complete report: what was scanned, how it went, and what was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The contract version ([`REPORT_VERSION`]), so consumers can refuse what they don't know.
    #[serde(default = "default_report_version")]
    pub report_version: String,
    pub tool: Tool,
    /// The base URL scanned (or the HAR file / source path for `analyze` / `audit`).
    pub target: String,
    /// The spec file or URL the target was checked against.
    pub spec: String,
    /// When the run started, RFC 3339 in UTC (`2026-11-29T10:00:00Z`); the caller supplies it so
    /// that this crate stays clock-free and its output reproducible in tests.
    #[serde(default)]
    pub started_at: String,
    pub duration_ms: u64,
    /// The run was cut short (Ctrl-C, total time limit): findings and coverage are partial.
    #[serde(default)]
    pub interrupted: bool,
    pub summary: Summary,
    /// Every identity the run was given, and whether it could be used.
    #[serde(default)]
    pub identities: Vec<IdentityStatus>,
    pub coverage: Vec<CoverageEntry>,
    /// Tests with a verdict even when they find nothing (the mTLS edge, cross-identity access,
    /// mass assignment), in the order they ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Sorted worst first (see [`overshare_finding::sort_findings`]).
    pub findings: Vec<Finding>,
    /// Problems that did not stop the run (an unreachable operation, an unparsable body…).
    #[serde(default)]
    pub errors: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn default_report_version() -> String {
    REPORT_VERSION.to_string()
}

/// The tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    /// `overshare` at this crate's version, which is the workspace (and so the binary's) version.
    fn default() -> Self {
        Tool {
            name: TOOL_NAME.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The numbers a reader looks at first. Derived from the rest of the report by [`Report::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// 0..=100, see [`crate::score`] for the formula.
    pub score: u8,
    /// `A`..`F`, a pure function of `score` ([`crate::score::grade`]).
    pub grade: String,
    pub operations_total: usize,
    pub operations_tested: usize,
    pub requests_sent: usize,
    pub findings: SeverityCounts,
    /// Findings left out because a baseline or a suppression in the config covers them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

/// Number of findings per severity. Serialised worst first, as readers scan it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    /// Count the findings per severity.
    pub fn of(findings: &[Finding]) -> SeverityCounts {
        let mut counts = SeverityCounts::default();
        for finding in findings {
            *counts.slot(finding.severity) += 1;
        }
        counts
    }

    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn slot(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    pub fn total(&self) -> usize {
        Severity::ALL_DESCENDING.iter().map(|&s| self.get(s)).sum()
    }

    /// Findings at `threshold` or worse: what `--fail-on` compares against.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        Severity::ALL_DESCENDING
            .iter()
            .filter(|&&s| s >= threshold)
            .map(|&s| self.get(s))
            .sum()
    }
}

/// Whether an identity (client certificate and/or headers) could be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityStatus {
    pub name: String,
    /// The certificate subject (`CN=partner-a,O=Example`), when the identity has a certificate.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subject: Option<String>,
    /// [`IdentityStatus::OK`] or [`IdentityStatus::FAILED`].
    pub status: String,
    /// Why it failed (TLS handshake refused, certificate expired…).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

impl IdentityStatus {
    pub const OK: &'static str = "ok";
    pub const FAILED: &'static str = "failed";

    pub fn ok(name: impl Into<String>, subject: Option<String>) -> IdentityStatus {
        IdentityStatus {
            name: name.into(),
            subject,
            status: Self::OK.to_string(),
            error: None,
        }
    }

    pub fn failed(
        name: impl Into<String>,
        subject: Option<String>,
        error: impl Into<String>,
    ) -> IdentityStatus {
        IdentityStatus {
            name: name.into(),
            subject,
            status: Self::FAILED.to_string(),
            error: Some(error.into()),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == Self::OK
    }
}

/// Whether an operation of the spec was exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverageStatus {
    Tested,
    Skipped,
}

/// One operation of the spec and what the run did with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageEntry {
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation_id: Option<String>,
    pub status: CoverageStatus,
    /// Why it was skipped (`writes data: needs --active`, `no example for path parameter id`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// The identities that exercised it.
    #[serde(default)]
    pub identities: Vec<String>,
    #[serde(default)]
    pub requests: usize,
}

/// Everything [`Report::new`] needs that it cannot derive. `Default` gives the current tool and
/// empty lists, so callers name only what they have.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub tool: Tool,
    pub target: String,
    pub spec: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub interrupted: bool,
    /// Every request sent, including ones not attributed to an operation (mTLS edge probes).
    pub requests_sent: usize,
    pub identities: Vec<IdentityStatus>,
    pub coverage: Vec<CoverageEntry>,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    pub errors: Vec<String>,
}

impl Report {
    /// Build a report: sorts the findings and derives the summary (counts, score, grade,
    /// operations from `coverage`), so the summary can never disagree with the details.
    pub fn new(input: ReportInput) -> Report {
        let mut report = Report {
            report_version: REPORT_VERSION.to_string(),
            tool: input.tool,
            target: input.target,
            spec: input.spec,
            started_at: input.started_at,
            duration_ms: input.duration_ms,
            interrupted: input.interrupted,
            summary: Summary {
                score: 100,
                grade: score::grade(100).to_string(),
                operations_total: 0,
                operations_tested: 0,
                requests_sent: input.requests_sent,
                findings: SeverityCounts::default(),
                suppressed: 0,
            },
            identities: input.identities,
            coverage: input.coverage,
            checks: input.checks,
            findings: input.findings,
            errors: input.errors,
        };
        report.recompute();
        report
    }

    /// Re-sort the findings and re-derive the summary after `findings` or `coverage` changed
    /// (a baseline or a severity filter removed some). `requests_sent` is kept.
    pub fn recompute(&mut self) {
        sort_findings(&mut self.findings);
        let score = score::score(&self.findings);
        self.summary.score = score;
        self.summary.grade = score::grade(score).to_string();
        self.summary.findings = SeverityCounts::of(&self.findings);
        self.summary.operations_total = self.coverage.len();
        self.summary.operations_tested = self
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Tested)
            .count();
    }

    /// The worst severity among the findings, if any.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use overshare_finding::{Category, Fingerprint, RuleMeta};

    const RULE: RuleMeta = RuleMeta {
        id: "OVS101",
        name: "undeclared-property",
        category: Category::Exposure,
        default_severity: Severity::Medium,
        cwe: &["CWE-213"],
        owasp: &["API3:2023"],
        summary: "Undeclared property",
        doc: "",
    };

    fn finding(severity: Severity, key: &str) -> Finding {
        let mut f = Finding::from_rule(&RULE, Fingerprint::of(&[key]));
        f.severity = severity;
        f
    }

    fn coverage(status: CoverageStatus) -> CoverageEntry {
        CoverageEntry {
            method: "GET".into(),
            path: "/x".into(),
            operation_id: None,
            status,
            reason: None,
            identities: vec![],
            requests: 0,
        }
    }

    #[test]
    fn new_derives_summary_and_sorts() {
        let report = Report::new(ReportInput {
            requests_sent: 7,
            coverage: vec![
                coverage(CoverageStatus::Tested),
                coverage(CoverageStatus::Skipped),
                coverage(CoverageStatus::Tested),
            ],
            findings: vec![
                finding(Severity::Low, "a"),
                finding(Severity::High, "b"),
                finding(Severity::Info, "c"),
            ],
            ..ReportInput::default()
        });
        assert_eq!(report.report_version, REPORT_VERSION);
        assert_eq!(report.tool.name, "overshare");
        let s = &report.summary;
        assert_eq!(
            (s.operations_total, s.operations_tested, s.requests_sent),
            (3, 2, 7)
        );
        assert_eq!(s.findings.high, 1);
        assert_eq!(s.findings.total(), 3);
        assert_eq!(s.findings.at_or_above(Severity::Low), 2);
        assert_eq!(report.findings[0].severity, Severity::High);
        assert_eq!(report.worst_severity(), Some(Severity::High));
        assert_eq!(s.grade, score::grade(s.score));
    }

    #[test]
    fn recompute_follows_removed_findings() {
        let mut report = Report::new(ReportInput {
            findings: vec![finding(Severity::Critical, "a")],
            ..ReportInput::default()
        });
        assert!(report.summary.score < 70);
        report.findings.clear();
        report.recompute();
        assert_eq!(
            (report.summary.score, report.summary.grade.as_str()),
            (100, "A")
        );
        assert_eq!(report.worst_severity(), None);
    }

    #[test]
    fn identity_status_constructors() {
        assert!(IdentityStatus::ok("a", None).is_ok());
        let failed = IdentityStatus::failed("b", None, "handshake");
        assert!(!failed.is_ok());
        assert_eq!(failed.status, "failed");
    }
}
