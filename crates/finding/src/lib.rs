//! Findings: what overshare reports, and how it keeps its own evidence from leaking.
//!
//! Every analyzer (runtime or static) produces [`Finding`]s; every renderer consumes them. The
//! serialised shape is the `findings[]` element of the JSON report contract in DESIGN.md, so the
//! field names here are public API: add fields, never rename them.
//!
//! Two concerns live here because every producer needs them and they must never diverge:
//! - [`redact`]: evidence keeps the shape and a short prefix of a value, never the value;
//! - [`Fingerprint`]: a stable identity for a finding across runs (baselines, SARIF).

pub mod redact;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{:<9}`), which tables rely on.
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}`: expected one of critical, high, medium, low, info"
            )),
        }
    }
}

/// How sure the analyzer is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// The family a rule belongs to (the `category` field of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Exposure,
    Authz,
    Mtls,
    MassAssignment,
    Spec,
    Source,
}

/// The operation a finding is about, as the spec names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OperationRef {
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation_id: Option<String>,
}

impl fmt::Display for OperationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Where in a response (or request) body the finding points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// A concrete RFC 6901 pointer into the example response (resolvable in it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub json_pointer: Option<String>,
    /// The pointer with array indexes folded to `*`: what the finding is grouped by.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pattern: Option<String>,
    /// The last property name of the pointer, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
}

/// Redacted proof. Never holds a full secret or personal value (see [`redact`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub content_type: Option<String>,
    /// A command that reproduces the request (no secrets: file paths and redacted headers only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reproduce: Option<String>,
}

/// A place in source code that causes (or declares) the finding.
///
/// `line`/`column` are 1-based; `end_line`/`end_column` (exclusive column) close the range when
/// the producer knows it (the audit always does; a spec line does not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_column: Option<u32>,
    /// What this place is for the finding: `serializer`, `view`, `model`, `middleware`,
    /// `settings`, `proxy`, `spec`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
    /// The source line(s) of the range, trimmed; code, never a runtime value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub snippet: Option<String>,
}

impl SourceLocation {
    /// A location known only by file and line.
    pub fn line(file: impl Into<String>, line: u32) -> SourceLocation {
        SourceLocation {
            file: file.into(),
            line,
            ..SourceLocation::default()
        }
    }
}

impl fmt::Display for SourceLocation {
    /// `file:line` or `file:line:column`, as editors and compilers write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "{}:{}:{column}", self.file, self.line),
            None => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// A stable identifier of a finding across runs: a hash of what the finding is about, not of
/// when or how it was seen (no identity names, no values, no array indexes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Hash the given parts, separated so that `("ab","c")` and `("a","bc")` differ.
    pub fn of(parts: &[&str]) -> Fingerprint {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        Fingerprint(hex::encode(&hasher.finalize()[..16]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The static description of a rule: everything about a finding that does not depend on the
/// traffic. Rules live in the analyzer crates; this is the part every renderer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// `OVS101`-style identifier.
    pub id: &'static str,
    /// kebab-case name (`undeclared-property`).
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    pub cwe: &'static [&'static str],
    pub owasp: &'static [&'static str],
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The full doc (what it finds, why it matters, example, use instead), Markdown.
    pub doc: &'static str,
}

/// One finding, in the shape of the JSON report contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub fingerprint: Fingerprint,
    pub rule: String,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub title: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation: Option<OperationRef>,
    #[serde(default)]
    pub location: Location,
    /// The first identity that saw it (the contract's `identity`); `None` for static findings.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identity: Option<String>,
    /// Every identity that saw it, in the order they were given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub identities: Vec<String>,
    #[serde(default)]
    pub evidence: Evidence,
    pub cwe: Vec<String>,
    pub owasp: Vec<String>,
    pub remediation: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub source: Vec<SourceLocation>,
}

impl Finding {
    /// Start a finding from a rule's metadata; the caller fills in what the traffic says.
    pub fn from_rule(rule: &RuleMeta, fingerprint: Fingerprint) -> Finding {
        Finding {
            fingerprint,
            rule: rule.id.to_string(),
            name: rule.name.to_string(),
            category: rule.category,
            severity: rule.default_severity,
            confidence: Confidence::High,
            title: rule.summary.to_string(),
            message: String::new(),
            operation: None,
            location: Location::default(),
            identity: None,
            identities: Vec::new(),
            evidence: Evidence::default(),
            cwe: rule.cwe.iter().map(|s| s.to_string()).collect(),
            owasp: rule.owasp.iter().map(|s| s.to_string()).collect(),
            remediation: String::new(),
            source: Vec::new(),
        }
    }
}

/// The outcome of one test that has a verdict even when it finds nothing: "the server refused
/// requests without a certificate" is worth saying, and a report that only lists failures
/// cannot say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Stable id (`no-certificate`, `rogue-ca`, `forged-identity-headers`, ...).
    pub id: String,
    pub title: String,
    pub status: CheckStatus,
    /// What was tried and what came back, in one or two sentences.
    pub detail: String,
    /// The rule whose findings a failure produced.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The server did the right thing every time.
    Passed,
    /// At least one finding.
    Failed,
    /// Not run (the reason is in `detail`).
    Skipped,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Passed => "passed",
            CheckStatus::Failed => "failed",
            CheckStatus::Skipped => "skipped",
        }
    }
}

/// Order findings for display: worst first, then by operation, rule and location.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.operation.cmp(&b.operation))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.location.pattern.cmp(&b.location.pattern))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_from_info_to_critical() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().unwrap_err().contains("urgent"));
    }

    #[test]
    fn severity_display_honours_width() {
        assert_eq!(format!("[{:<8}]", Severity::Low), "[low     ]");
    }

    #[test]
    fn fingerprint_separates_parts() {
        assert_ne!(Fingerprint::of(&["ab", "c"]), Fingerprint::of(&["a", "bc"]));
        assert_eq!(Fingerprint::of(&["x"]), Fingerprint::of(&["x"]));
        assert_eq!(Fingerprint::of(&["x"]).as_str().len(), 32);
    }
}
