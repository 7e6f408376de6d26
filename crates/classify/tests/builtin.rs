//! The built-in rules file: complete, documented, and consistent with the issue's classes.

use overshare_classify::{Class, Classifier, ValueKind};
use overshare_finding::Severity;
use std::collections::HashSet;

const SECTIONS: [&str; 4] = [
    "## What it finds",
    "## Why it matters",
    "## Example",
    "## Use instead",
];

#[test]
fn every_rule_doc_has_the_four_sections_in_order() {
    for rule in Classifier::builtin().rules() {
        let positions: Vec<usize> = SECTIONS
            .iter()
            .map(|s| {
                rule.doc
                    .find(&format!("{s}\n"))
                    .unwrap_or_else(|| panic!("{}: no `{s}` section", rule.id))
            })
            .collect();
        assert!(positions.is_sorted(), "{}: sections out of order", rule.id);
        let use_instead = &rule.doc[positions[3]..];
        assert!(
            use_instead.contains("```python"),
            "{}: `Use instead` needs the Django fix as code",
            rule.id
        );
        let example = &rule.doc[positions[2]..positions[3]];
        assert!(
            example.contains("```python"),
            "{}: example needs code",
            rule.id
        );
    }
}

#[test]
fn ids_names_and_metadata_are_well_formed() {
    let classifier = Classifier::builtin();
    let mut names = HashSet::new();
    for rule in classifier.rules() {
        assert!(
            rule.id.len() == 6 && rule.id.starts_with("OVS2"),
            "{}: built-in data rules are OVS2nn",
            rule.id
        );
        assert!(
            names.insert(rule.name.clone()),
            "{}: duplicate name",
            rule.name
        );
        assert!(
            !rule.summary.contains('\n') && !rule.summary.ends_with('.'),
            "{}",
            rule.id
        );
        assert!(rule.owasp.contains(&"API3:2023".to_string()), "{}", rule.id);
        let fitting = ["CWE-213", "CWE-200", "CWE-359", "CWE-522"];
        assert!(
            rule.cwe.iter().any(|c| fitting.contains(&c.as_str())),
            "{}",
            rule.id
        );
        assert!(
            !rule.names.is_empty() || rule.value.is_some(),
            "{}",
            rule.id
        );
        assert_eq!(rule.origin, "builtin");
        assert_eq!(classifier.rule(&rule.id).unwrap().id, rule.id);
        assert_eq!(classifier.rule(&rule.name).unwrap().id, rule.id);
        assert_eq!(
            classifier.rule(&rule.id.to_lowercase()).unwrap().id,
            rule.id
        );
    }
}

#[test]
fn every_value_kind_has_exactly_one_rule() {
    let rules = Classifier::builtin();
    assert!(!ValueKind::ALL.is_empty());
    for kind in ValueKind::ALL {
        let n = rules
            .rules()
            .iter()
            .filter(|r| r.value == Some(*kind))
            .count();
        assert_eq!(n, 1, "{}", kind.as_str());
    }
}

#[test]
fn every_class_is_covered() {
    let rules = Classifier::builtin();
    for class in Class::ALL {
        let n = rules.rules().iter().filter(|r| r.class == class).count();
        assert!(n >= 2, "{class}: {n} rules");
    }
}

/// The issue: at least high for credentials, privilege flags and government ids; internal
/// references low.
#[test]
fn severities_follow_the_issue() {
    let rules = Classifier::builtin();
    let at_least_high = [
        "password",
        "django-password-hash",
        "api-key",
        "access-token",
        "secret",
        "private-key",
        "session-key",
        "privilege-flag",
        "national-id",
        "card-number",
    ];
    for name in at_least_high {
        assert!(
            rules.rule(name).unwrap().severity >= Severity::High,
            "{name}"
        );
    }
    for rule in rules.rules() {
        if rule.class == Class::InternalReference {
            assert_eq!(rule.severity, Severity::Low, "{}", rule.id);
        }
    }
}

#[test]
fn never_acceptable_means_hashes_keys_and_live_secrets() {
    let rules = Classifier::builtin();
    for name in [
        "password",
        "django-password-hash",
        "bcrypt-hash",
        "crypt-sha-hash",
        "private-key",
        "pem-private-key",
        "aws-secret-access-key",
        "stripe-key",
        "github-token",
        "django-secret-key",
        "connection-string",
    ] {
        assert!(rules.rule(name).unwrap().never_acceptable, "{name}");
    }
    for rule in rules.rules() {
        if rule.never_acceptable {
            assert!(
                matches!(rule.class, Class::Credential | Class::Financial),
                "{}: only credentials and card data are never acceptable",
                rule.id
            );
            assert!(rule.severity >= Severity::High, "{}", rule.id);
        }
    }
}

#[test]
fn builtin_file_is_the_embedded_one() {
    assert!(overshare_classify::BUILTIN_RULES.contains("id = \"OVS201\""));
    assert_eq!(
        Classifier::with_sources(std::iter::empty())
            .unwrap()
            .rules()
            .len(),
        Classifier::builtin().rules().len()
    );
}
