//! The score: one number (and a letter) that says how much an API overshares.
//!
//! # Formula
//!
//! ```text
//! penalty = Σ over rules r  Σ over the k-th finding of r (worst first)
//!               weight(severity) × certainty(confidence) / k
//! score   = round(max(0, 100 − penalty))
//!           then capped: ≤ 69 if any finding is critical, ≤ 79 if any is high
//! grade   = A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 50, F below
//! ```
//!
//! with `weight` = critical 40, high 15, medium 5, low 1, info 0, and `certainty` = high 1.0,
//! medium 0.7, low 0.4.
//!
//! Why each part:
//! - **Diminishing returns per rule** (the k-th finding of a rule counts 1/k): one serializer
//!   that leaks 50 undeclared fields is one problem with one fix, not 50 problems. The sum over
//!   a rule grows like the harmonic series (50 medium findings of one rule cost ≈ 22.5 points),
//!   so more instances still cost more, but a single noisy rule cannot drown the others.
//!   Within a rule the worst finding counts in full.
//! - **Caps**: a critical finding (another client's data readable, a private key in a response)
//!   must never hide behind a good average, so it caps the grade at D; a high one caps it at C.
//!   The caps are applied to the score, not only to the grade, so that the grade stays a pure
//!   function of the score and a consumer of the JSON can never see `score: 75, grade: D`.
//! - **Confidence scales the cost**: a finding the analyzer is unsure of (a name-only match on
//!   an ambiguous field) should move the score less than a validated one. The caps ignore
//!   confidence: a critical finding caps the grade however sure it is, because a person must
//!   look at it.
//! - **Info costs nothing**: info findings are notes (a spec inconsistency, an observation),
//!   not exposure.

use overshare_finding::{Confidence, Finding, Severity};
use std::collections::BTreeMap;

/// The highest score a report with a critical finding can have (grade D).
pub const CRITICAL_CAP: u8 = 69;
/// The highest score a report with a high (and no critical) finding can have (grade C).
pub const HIGH_CAP: u8 = 79;

/// Points a single, first-of-its-rule finding of this severity costs.
pub fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 40.0,
        Severity::High => 15.0,
        Severity::Medium => 5.0,
        Severity::Low => 1.0,
        Severity::Info => 0.0,
    }
}

/// How much of its weight a finding costs, by how sure the analyzer is of it.
pub fn certainty(confidence: Confidence) -> f64 {
    match confidence {
        Confidence::High => 1.0,
        Confidence::Medium => 0.7,
        Confidence::Low => 0.4,
    }
}

/// The score of a set of findings, 0..=100 (see the module doc).
pub fn score(findings: &[Finding]) -> u8 {
    let raw = (100.0 - penalty(findings)).max(0.0).round();
    // `raw` is in 0.0..=100.0, so the cast cannot truncate.
    let score = raw as u8;
    score.min(cap(findings))
}

/// The total penalty, before flooring and capping.
pub fn penalty(findings: &[Finding]) -> f64 {
    let mut per_rule: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for finding in findings {
        per_rule
            .entry(&finding.rule)
            .or_default()
            .push(weight(finding.severity) * certainty(finding.confidence));
    }
    per_rule.into_values().map(rule_penalty).sum()
}

/// The penalty of one rule's findings: the costliest counts in full, the k-th counts 1/k.
fn rule_penalty(mut costs: Vec<f64>) -> f64 {
    costs.sort_unstable_by(|a, b| b.total_cmp(a));
    costs
        .iter()
        .enumerate()
        .map(|(i, cost)| cost / (i + 1) as f64)
        .sum()
}

fn cap(findings: &[Finding]) -> u8 {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Critical) => CRITICAL_CAP,
        Some(Severity::High) => HIGH_CAP,
        _ => 100,
    }
}

/// The letter for a score: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 50, else F.
pub fn grade(score: u8) -> &'static str {
    match score {
        90.. => "A",
        80..=89 => "B",
        70..=79 => "C",
        50..=69 => "D",
        _ => "F",
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
        cwe: &[],
        owasp: &[],
        summary: "",
        doc: "",
    };

    fn finding(rule: &str, severity: Severity) -> Finding {
        let mut f = Finding::from_rule(&RULE, Fingerprint::of(&[rule]));
        f.rule = rule.to_string();
        f.severity = severity;
        f
    }

    /// `n` findings of `severity`, each of its own rule.
    fn distinct(n: usize, severity: Severity) -> Vec<Finding> {
        (0..n)
            .map(|i| finding(&format!("OVS{i:03}"), severity))
            .collect()
    }

    /// `n` findings of `severity`, all of one rule.
    fn same_rule(n: usize, severity: Severity) -> Vec<Finding> {
        (0..n).map(|_| finding("OVS101", severity)).collect()
    }

    #[test]
    fn confidence_scales_the_cost_but_not_the_caps() {
        let sure = finding("OVS101", Severity::Medium);
        let mut unsure = sure.clone();
        unsure.confidence = overshare_finding::Confidence::Low;
        assert_eq!(score(&[sure]), 95);
        assert_eq!(score(&[unsure]), 98);
        let mut critical = finding("OVS202", Severity::Critical);
        critical.confidence = overshare_finding::Confidence::Low;
        assert_eq!(
            score(&[critical]),
            CRITICAL_CAP.min(84),
            "capped whatever the confidence"
        );
    }

    #[test]
    fn no_findings_and_info_only_score_100() {
        assert_eq!(score(&[]), 100);
        assert_eq!(score(&distinct(20, Severity::Info)), 100);
        assert_eq!(grade(100), "A");
    }

    #[test]
    fn grade_boundaries() {
        let cases = [
            (100, "A"),
            (90, "A"),
            (89, "B"),
            (80, "B"),
            (79, "C"),
            (70, "C"),
            (69, "D"),
            (50, "D"),
            (49, "F"),
            (0, "F"),
        ];
        for (s, g) in cases {
            assert_eq!(grade(s), g, "score {s}");
        }
    }

    #[test]
    fn distinct_rules_add_up_fully() {
        assert_eq!(score(&distinct(1, Severity::Low)), 99);
        assert_eq!(score(&distinct(10, Severity::Low)), 90);
        assert_eq!(grade(score(&distinct(10, Severity::Low))), "A");
        assert_eq!(grade(score(&distinct(11, Severity::Low))), "B");
        assert_eq!(score(&distinct(2, Severity::Medium)), 90);
    }

    #[test]
    fn same_rule_has_diminishing_returns() {
        // 5 * H(50) = 22.496 → 77.504 → 78: one leaky serializer is not 50 problems.
        assert_eq!(score(&same_rule(50, Severity::Medium)), 78);
        // 10 * 5 = 50 points when the same ten findings come from ten rules.
        assert_eq!(score(&distinct(10, Severity::Medium)), 50);
        // 1 + 1/2 + 1/3 = 1.83 → 98.17 → 98
        assert_eq!(score(&same_rule(3, Severity::Low)), 98);
    }

    #[test]
    fn worst_finding_of_a_rule_counts_in_full() {
        let findings = vec![
            finding("OVS101", Severity::Low),
            finding("OVS101", Severity::Medium),
        ];
        // 5/1 + 1/2 = 5.5 → 94.5 → 95 (rounds half away from zero), not 1 + 5/2.
        assert!((penalty(&findings) - 5.5).abs() < 1e-9);
        assert_eq!(score(&findings), 95);
    }

    #[test]
    fn high_caps_at_c() {
        // 100 - 15 = 85 would be a B.
        assert_eq!(score(&distinct(1, Severity::High)), HIGH_CAP);
        assert_eq!(grade(HIGH_CAP), "C");
        // Below the cap the penalty still decides.
        assert_eq!(score(&distinct(3, Severity::High)), 55);
    }

    #[test]
    fn critical_caps_at_d_and_floors_at_zero() {
        assert_eq!(score(&distinct(1, Severity::Critical)), 60);
        assert_eq!(grade(score(&distinct(1, Severity::Critical))), "D");
        // A critical among otherwise harmless findings can never look better than D.
        let mut findings = distinct(5, Severity::Info);
        findings.push(finding("OVS900", Severity::Critical));
        assert!(score(&findings) <= CRITICAL_CAP);
        assert_eq!(grade(CRITICAL_CAP), "D");
        assert_eq!(score(&distinct(3, Severity::Critical)), 0);
        assert_eq!(grade(0), "F");
    }

    #[test]
    fn critical_cap_wins_over_high_cap() {
        let findings = vec![
            finding("OVS1", Severity::High),
            finding("OVS2", Severity::Critical),
        ];
        assert_eq!(score(&findings), 45);
        assert_eq!(cap(&findings), CRITICAL_CAP);
    }
}
