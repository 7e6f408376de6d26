//! JUnit XML: the report as test results, for CI dashboards (Jenkins, GitLab, Azure Pipelines,
//! GitHub test reporters).
//!
//! # Layout
//! - A `<testsuite>` per operation of the coverage (then one per operation that only findings
//!   name, so that no finding is lost), with a `<testcase>` per identity that exercised it:
//!   `classname` = `GET /api/x/{id}/`, `name` = the identity. The case fails when that identity
//!   saw a finding on that operation. Findings that hold whoever asks (a spec problem) and
//!   operations run without any identity get a case named [`ANY_IDENTITY`].
//! - A skipped operation is one skipped case (per identity when the coverage names identities)
//!   with the reason: the count of skipped cases is then the count of skipped operations.
//! - Findings not tied to an operation (static audit) form a `source` suite, a case each.
//! - A `checks` suite (after `identities`) has a case per check of the run (no certificate,
//!   rogue CA, forged identity headers, cross-identity objects, unfiltered lists, mass
//!   assignment): passed, skipped with the reason, or a `<failure>` whose `type` is the rule;
//!   the findings themselves are in the operations' suites.
//! - A first `identities` suite has a case per identity of the run, an `<error>` for one that
//!   could not be used (its handshake failed: nothing it should have seen was tested), the run's
//!   properties (target, spec, score, grade), its duration, and its non-fatal errors in
//!   `system-err`.
//!
//! # Why one `<failure>` per case, not one per finding
//! The Jenkins (Apache Ant) schema allows at most one `<failure>` in a `<testcase>`, and the
//! common readers keep only the first anyway. A case with several findings has one failure whose
//! `message` counts them and names the worst, whose `type` lists `RULE severity` of each, and whose
//! text has every finding (message, redacted evidence, reproduce command).
//!
//! # Why hand-written XML, not quick-junit
//! That schema also requires `<properties>`, `<system-out>` and `<system-err>` in every suite,
//! `package`, `id`, `hostname` and a timestamp without time zone on each suite inside
//! `<testsuites>`, and no attributes on `<testsuites>`; quick-junit writes a different shape
//! (totals on `<testsuites>`, no `package`/`id`). The output is small and regular, so a few
//! `write!`s with escaping are simpler than bending a library.
//!
//! Totals are per suite and count cases: `tests` = cases, `failures` = failing cases, `skipped` =
//! skipped cases, `errors` = erroring cases. Output is deterministic: suites in coverage order,
//! cases in identity order, failures in the report's findings order; no clock or host name.

use std::fmt::Write as _;

use overshare_finding::{CheckStatus, Finding};

use crate::context::{finding_identities, is_operation};
use crate::model::{CoverageEntry, CoverageStatus, Report};

/// The case name for what does not depend on an identity: findings without identity (spec
/// problems), operations exercised without one (a HAR capture).
pub const ANY_IDENTITY: &str = "(any identity)";

/// The schema's "hostname if it cannot be determined". The host running overshare is not worth
/// making the output depend on; the target is in the properties.
const HOSTNAME: &str = "localhost";

/// The report as JUnit XML (Jenkins / Apache Ant schema), with a trailing newline.
pub fn to_junit(report: &Report) -> String {
    let timestamp = timestamp(&report.started_at);
    let mut suites = vec![identities_suite(report)];
    suites.extend(checks_suite(report));
    suites.extend(operation_suites(report));
    if let Some(suite) = source_suite(report) {
        suites.push(suite);
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, suite) in suites.iter().enumerate() {
        suite.write(&mut out, id, &timestamp);
    }
    out.push_str("</testsuites>\n");
    out
}

struct Suite<'r> {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case<'r>>,
    time_ms: u64,
    system_out: String,
    system_err: String,
}

struct Case<'r> {
    classname: String,
    name: String,
    outcome: Outcome<'r>,
}

enum Outcome<'r> {
    Passed,
    /// A check that failed: its findings are in the operations' suites.
    CheckFailed {
        rule: String,
        detail: String,
    },
    Failed {
        findings: Vec<&'r Finding>,
        /// The operation was skipped and yet has findings (from the spec alone): say both.
        skipped: Option<String>,
    },
    Skipped(String),
    Error {
        kind: &'static str,
        message: String,
    },
}

impl Suite<'_> {
    fn count(&self, pred: fn(&Outcome<'_>) -> bool) -> usize {
        self.cases.iter().filter(|c| pred(&c.outcome)).count()
    }

    fn write(&self, out: &mut String, id: usize, timestamp: &str) {
        let failures =
            self.count(|o| matches!(o, Outcome::Failed { .. } | Outcome::CheckFailed { .. }));
        let errors = self.count(|o| matches!(o, Outcome::Error { .. }));
        let skipped = self.count(|o| matches!(o, Outcome::Skipped(_)));
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" package=\"overshare\" id=\"{id}\" timestamp=\"{timestamp}\" \
             hostname=\"{HOSTNAME}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" \
             skipped=\"{skipped}\" time=\"{}\">",
            attr(&self.name),
            self.cases.len(),
            seconds(self.time_ms),
        );
        if self.properties.is_empty() {
            out.push_str("    <properties/>\n");
        } else {
            out.push_str("    <properties>\n");
            for (name, value) in &self.properties {
                let _ = writeln!(
                    out,
                    "      <property name=\"{name}\" value=\"{}\"/>",
                    attr(value)
                );
            }
            out.push_str("    </properties>\n");
        }
        for case in &self.cases {
            case.write(out);
        }
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>",
            text(&self.system_out)
        );
        let _ = writeln!(
            out,
            "    <system-err>{}</system-err>",
            text(&self.system_err)
        );
        out.push_str("  </testsuite>\n");
    }
}

impl Case<'_> {
    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0.000\"",
            attr(&self.classname),
            attr(&self.name)
        );
        match &self.outcome {
            Outcome::Passed => out.push_str("/>\n"),
            Outcome::CheckFailed { rule, detail } => {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"{}\"/>\n    </testcase>",
                    attr(detail),
                    attr(rule)
                );
            }
            Outcome::Skipped(reason) => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    attr(reason)
                );
            }
            Outcome::Error { kind, message } => {
                let _ = writeln!(
                    out,
                    ">\n      <error message=\"{}\" type=\"{kind}\"/>\n    </testcase>",
                    attr(message)
                );
            }
            Outcome::Failed { findings, skipped } => {
                let (message, kind) = failure_summary(findings);
                let mut body = findings
                    .iter()
                    .map(|f| failure_text(f))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                if let Some(reason) = skipped {
                    body.push_str(&format!("\n\nThe operation was not requested: {reason}."));
                }
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    attr(&message),
                    attr(&kind),
                    text(&body)
                );
            }
        }
    }
}

/// `message`: the title of a single finding, or the count and the worst one's title; `type`:
/// `RULE severity` of each distinct rule and severity, in order.
fn failure_summary(findings: &[&Finding]) -> (String, String) {
    let mut kinds: Vec<String> = Vec::new();
    for finding in findings {
        let kind = format!("{} {}", finding.rule, finding.severity);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    // The first of the worst, so that ties keep the report's order.
    let worst = findings.iter().copied().reduce(|worst, f| {
        if f.severity > worst.severity {
            f
        } else {
            worst
        }
    });
    let message = match (findings.len(), worst) {
        (1, Some(f)) => f.title.clone(),
        (n, Some(f)) => format!("{n} findings, worst: {}", f.title),
        (_, None) => String::new(),
    };
    (message, kinds.join(", "))
}

/// One finding, the way the text report shows it:
/// ```text
/// [HIGH] OVS101 undeclared-property at /*/user/password
/// The response contains `user.password`, …
/// value: pbkdf2_sha256$…[redacted]  status 200
/// reproduce: curl …
/// source: app/serializers.py:12
/// ```
fn failure_text(finding: &Finding) -> String {
    let mut lines = Vec::new();
    let mut badge = format!(
        "[{}] {} {}",
        finding.severity.as_str().to_ascii_uppercase(),
        finding.rule,
        finding.name
    );
    let loc = &finding.location;
    if let Some(at) = loc.pattern.as_ref().or(loc.json_pointer.as_ref()) {
        badge.push_str(&format!(" at {at}"));
    }
    lines.push(badge);
    if !finding.message.is_empty() {
        lines.push(finding.message.clone());
    } else {
        lines.push(finding.title.clone());
    }
    let ev = &finding.evidence;
    let mut evidence = Vec::new();
    if let Some(value) = &ev.value {
        evidence.push(format!("value: {value}"));
    }
    if let Some(status) = ev.status {
        evidence.push(format!("status {status}"));
    }
    if !evidence.is_empty() {
        lines.push(evidence.join("  "));
    }
    if let Some(cmd) = &ev.reproduce {
        lines.push(format!("reproduce: {cmd}"));
    }
    if !finding.source.is_empty() {
        let sources: Vec<String> = finding.source.iter().map(ToString::to_string).collect();
        lines.push(format!("source: {}", sources.join(", ")));
    }
    if !finding.remediation.is_empty() {
        lines.push(format!("fix: {}", finding.remediation));
    }
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Suites

fn identities_suite(report: &Report) -> Suite<'_> {
    let s = &report.summary;
    let mut properties = vec![
        (
            "tool",
            format!("{} {}", report.tool.name, report.tool.version),
        ),
        ("target", report.target.clone()),
        ("spec", report.spec.clone()),
        ("score", s.score.to_string()),
        ("grade", s.grade.clone()),
    ];
    if !report.started_at.is_empty() {
        properties.push(("started_at", report.started_at.clone()));
    }
    if report.interrupted {
        properties.push(("interrupted", "true".into()));
    }
    let cases = report
        .identities
        .iter()
        .map(|id| Case {
            classname: "identity".into(),
            name: id.name.clone(),
            outcome: if id.is_ok() {
                Outcome::Passed
            } else {
                Outcome::Error {
                    kind: "identity-failed",
                    message: id.error.clone().unwrap_or_else(|| "failed".into()),
                }
            },
        })
        .collect();
    let counts = &s.findings;
    let mut system_out = format!(
        "Score {}/100, grade {}. Findings: {} critical, {} high, {} medium, {} low, {} info. \
         {} of {} operations tested, {} requests sent.",
        s.score,
        s.grade,
        counts.critical,
        counts.high,
        counts.medium,
        counts.low,
        counts.info,
        s.operations_tested,
        s.operations_total,
        s.requests_sent
    );
    if report.interrupted {
        system_out.push_str(" The run was interrupted: results are partial.");
    }
    Suite {
        name: "identities".into(),
        properties,
        cases,
        time_ms: report.duration_ms,
        system_out,
        system_err: report.errors.join("\n"),
    }
}

/// One test case per check (mTLS edge, cross-identity, mass assignment), so that a CI
/// dashboard shows "requests without a certificate: passed" and not only failures.
fn checks_suite(report: &Report) -> Option<Suite<'_>> {
    if report.checks.is_empty() {
        return None;
    }
    let cases = report
        .checks
        .iter()
        .map(|check| Case {
            classname: "check".into(),
            name: format!("{}: {}", check.id, check.title),
            outcome: match check.status {
                CheckStatus::Passed => Outcome::Passed,
                CheckStatus::Skipped => Outcome::Skipped(check.detail.clone()),
                CheckStatus::Failed => Outcome::CheckFailed {
                    rule: check.rule.clone().unwrap_or_default(),
                    detail: check.detail.clone(),
                },
            },
        })
        .collect();
    let system_out = report
        .checks
        .iter()
        .map(|c| format!("{} {}: {}", c.status.as_str(), c.id, c.detail))
        .collect::<Vec<_>>()
        .join("\n");
    Some(Suite {
        name: "checks".into(),
        properties: Vec::new(),
        cases,
        time_ms: 0,
        system_out,
        system_err: String::new(),
    })
}

/// A suite per operation of the coverage, then per operation only findings name.
fn operation_suites(report: &Report) -> Vec<Suite<'_>> {
    // Findings of each operation, operations in order of first appearance.
    let mut groups: Vec<((String, String), Vec<&Finding>)> = Vec::new();
    for finding in &report.findings {
        let Some(op) = &finding.operation else {
            continue;
        };
        match groups.iter_mut().find(|((m, p), _)| is_operation(op, m, p)) {
            Some((_, group)) => group.push(finding),
            None => groups.push(((op.method.clone(), op.path.clone()), vec![finding])),
        }
    }

    let mut suites = Vec::new();
    for entry in &report.coverage {
        // A duplicated coverage entry gets no findings the second time: each is reported once.
        let findings = match groups
            .iter()
            .position(|((m, p), _)| entry.path == *p && entry.method.eq_ignore_ascii_case(m))
        {
            Some(i) => groups.remove(i).1,
            None => Vec::new(),
        };
        suites.push(operation_suite(
            &entry.method,
            &entry.path,
            Some(entry),
            findings,
        ));
    }
    for ((method, path), findings) in groups {
        suites.push(operation_suite(&method, &path, None, findings));
    }
    suites
}

fn operation_suite<'r>(
    method: &str,
    path: &str,
    entry: Option<&CoverageEntry>,
    findings: Vec<&'r Finding>,
) -> Suite<'r> {
    let classname = format!("{method} {path}");
    let skipped = entry
        .filter(|e| e.status == CoverageStatus::Skipped)
        .map(|e| e.reason.clone().unwrap_or_else(|| "skipped".into()));

    // Identities: the coverage's, then any other that saw a finding, then the catch-all.
    let mut names: Vec<String> = entry.map(|e| e.identities.clone()).unwrap_or_default();
    for finding in &findings {
        for id in finding_identities(finding) {
            if !names.iter().any(|n| n == id) {
                names.push(id.to_string());
            }
        }
    }
    let anonymous = findings.iter().any(|f| finding_identities(f).is_empty());
    if anonymous || names.is_empty() {
        names.push(ANY_IDENTITY.to_string());
    }

    let cases = names
        .into_iter()
        .map(|name| {
            let seen: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|f| {
                    let ids = finding_identities(f);
                    if name == ANY_IDENTITY {
                        ids.is_empty()
                    } else {
                        ids.contains(&name.as_str())
                    }
                })
                .collect();
            let outcome = match (seen.is_empty(), &skipped) {
                (false, _) => Outcome::Failed {
                    findings: seen,
                    skipped: skipped.clone(),
                },
                (true, Some(reason)) => Outcome::Skipped(reason.clone()),
                (true, None) => Outcome::Passed,
            };
            Case {
                classname: classname.clone(),
                name,
                outcome,
            }
        })
        .collect();

    let mut properties = Vec::new();
    if let Some(id) = entry.and_then(|e| e.operation_id.clone()).or_else(|| {
        findings
            .iter()
            .find_map(|f| f.operation.as_ref()?.operation_id.clone())
    }) {
        properties.push(("operation_id", id));
    }
    if let Some(entry) = entry {
        let status = match entry.status {
            CoverageStatus::Tested => "tested",
            CoverageStatus::Skipped => "skipped",
        };
        properties.push(("status", status.to_string()));
        properties.push(("requests", entry.requests.to_string()));
    }
    Suite {
        name: classname,
        properties,
        cases,
        time_ms: 0,
        system_out: String::new(),
        system_err: String::new(),
    }
}

/// Findings not tied to an operation (static audit): a case each, named by rule and place.
fn source_suite(report: &Report) -> Option<Suite<'_>> {
    let cases: Vec<Case<'_>> = report
        .findings
        .iter()
        .filter(|f| f.operation.is_none())
        .map(|finding| {
            let mut name = format!("{} {}", finding.rule, finding.name);
            if let Some(source) = finding.source.first() {
                name.push_str(&format!(" at {}:{}", source.file, source.line));
            }
            Case {
                classname: "source".into(),
                name,
                outcome: Outcome::Failed {
                    findings: vec![finding],
                    skipped: None,
                },
            }
        })
        .collect();
    (!cases.is_empty()).then(|| Suite {
        name: "source".into(),
        properties: Vec::new(),
        cases,
        time_ms: 0,
        system_out: String::new(),
        system_err: String::new(),
    })
}

// ---------------------------------------------------------------------------------------------
// Values

/// The schema's timestamp: `YYYY-MM-DDTHH:MM:SS`, no fraction, no zone. `started_at` is UTC
/// (the report says so), so dropping the `Z` loses nothing. A missing or odd value becomes the
/// epoch: the attribute is required, and a made-up "now" would make the output unstable.
fn timestamp(started_at: &str) -> String {
    let head = started_at.get(..19).unwrap_or_default();
    let shape_ok = head.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T' || b == b't' || b == b' ',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    if head.len() == 19 && shape_ok {
        format!("{}T{}", &head[..10], &head[11..])
    } else {
        "1970-01-01T00:00:00".into()
    }
}

/// Milliseconds as the decimal seconds JUnit wants (`4.230`).
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Escape for element content. Characters XML 1.0 cannot carry at all (most C0 controls)
/// become U+FFFD: an evidence value must not make the whole file unreadable.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escape for a double-quoted attribute. Line breaks and tabs are written as references,
/// since attribute value normalisation would turn them into spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\u{9}' | '\u{A}' | '\u{D}'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_breaks_and_invalid_characters() {
        assert_eq!(text("a<b>&c\"d"), "a&lt;b&gt;&amp;c\"d");
        assert_eq!(attr("a\"b\nc\td"), "a&quot;b&#10;c&#9;d");
        assert_eq!(text("line\nnext\r"), "line\nnext&#13;");
        assert_eq!(text("nul\u{0}bell\u{7}"), "nul\u{FFFD}bell\u{FFFD}");
        assert_eq!(text("é ✓ 𝄞"), "é ✓ 𝄞");
    }

    #[test]
    fn timestamps_drop_zone_and_fraction() {
        assert_eq!(timestamp("2026-11-29T10:00:00Z"), "2026-11-29T10:00:00");
        assert_eq!(
            timestamp("2026-11-29t10:00:00.123+00:00"),
            "2026-11-29T10:00:00"
        );
        assert_eq!(timestamp(""), "1970-01-01T00:00:00");
        assert_eq!(timestamp("yesterday at noon!!"), "1970-01-01T00:00:00");
        assert_eq!(timestamp("2026-11-29T1é:00:00Z"), "1970-01-01T00:00:00");
    }

    #[test]
    fn seconds_have_three_decimals() {
        assert_eq!(seconds(4_230), "4.230");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(0), "0.000");
    }
}
