//! Markdown: the pull-request comment for the sample and a clean report (snapshots), its limits
//! (rows, operations, size) and its escaping.

mod common;

use overshare_report::markdown::{COMMENT_BUDGET, OPERATIONS_LIMIT, WORST_LIMIT};
use overshare_report::{RenderContext, to_markdown};

const WORST_HEADER: &str = "| Severity | Rule | Operation | Field | Value |";

/// GitHub's limit for a comment, in characters.
const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The cells of a table row: split on `|` not preceded by a backslash.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        if c == '|' && !escaped {
            cells.push(current.trim().to_string());
            current.clear();
        } else {
            current.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    cells
}

fn table_rows<'a>(md: &'a str, header: &str) -> Vec<&'a str> {
    let start = md
        .find(header)
        .unwrap_or_else(|| panic!("no table {header}"));
    md[start..]
        .lines()
        .skip(2) // header and alignment rows
        .take_while(|l| l.starts_with('|'))
        .collect()
}

#[test]
fn representative_report() {
    insta::assert_snapshot!(to_markdown(
        &common::sample_report(),
        &common::sample_context()
    ));
}

#[test]
fn report_without_findings() {
    insta::assert_snapshot!(to_markdown(
        &common::clean_report(),
        &common::sample_context()
    ));
}

#[test]
fn title_counts_and_worst_findings() {
    let md = to_markdown(&common::sample_report(), &common::sample_context());
    let report = common::sample_report();
    assert!(md.starts_with(&format!(
        "## overshare: grade {}, score {}/100\n",
        report.summary.grade, report.summary.score
    )));
    let counts = table_rows(&md, "| Severity | Findings |");
    assert_eq!(cells(counts[0]), ["🔴 critical", "1"]);
    assert_eq!(cells(counts[2]), ["🟡 medium", "2"]);
    assert_eq!(cells(counts[5]), ["**total**", "**6**"]);
    let worst = table_rows(&md, WORST_HEADER);
    assert_eq!(worst.len(), 6);
    assert_eq!(
        cells(worst[0]),
        [
            "🔴 critical",
            "`OVS201` cross-identity-read",
            "`GET /api/profiles/{id}/`",
            "`/email`",
            "`al…[redacted]`"
        ]
    );
    // The static finding shows where in the code.
    assert!(
        worst.iter().any(|r| r.contains("`app/serializers.py:8`")),
        "{md}"
    );
    assert!(md.contains("`overshare explain RULE`"));
    assert!(md.contains("**Skipped:** 3 operations (2 × writes data: needs --active; 1 × "));
    assert!(md.contains("**Identity `legacy`** could not be used"));
}

#[test]
fn worst_findings_and_operations_are_capped() {
    let report = common::huge_report(45, 2, 8);
    let md = to_markdown(&report, &RenderContext::default());
    assert_eq!(table_rows(&md, WORST_HEADER).len(), WORST_LIMIT);
    assert!(md.contains(&format!("_The {WORST_LIMIT} worst of 90 findings._")));
    let headings = md.lines().filter(|l| l.starts_with("#### ")).count();
    assert_eq!(headings, OPERATIONS_LIMIT);
    assert!(
        md.contains(&format!(
            "_… and {} more operations: see the full report._",
            45 - OPERATIONS_LIMIT
        )),
        "{md}"
    );
    // Worst first, and stable among equals: the first rows are the high findings in report order.
    let worst = table_rows(&md, WORST_HEADER);
    assert!(worst.iter().all(|r| r.starts_with("| 🟠 high |")));
}

#[test]
fn huge_reports_stay_under_the_comment_limit() {
    let report = common::huge_report(400, 30, 150);
    let md = to_markdown(&report, &common::sample_context());
    assert!(md.len() <= COMMENT_BUDGET, "{} bytes", md.len());
    assert!(md.chars().count() < GITHUB_COMMENT_LIMIT);
    assert!(md.contains("(the comment would be too long): see the full report._"));
    // What matters most survives the cut.
    assert!(md.starts_with("## overshare: grade"));
    assert!(md.contains("### Worst findings"));
    assert!(md.contains("`overshare explain RULE`"));
    assert!(md.ends_with("</sub>\n"));
    // Rows per operation are capped too.
    assert!(md.contains("_… and 20 more findings._"));
}

#[test]
fn pipes_backticks_and_markup_stay_inside_their_cells() {
    let md = to_markdown(&common::hostile_report(), &common::sample_context());
    for header in [
        "| Severity | Rule | Operation | Field | Value |",
        "| Severity | Rule | Field | Identities | Value |",
        "| Rule | Name | What it finds |",
    ] {
        let columns = cells(header).len();
        for row in table_rows(&md, header) {
            assert_eq!(cells(row).len(), columns, "{row}");
        }
    }
    // Prose is escaped (values are in code spans, where markup is inert).
    assert!(md.contains("could not be used: \\<script\\>alert"), "{md}");
    assert!(
        md.contains("``/a\\|b/`c` ``") || md.contains("`` /a\\|b/`c` ``"),
        "{md}"
    );
    assert!(md.contains("**Identity `bad <id>`**"), "{md}");
}

#[test]
fn interrupted_runs_say_so() {
    let mut report = common::sample_report();
    report.interrupted = true;
    let md = to_markdown(&report, &common::sample_context());
    assert!(md.contains("> [!WARNING]\n> The run was interrupted: the results are partial."));
}

#[test]
fn same_report_same_bytes() {
    let first = to_markdown(&common::sample_report(), &common::sample_context());
    assert_eq!(
        first,
        to_markdown(&common::sample_report(), &common::sample_context())
    );
}
