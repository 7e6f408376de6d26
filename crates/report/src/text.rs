//! The terminal rendering of a report: what a person reads after `overshare scan`.
//!
//! Layout, top to bottom: a header (target, spec, timing, identities), the findings grouped by
//! operation (worst group first, worst finding first within a group), the skipped operations,
//! non-fatal errors, and a two-line summary. Lines stay within [`WIDTH`] columns where the
//! content allows it: prose is wrapped, `reproduce:` commands are not (they must stay
//! copy-pasteable).
//!
//! Colour is decided by the caller (`color`); this module never inspects the terminal, so its
//! output is deterministic and snapshot-testable. [`print_text`] is the convenience that
//! lets `anstream` strip the colour when stdout is not a terminal or `NO_COLOR` is set.

use std::io::{self, Write};

use overshare_finding::{Finding, Severity, sort_findings};
use owo_colors::{OwoColorize, Style};

use crate::model::{CoverageEntry, CoverageStatus, IdentityStatus, Report};
use overshare_finding::{Check, CheckStatus};

/// The column budget the layout aims for.
pub const WIDTH: usize = 100;

/// Indent of a finding's badge line; its detail lines are indented by [`DETAIL`].
const BADGE: &str = "  ";
const DETAIL: &str = "      ";

/// Write `report` as text to `out`, with ANSI colour when `color` is true.
pub fn render_text(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let p = Painter { color };
    write_header(report, out, p)?;
    write_findings(report, out, p)?;
    write_checks(&report.checks, out, p)?;
    write_skipped(&report.coverage, out, p)?;
    write_errors(&report.errors, out, p)?;
    write_summary(report, out, p)
}

/// Render to stdout through `anstream`, which drops the colour when stdout is not a terminal,
/// `NO_COLOR` is set or the terminal cannot show it.
pub fn print_text(report: &Report) -> io::Result<()> {
    let mut out = anstream::stdout().lock();
    render_text(report, &mut out, true)?;
    out.flush()
}

/// Applies a style only when colour is on, so that the plain output has no escape codes at all.
#[derive(Clone, Copy)]
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint(text, Style::new().bold())
    }

    fn dim(self, text: &str) -> String {
        self.paint(text, Style::new().dimmed())
    }
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::new().red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().blue(),
        Severity::Info => Style::new().dimmed(),
    }
}

fn grade_style(grade: &str) -> Style {
    match grade {
        "A" | "B" => Style::new().green().bold(),
        "C" => Style::new().yellow().bold(),
        _ => Style::new().red().bold(),
    }
}

// ---------------------------------------------------------------------------------------------
// Header

fn write_header(report: &Report, out: &mut dyn Write, p: Painter) -> io::Result<()> {
    let title = format!("{} {}", report.tool.name, report.tool.version);
    writeln!(out, "{}", p.bold(&title))?;
    writeln!(out, "  target      {}", report.target)?;
    writeln!(out, "  spec        {}", report.spec)?;
    writeln!(out, "  {}", timing(report))?;
    write_identities(&report.identities, out, p)?;
    if report.interrupted {
        let warning = "interrupted: the run was cut short, results are partial";
        writeln!(out, "  {}", p.paint(warning, Style::new().yellow().bold()))?;
    }
    Ok(())
}

fn timing(report: &Report) -> String {
    let took = format_duration(report.duration_ms);
    if report.started_at.is_empty() {
        format!("duration    {took}")
    } else {
        format!("started     {}, took {took}", report.started_at)
    }
}

/// `850ms`, `4.2s`, `2m 03s`: precise where it matters, short where it doesn't.
fn format_duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms}ms"),
        1_000..=59_999 => format!("{:.1}s", ms as f64 / 1000.0),
        _ => format!("{}m {:02}s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

fn write_identities(ids: &[IdentityStatus], out: &mut dyn Write, p: Painter) -> io::Result<()> {
    let name_width = ids
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(0);
    for (n, id) in ids.iter().enumerate() {
        let label = if n == 0 { "identities" } else { "" };
        let status = if id.is_ok() {
            p.paint(&format!("{:<6}", id.status), Style::new().green())
        } else {
            p.paint(&format!("{:<6}", id.status), Style::new().red().bold())
        };
        // A failed identity says why; a working one shows whose certificate it is.
        let detail = id.error.as_deref().or(id.subject.as_deref()).unwrap_or("");
        let line = format!(
            "  {label:<10}  {:<name_width$}  {status}  {detail}",
            id.name
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Findings

fn write_findings(report: &Report, out: &mut dyn Write, p: Painter) -> io::Result<()> {
    writeln!(out)?;
    if report.findings.is_empty() {
        let partial = if report.interrupted {
            " (in the part that ran)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}",
            p.paint(&format!("No findings{partial}."), Style::new().green())
        )?;
        return Ok(());
    }
    // Sort a copy: a report read back from JSON may not be in order.
    let mut findings = report.findings.clone();
    sort_findings(&mut findings);
    for (n, (heading, group)) in group_by_operation(&findings).into_iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{heading}", heading = p.bold(&heading))?;
        // One reproduce command per operation when every finding shares it: the same curl line
        // under each of 30 fields buries the fields.
        let shared = shared_reproduce(&group);
        if let Some(cmd) = shared {
            writeln!(out, "{DETAIL}{} {cmd}", p.dim("reproduce:"))?;
        }
        for finding in group {
            write_finding(finding, out, p, shared.is_none())?;
        }
    }
    writeln!(out)?;
    let hint = "`overshare explain RULE` shows what a rule finds and how to fix it.";
    writeln!(out, "{}", p.dim(hint))
}

/// Group sorted findings by operation, groups in order of first appearance. Since the input is
/// sorted worst first, the group with the worst finding comes first, and each group keeps the
/// worst-first order.
fn group_by_operation(findings: &[Finding]) -> Vec<(String, Vec<&Finding>)> {
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for finding in findings {
        let heading = operation_heading(finding);
        match groups.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, group)) => group.push(finding),
            None => groups.push((heading, vec![finding])),
        }
    }
    groups
}

fn operation_heading(finding: &Finding) -> String {
    match &finding.operation {
        Some(op) => match &op.operation_id {
            Some(id) => format!("{op}  ({id})"),
            None => op.to_string(),
        },
        // Static findings (audit) point at code, not at an operation.
        None => "Not tied to an operation".to_string(),
    }
}

fn shared_reproduce<'f>(group: &[&'f Finding]) -> Option<&'f str> {
    let first = group.first()?.evidence.reproduce.as_deref()?;
    group
        .iter()
        .all(|f| f.evidence.reproduce.as_deref() == Some(first))
        .then_some(first)
}

fn write_finding(
    finding: &Finding,
    out: &mut dyn Write,
    p: Painter,
    with_reproduce: bool,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", badge_line(finding, p))?;
    let message = if finding.message.is_empty() {
        &finding.title
    } else {
        &finding.message
    };
    for line in wrap(message, WIDTH - DETAIL.len()) {
        writeln!(out, "{DETAIL}{line}")?;
    }
    if let Some(evidence) = evidence_line(finding) {
        writeln!(out, "{DETAIL}{evidence}")?;
    }
    if let Some(cmd) = finding
        .evidence
        .reproduce
        .as_deref()
        .filter(|_| with_reproduce)
    {
        writeln!(out, "{DETAIL}{} {cmd}", p.dim("reproduce:"))?;
    }
    if !finding.source.is_empty() {
        writeln!(out, "{DETAIL}{} {}", p.dim("source:"), sources(finding))?;
    }
    Ok(())
}

/// `[HIGH] OVS101 undeclared-property  /*/user/password  (partner-a, partner-b)`
fn badge_line(finding: &Finding, p: Painter) -> String {
    let badge = format!("[{}]", finding.severity.as_str().to_ascii_uppercase());
    let mut line = format!(
        "{BADGE}{} {} {}",
        p.paint(&badge, severity_style(finding.severity)),
        finding.rule,
        finding.name
    );
    // The folded pattern groups `/0/user/password` and `/1/user/password`: show that one.
    let loc = &finding.location;
    if let Some(where_) = loc.pattern.as_ref().or(loc.json_pointer.as_ref()) {
        line.push_str(&format!("  {where_}"));
    }
    let identities = identities(finding);
    if !identities.is_empty() {
        line.push_str(&format!("  ({identities})"));
    }
    line
}

fn identities(finding: &Finding) -> String {
    if finding.identities.is_empty() {
        finding.identity.clone().unwrap_or_default()
    } else {
        finding.identities.join(", ")
    }
}

/// `value: pbkdf2_sha256$…[redacted]  status 200`; the value is already redacted by the
/// analyzer (the evidence type promises it), so it is printed as is.
fn evidence_line(finding: &Finding) -> Option<String> {
    let ev = &finding.evidence;
    let mut parts = Vec::new();
    if let Some(value) = &ev.value {
        parts.push(format!("value: {value}"));
    }
    if let Some(status) = ev.status {
        parts.push(format!("status {status}"));
    }
    (!parts.is_empty()).then(|| parts.join("  "))
}

/// `serializer app/serializers.py:8:5, view app/views.py:20:1`.
fn sources(finding: &Finding) -> String {
    let locations: Vec<String> = finding
        .source
        .iter()
        .map(|s| match &s.role {
            Some(role) => format!("{role} {s}"),
            None => s.to_string(),
        })
        .collect();
    locations.join(", ")
}

/// Greedy word wrap to `width` columns. A word longer than the width (a URL) keeps its own
/// line rather than being cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed = line.chars().count() + 1 + word.chars().count();
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// Skipped operations, errors, summary

/// `  PASS  Requests without a client certificate` and the detail under it.
fn write_checks(checks: &[Check], out: &mut dyn Write, p: Painter) -> io::Result<()> {
    if checks.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", p.bold("Checks"))?;
    for check in checks {
        let badge = match check.status {
            CheckStatus::Passed => p.paint("PASS", Style::new().green().bold()),
            CheckStatus::Failed => p.paint("FAIL", Style::new().red().bold()),
            CheckStatus::Skipped => p.dim("SKIP"),
        };
        writeln!(out, "  {badge}  {}", check.title)?;
        for line in wrap(&check.detail, WIDTH - 8) {
            writeln!(out, "        {}", p.dim(&line))?;
        }
    }
    Ok(())
}

fn write_skipped(coverage: &[CoverageEntry], out: &mut dyn Write, p: Painter) -> io::Result<()> {
    let skipped: Vec<&CoverageEntry> = coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Skipped)
        .collect();
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        p.bold(&format!("Skipped operations ({})", skipped.len()))
    )?;
    let method_width = skipped.iter().map(|c| c.method.len()).max().unwrap_or(0);
    // Align reasons, but don't let one very long path push every reason off screen.
    let path_width = skipped
        .iter()
        .map(|c| c.path.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for entry in skipped {
        let reason = entry.reason.as_deref().unwrap_or("no reason given");
        let line = format!(
            "  {:<method_width$} {:<path_width$}  {}",
            entry.method,
            entry.path,
            p.dim(reason)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn write_errors(errors: &[String], out: &mut dyn Write, p: Painter) -> io::Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let heading = format!("Errors ({})", errors.len());
    writeln!(out, "{}", p.paint(&heading, Style::new().red().bold()))?;
    for error in errors {
        for (n, line) in wrap(error, WIDTH - 4).into_iter().enumerate() {
            let lead = if n == 0 { "  - " } else { "    " };
            writeln!(out, "{lead}{line}")?;
        }
    }
    Ok(())
}

/// `Findings: 1 critical, 2 high, 0 medium, 1 low, 0 info`
/// `Score 35/100, grade F  ·  5 of 7 operations tested  ·  42 requests sent`
fn write_summary(report: &Report, out: &mut dyn Write, p: Painter) -> io::Result<()> {
    let s = &report.summary;
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .map(|&sev| {
            let text = format!("{} {}", s.findings.get(sev), sev.as_str());
            // Only non-zero counts get colour: zeros are good news and should stay quiet.
            if s.findings.get(sev) > 0 {
                p.paint(&text, severity_style(sev))
            } else {
                text
            }
        })
        .collect();
    writeln!(out)?;
    let suppressed = match s.suppressed {
        0 => String::new(),
        n => format!(" ({n} suppressed by the baseline or config)"),
    };
    writeln!(
        out,
        "{} {}{suppressed}",
        p.bold("Findings:"),
        counts.join(", ")
    )?;
    let score = p.paint(
        &format!("Score {}/100, grade {}", s.score, s.grade),
        grade_style(&s.grade),
    );
    // A static audit sends nothing and has no operations: the score says it all.
    if s.operations_total == 0 && s.requests_sent == 0 {
        return writeln!(out, "{score}");
    }
    writeln!(
        out,
        "{score}  ·  {} of {} operations tested  ·  {} requests sent",
        s.operations_tested, s.operations_total, s.requests_sent
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_keeps_long_words() {
        let lines = wrap("aaa bbb ccc ddd", 7);
        assert_eq!(lines, ["aaa bbb", "ccc ddd"]);
        let lines = wrap("see https://example.test/a/very/long/url now", 10);
        assert_eq!(
            lines,
            ["see", "https://example.test/a/very/long/url", "now"]
        );
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(format_duration(850), "850ms");
        assert_eq!(format_duration(4_230), "4.2s");
        assert_eq!(format_duration(123_000), "2m 03s");
    }

    #[test]
    fn painter_adds_escapes_only_with_colour() {
        let style = severity_style(Severity::Critical);
        assert_eq!(Painter { color: false }.paint("x", style), "x");
        let colored = Painter { color: true }.paint("x", style);
        assert!(colored.contains("\u{1b}["), "{colored:?}");
    }
}
