//! The terminal rendering, snapshot-tested without colour.

mod common;

use overshare_report::{Report, render_text};

fn render(report: &Report, color: bool) -> String {
    let mut out = Vec::new();
    render_text(report, &mut out, color).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn representative_report() {
    insta::assert_snapshot!(render(&common::sample_report(), false));
}

#[test]
fn report_without_findings() {
    insta::assert_snapshot!(render(&common::clean_report(), false));
}

#[test]
fn interrupted_report_says_results_are_partial() {
    let mut report = common::clean_report();
    report.interrupted = true;
    let text = render(&report, false);
    assert!(text.contains("interrupted"), "{text}");
    assert!(
        text.contains("No findings (in the part that ran)."),
        "{text}"
    );
}

#[test]
fn plain_output_has_no_escapes_and_fits_100_columns() {
    let text = render(&common::sample_report(), false);
    assert!(!text.contains('\u{1b}'));
    for line in text.lines() {
        // `reproduce:` lines stay whole so they can be copied.
        if !line.trim_start().starts_with("reproduce:") {
            assert!(line.chars().count() <= 100, "too wide: {line}");
        }
    }
}

#[test]
fn colour_output_differs_only_by_escapes() {
    let colored = render(&common::sample_report(), true);
    assert!(
        colored.contains("\u{1b}[1;31m[CRITICAL]") || colored.contains("\u{1b}[31;1m[CRITICAL]"),
        "critical badge should be bold red: {colored}"
    );
    let stripped = strip_ansi(&colored);
    assert_eq!(stripped, render(&common::sample_report(), false));
}

/// Remove CSI sequences (`ESC [ ... letter`), enough for what owo-colors emits.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
