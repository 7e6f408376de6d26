//! Markdown for a pull-request comment: what a reviewer reads before deciding to look further.
//!
//! Top to bottom: a title with grade and score, what was scanned, a table of counts per
//! severity, the worst findings (at most [`WORST_LIMIT`]), then, folded in a `<details>` block,
//! a compact table per operation with findings (at most [`OPERATIONS_LIMIT`] operations and
//! [`ROWS_PER_OPERATION`] rows each), skipped operations, unusable identities and errors as one
//! line each, a legend of the rules that fired, and a pointer to `overshare explain`.
//!
//! # Size
//! GitHub refuses comments over 65,536 characters. The output stays under [`COMMENT_BUDGET`]
//! bytes (bytes ≥ characters, so the byte count is the safe measure): the head (title to worst
//! findings), the notes and the footer are bounded by construction (capped rows, capped cells);
//! per-operation tables are added while they fit, then a note says how many were left out; the
//! rule legend comes last and only if it fits.
//!
//! # Escaping
//! Values go in code spans whose fence is longer than any backtick run inside (CommonMark's way
//! to put backticks in code); prose cells are backslash-escaped. In both, `|` is written `\|`,
//! which GFM tables resolve before inline parsing, so it is right inside code spans too. Line
//! breaks become spaces: a table row is one line.
//!
//! Deterministic: findings keep the report's order (the worst-findings table sorts stably by
//! severity), no clock is read.

use overshare_finding::{Finding, Severity};

use crate::context::{RenderContext, finding_identities};
use crate::model::{CoverageStatus, Report};

/// The most bytes the comment may have; GitHub's limit is 65,536 characters.
pub const COMMENT_BUDGET: usize = 60_000;
/// Rows of the worst-findings table.
pub const WORST_LIMIT: usize = 10;
/// Operations with a table of their own.
pub const OPERATIONS_LIMIT: usize = 20;
/// Rows of one operation's table.
pub const ROWS_PER_OPERATION: usize = 10;
/// Characters of one table cell (a long pointer or value is cut with `…`).
const CELL_LIMIT: usize = 120;
/// Lines of a list that could be long (failed identities, skip reasons).
const LIST_LIMIT: usize = 10;

/// The report as a Markdown pull-request comment, with a trailing newline.
pub fn to_markdown(report: &Report, ctx: &RenderContext) -> String {
    let head = head(report);
    let notes = notes(report);
    let tail = tail(report);
    let fixed = head.len() + notes.len() + tail.len();
    let mut budget = COMMENT_BUDGET.saturating_sub(fixed);

    let operations = operations_section(report, ctx, &mut budget);
    let legend = legend(report, ctx).filter(|legend| legend.len() <= budget);

    let mut out = head;
    out.push_str(&operations);
    out.push_str(&notes);
    if let Some(legend) = legend {
        out.push_str(&legend);
    }
    out.push_str(&tail);
    out
}

// ---------------------------------------------------------------------------------------------
// Head: title, scope, counts, worst findings

fn head(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!("## overshare: grade {}, score {}/100\n\n", s.grade, s.score);
    // `audit` has no spec: say only what was read.
    let against = if report.spec.is_empty() {
        String::new()
    } else {
        format!(" against {}", code(&cut(&report.spec, CELL_LIMIT)))
    };
    out.push_str(&format!(
        "Scanned {}{against}: {} of {} operations tested, {}, {}.\n\n",
        code(&cut(&report.target, CELL_LIMIT)),
        s.operations_tested,
        s.operations_total,
        plural(s.requests_sent, "request", "requests"),
        duration(report.duration_ms)
    ));
    if report.interrupted {
        out.push_str("> [!WARNING]\n> The run was interrupted: the results are partial.\n\n");
    }
    if report.findings.is_empty() {
        out.push_str("No findings.\n\n");
        return out;
    }

    out.push_str("| Severity | Findings |\n| :-- | --: |\n");
    for severity in Severity::ALL_DESCENDING {
        out.push_str(&format!(
            "| {} | {} |\n",
            severity_cell(severity),
            s.findings.get(severity)
        ));
    }
    out.push_str(&format!("| **total** | **{}** |\n\n", s.findings.total()));

    // Stable: equally severe findings keep the report's order.
    let mut worst: Vec<&Finding> = report.findings.iter().collect();
    worst.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let shown = worst.len().min(WORST_LIMIT);
    out.push_str("### Worst findings\n\n");
    out.push_str("| Severity | Rule | Operation | Field | Value |\n");
    out.push_str("| :-- | :-- | :-- | :-- | :-- |\n");
    for finding in &worst[..shown] {
        let operation = match &finding.operation {
            Some(op) => code(&op.to_string()),
            None => "—".to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {operation} | {} | {} |\n",
            severity_cell(finding.severity),
            rule_cell(finding),
            field_cell(finding),
            value_cell(finding)
        ));
    }
    if worst.len() > shown {
        out.push_str(&format!(
            "\n_The {shown} worst of {} findings._\n",
            worst.len()
        ));
    }
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Per-operation tables

/// The findings of one operation (or of none: static findings).
struct Group<'r> {
    method_path: Option<(String, String)>,
    operation_id: Option<String>,
    findings: Vec<&'r Finding>,
}

/// Groups in order of first appearance, which for a sorted report is worst group first.
fn groups(report: &Report) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for finding in &report.findings {
        let key = finding
            .operation
            .as_ref()
            .map(|op| (op.method.to_ascii_uppercase(), op.path.clone()));
        match groups.iter_mut().find(|g| g.method_path == key) {
            Some(group) => group.findings.push(finding),
            None => groups.push(Group {
                method_path: key,
                operation_id: finding
                    .operation
                    .as_ref()
                    .and_then(|op| op.operation_id.clone()),
                findings: vec![finding],
            }),
        }
    }
    groups
}

fn operations_section(report: &Report, ctx: &RenderContext, budget: &mut usize) -> String {
    let groups = groups(report);
    if groups.is_empty() {
        return String::new();
    }
    let open = format!(
        "<details>\n<summary>Findings by operation ({})</summary>\n\n",
        plural(groups.len(), "operation", "operations")
    );
    let close = "</details>\n\n";
    // Room for the wrapper and the note that says what was left out.
    let reserve = open.len() + close.len() + 200;
    if *budget < reserve {
        return String::new();
    }
    let mut room = *budget - reserve;
    let mut body = String::new();
    let mut shown = 0;
    for group in groups.iter().take(OPERATIONS_LIMIT) {
        let block = group_table(group, ctx);
        if block.len() > room {
            break;
        }
        room -= block.len();
        body.push_str(&block);
        shown += 1;
    }
    let left = groups.len() - shown;
    if left > 0 {
        let why = if shown < OPERATIONS_LIMIT.min(groups.len()) {
            " (the comment would be too long)"
        } else {
            ""
        };
        body.push_str(&format!(
            "_… and {left} more {}{why}: see the full report._\n\n",
            noun(left, "operation", "operations")
        ));
    }
    let section = format!("{open}{body}{close}");
    *budget = budget.saturating_sub(section.len());
    section
}

fn group_table(group: &Group<'_>, ctx: &RenderContext) -> String {
    let mut out = match &group.method_path {
        Some((method, path)) => format!("#### {}\n\n", code(&format!("{method} {path}"))),
        None => "#### Not tied to an operation\n\n".to_string(),
    };
    let mut facts = Vec::new();
    if let Some(id) = &group.operation_id {
        facts.push(format!("operation {}", code(id)));
    }
    if let (Some((method, path)), Some(spec)) = (&group.method_path, &ctx.spec_path)
        && let Some(line) = ctx.operation_line(method, path)
    {
        facts.push(format!("{} line {line}", code(spec)));
    }
    if !facts.is_empty() {
        out.push_str(&facts.join(" · "));
        out.push_str("\n\n");
    }
    out.push_str("| Severity | Rule | Field | Identities | Value |\n");
    out.push_str("| :-- | :-- | :-- | :-- | :-- |\n");
    for finding in group.findings.iter().take(ROWS_PER_OPERATION) {
        let identities = finding_identities(finding);
        let identities = if identities.is_empty() {
            "—".to_string()
        } else {
            prose(&cut(&identities.join(", "), CELL_LIMIT))
        };
        out.push_str(&format!(
            "| {} | {} | {} | {identities} | {} |\n",
            severity_cell(finding.severity),
            rule_cell(finding),
            field_cell(finding),
            value_cell(finding)
        ));
    }
    if group.findings.len() > ROWS_PER_OPERATION {
        let left = group.findings.len() - ROWS_PER_OPERATION;
        out.push_str(&format!(
            "\n_… and {left} more {}._\n",
            noun(left, "finding", "findings")
        ));
    }
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Notes: clean, skipped, identities, errors

fn notes(report: &Report) -> String {
    let mut lines = Vec::new();

    // The checks in one line: passed ones are news too ("no certificate: refused").
    if !report.checks.is_empty() {
        let checks: Vec<String> = report
            .checks
            .iter()
            .map(|c| {
                let mark = match c.status {
                    overshare_finding::CheckStatus::Passed => "✅",
                    overshare_finding::CheckStatus::Failed => "❌",
                    overshare_finding::CheckStatus::Skipped => "⏭️",
                };
                format!("{mark} {}", cut(&c.title, CELL_LIMIT))
            })
            .collect();
        lines.push(format!("**Checks:** {}.", checks.join(" · ")));
    }

    let clean = report
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Tested)
        .filter(|c| {
            !report.findings.iter().any(|f| {
                f.operation
                    .as_ref()
                    .is_some_and(|op| crate::context::is_operation(op, &c.method, &c.path))
            })
        })
        .count();
    if clean > 0 && !report.findings.is_empty() {
        lines.push(format!(
            "**Clean:** {} tested without findings.",
            plural(clean, "operation", "operations")
        ));
    }

    // Skip reasons with their counts, most frequent first, then in order of first appearance.
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    let skipped: Vec<_> = report
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Skipped)
        .collect();
    for entry in &skipped {
        let reason = entry.reason.as_deref().unwrap_or("no reason given");
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    reasons.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    if !skipped.is_empty() {
        let mut listed: Vec<String> = reasons
            .iter()
            .take(LIST_LIMIT)
            .map(|(reason, n)| format!("{n} × {}", prose(&cut(reason, CELL_LIMIT))))
            .collect();
        if reasons.len() > LIST_LIMIT {
            listed.push(format!("{} other reasons", reasons.len() - LIST_LIMIT));
        }
        lines.push(format!(
            "**Skipped:** {} ({}).",
            plural(skipped.len(), "operation", "operations"),
            listed.join("; ")
        ));
    }

    let failed: Vec<_> = report.identities.iter().filter(|i| !i.is_ok()).collect();
    for identity in failed.iter().take(LIST_LIMIT) {
        lines.push(format!(
            "**Identity {}** could not be used: {}.",
            code(&identity.name),
            prose(&cut(
                identity.error.as_deref().unwrap_or("no reason given"),
                CELL_LIMIT
            ))
        ));
    }
    if failed.len() > LIST_LIMIT {
        lines.push(format!(
            "**Identities:** {} more could not be used.",
            failed.len() - LIST_LIMIT
        ));
    }

    if !report.errors.is_empty() {
        lines.push(format!(
            "**Errors:** {} did not stop the run; see the full report.",
            plural(report.errors.len(), "problem", "problems")
        ));
    }

    if lines.is_empty() {
        return String::new();
    }
    // Two trailing spaces would be invisible in a diff; a blank line per note is explicit.
    lines.join("\n\n") + "\n\n"
}

// ---------------------------------------------------------------------------------------------
// Legend and footer

/// The rules that fired, in order of first appearance, with what each finds.
fn legend(report: &Report, ctx: &RenderContext) -> Option<String> {
    let mut ids: Vec<&Finding> = Vec::new();
    for finding in &report.findings {
        if !ids.iter().any(|f| f.rule == finding.rule) {
            ids.push(finding);
        }
    }
    if ids.is_empty() {
        return None;
    }
    let mut out = String::from("<details>\n<summary>Rules in this report</summary>\n\n");
    out.push_str("| Rule | Name | What it finds |\n| :-- | :-- | :-- |\n");
    for finding in ids {
        let rule = ctx.rule_for(finding);
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            code(&rule.id),
            prose(&cut(&rule.name, CELL_LIMIT)),
            prose(&cut(&rule.summary, CELL_LIMIT * 2))
        ));
    }
    out.push_str("\n</details>\n\n");
    Some(out)
}

fn tail(report: &Report) -> String {
    let mut out = match report.findings.first() {
        Some(first) => format!(
            "Run `overshare explain RULE` (for example `overshare explain {}`) to see what a rule \
             finds, why it matters and how to fix it.\n\n",
            // A rule id goes in a code span as is; a hostile one must not end the span.
            cut(&first.rule.replace('`', ""), 40)
        ),
        None => "Run `overshare rules` to see what overshare checks, and `overshare explain RULE` \
                 for what a rule finds and how to fix it.\n\n"
            .to_string(),
    };
    let mut footer = format!("{} {}", report.tool.name, report.tool.version);
    if !report.started_at.is_empty() {
        footer.push_str(&format!(" · {}", report.started_at));
    }
    out.push_str(&format!(
        "<sub>{}</sub>\n",
        prose(&cut(&footer, CELL_LIMIT))
    ));
    out
}

// ---------------------------------------------------------------------------------------------
// Cells

fn severity_cell(severity: Severity) -> String {
    let mark = match severity {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    };
    format!("{mark} {}", severity.as_str())
}

fn rule_cell(finding: &Finding) -> String {
    format!(
        "{} {}",
        code(&cut(&finding.rule, 40)),
        prose(&cut(&finding.name, CELL_LIMIT))
    )
}

/// The folded pattern (what the finding is grouped by), else the pointer; for a static finding
/// the source location.
fn field_cell(finding: &Finding) -> String {
    let loc = &finding.location;
    if let Some(at) = loc.pattern.as_ref().or(loc.json_pointer.as_ref()) {
        return code(&cut(at, CELL_LIMIT));
    }
    match finding.source.first() {
        Some(s) => code(&cut(&format!("{}:{}", s.file, s.line), CELL_LIMIT)),
        None => "—".to_string(),
    }
}

/// The redacted evidence value (analyzers redact; printed as is).
fn value_cell(finding: &Finding) -> String {
    match &finding.evidence.value {
        Some(value) => code(&cut(value, CELL_LIMIT)),
        None => "—".to_string(),
    }
}

/// `text` as an inline code span that survives any content: line breaks become spaces, `|` is
/// escaped for the table, and the fence is one backtick longer than the longest run inside.
fn code(text: &str) -> String {
    let text = one_line(text).replace('|', "\\|");
    if text.trim().is_empty() {
        return "—".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side is stripped by the parser; it lets the content start or end with a
    // backtick without merging into the fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `text` as prose in a table cell or a line: one line, with every character that Markdown or
/// GitHub could read as syntax backslash-escaped (`|` ends a cell, a backtick opens code, `<`
/// opens HTML, `&` an entity, `$` math on GitHub).
fn prose(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '<' | '>' | '$' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One line of printable text: whitespace runs become one space, other control characters
/// (NUL, an escape sequence from a hostile value) become U+FFFD, as CommonMark does for NUL.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            word.chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `limit` characters, ending with `…` when cut.
fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut out: String = text.chars().take(limit.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `1 operation`, `3 operations`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `850ms`, `4.2s`, `2m 03s`.
fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms}ms"),
        1_000..=59_999 => format!("{:.1}s", ms as f64 / 1000.0),
        _ => format!("{}m {:02}s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("/user/password"), "`/user/password`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("two\nlines"), "`two lines`");
        assert_eq!(code(" "), "—");
    }

    #[test]
    fn prose_escapes_markdown_syntax() {
        assert_eq!(prose("a|b `c` <d>"), "a\\|b \\`c\\` \\<d\\>");
        assert_eq!(prose("$5 *x* [y](z)"), "\\$5 \\*x\\* \\[y\\](z)");
        assert_eq!(prose("back\\slash\nnext"), "back\\\\slash next");
        assert_eq!(prose("a&amp;b"), "a\\&amp;b");
        assert_eq!(
            one_line("nul\u{0} esc\u{1b}[31m"),
            "nul\u{FFFD} esc\u{FFFD}[31m"
        );
    }

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("ééé é", 4), "ééé…");
    }
}
