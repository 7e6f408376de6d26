//! User rules files: extending, overriding and disabling built-in rules, and the errors a bad
//! file gets (each names the file, the line and column, and what to write instead).

use overshare_classify::{Class, Classifier, RulesError};
use overshare_finding::Severity;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

fn load(text: &str) -> Result<Classifier, RulesError> {
    Classifier::with_sources([(Path::new("rules/extra.toml"), text)])
}

fn error(text: &str) -> String {
    load(text).expect_err("the file is invalid").to_string()
}

const NEW_RULE: &str = r###"
[[rule]]
id = "ACME201"
name = "loyalty-pin"
class = "credential"
severity = "high"
confidence = "high"
names = ["loyalty pin", "club pin"]
types = ["string", "integer"]
summary = "Loyalty card PIN"
doc = "## What it finds\nPINs."
"###;

#[test]
fn a_user_file_adds_rules() {
    let classifier = load(NEW_RULE).unwrap();
    let rule = classifier.rule("ACME201").unwrap();
    assert_eq!(rule.origin, "rules/extra.toml");
    assert_eq!(rule.cwe, ["CWE-213"], "default CWE");
    assert_eq!(rule.owasp, ["API3:2023"], "default OWASP");
    let hit = classifier
        .classify(&["member", "loyaltyPin"], &json!(1234))
        .unwrap();
    assert_eq!(hit.rule.name, "loyalty-pin");
    assert_eq!(
        classifier.rules().len(),
        Classifier::builtin().rules().len() + 1
    );
    // Rules stay in id order.
    let ids: Vec<&str> = classifier.rules().iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn a_rule_with_an_existing_id_replaces_it() {
    let classifier = load(
        r#"
[[rule]]
id = "OVS231"
name = "role"
class = "privilege"
severity = "high"
confidence = "high"
names = ["role", "job role"]
summary = "Role"
"#,
    )
    .unwrap();
    let role = classifier.rule("role").unwrap();
    assert_eq!(role.severity, Severity::High);
    assert_eq!(role.origin, "rules/extra.toml");
    // The replacement's patterns are the ones used: `job_role` now matches, unanchored.
    let hit = classifier
        .classify(&["job_role"], &json!("engineer"))
        .unwrap();
    assert_eq!(hit.rule.id, "OVS231");
    assert_eq!(
        classifier.rules().len(),
        Classifier::builtin().rules().len()
    );
}

#[test]
fn enabled_false_disables_a_rule() {
    let classifier = load(
        r#"
[[rule]]
id = "OVS280"
enabled = false

[[rule]]
id = "OVS281"
enabled = false
"#,
    )
    .unwrap();
    assert!(classifier.rule("OVS280").is_none());
    assert!(classifier.rule("related-object-key").is_none());
    assert!(classifier.classify(&["user_id"], &json!(5)).is_none());
    assert!(classifier.classify(&["tenant"], &json!(1)).is_none());
    assert!(
        classifier
            .rules()
            .iter()
            .all(|r| r.class != Class::InternalReference)
    );
}

#[test]
fn disabling_a_value_rule_frees_its_kind_for_a_new_rule() {
    let classifier = load(
        r#"
[[rule]]
id = "OVS244"
enabled = false

[[rule]]
id = "ACME1"
name = "customer-email"
class = "personal"
severity = "low"
confidence = "high"
value = "email"
summary = "Customer email"
"#,
    )
    .unwrap();
    let hit = classifier
        .classify(&["contact"], &json!("alice@example.com"))
        .unwrap();
    assert_eq!(hit.rule.id, "ACME1");
    assert_eq!(hit.severity, Severity::Low);
}

#[test]
fn files_apply_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "first.toml", NEW_RULE);
    let second = write(
        dir.path(),
        "second.toml",
        "[[rule]]\nid = \"ACME201\"\nenabled = false\n",
    );
    let classifier = Classifier::with_files(&[first.clone(), second.clone()]).unwrap();
    assert!(classifier.rule("ACME201").is_none());
    // The other way round, the second file disables a rule that does not exist yet.
    let err = Classifier::with_files(&[second, first])
        .unwrap_err()
        .to_string();
    assert!(err.contains("second.toml:2:6"), "{err}");
}

#[test]
fn a_missing_file_is_named() {
    let err = Classifier::with_files(&[PathBuf::from("/nonexistent/overshare-rules.toml")])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read rules file /nonexistent/overshare-rules.toml: "),
        "{err}"
    );
}

#[test]
fn an_empty_file_changes_nothing() {
    assert_eq!(
        load("").unwrap().rules().len(),
        Classifier::builtin().rules().len()
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

// ---------------------------------------------------------------------------------------------
// Errors: one snapshot each. The message names the file, line and column and says what to fix.
// ---------------------------------------------------------------------------------------------

#[test]
fn syntax_error() {
    insta::assert_snapshot!(error("[[rule]]\nid = \"ACME1\"\nname = \"x\n"));
}

#[test]
fn unknown_field() {
    insta::assert_snapshot!(error(
        "[[rule]]\nid = \"ACME1\"\nname = \"a\"\nnmes = [\"x\"]\n"
    ));
}

#[test]
fn unknown_top_level_table() {
    insta::assert_snapshot!(error("[[rules]]\nid = \"ACME1\"\n"));
}

#[test]
fn bad_severity() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("\"high\"\nconfidence", "\"urgent\"\nconfidence")
    ));
}

#[test]
fn bad_class() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("\"credential\"", "\"secret\"")));
}

#[test]
fn unknown_value_kind_lists_the_valid_ones() {
    insta::assert_snapshot!(error(&NEW_RULE.replace(
        "names = [\"loyalty pin\", \"club pin\"]",
        "value = \"credit-card\""
    )));
}

#[test]
fn missing_required_field() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("class = \"credential\"\n", "")));
}

#[test]
fn neither_names_nor_value() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("names = [\"loyalty pin\", \"club pin\"]\n", "")
    ));
}

#[test]
fn name_not_kebab_case() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("\"loyalty-pin\"", "\"LoyaltyPin\"")
    ));
}

#[test]
fn bad_pattern() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("\"club pin\"", "\"*_pin\"")));
}

#[test]
fn bad_id() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("ACME201", "acme-1")));
}

#[test]
fn new_rule_with_an_ovs_id() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("ACME201", "OVS299")));
}

#[test]
fn disabling_an_unknown_rule() {
    insta::assert_snapshot!(error("[[rule]]\nid = \"OVS299\"\nenabled = false\n"));
}

#[test]
fn rule_level_errors_point_at_the_rule_header() {
    let text = format!(
        "# my rules\n\n{}",
        NEW_RULE.replace("class = \"credential\"\n", "")
    );
    let err = error(&text);
    assert!(
        err.starts_with("rules/extra.toml:4:1: rule `ACME201` has no `class`"),
        "{err}"
    );
}

#[test]
fn duplicate_id_in_one_file() {
    insta::assert_snapshot!(error(&format!("{NEW_RULE}\n{NEW_RULE}")));
}

#[test]
fn name_clash_with_a_built_in_rule() {
    insta::assert_snapshot!(error(&NEW_RULE.replace("\"loyalty-pin\"", "\"password\"")));
}

#[test]
fn value_kind_already_reported() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("names = [\"loyalty pin\", \"club pin\"]", "value = \"jwt\"")
    ));
}

#[test]
fn bad_cwe() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("summary =", "cwe = [\"CWE-213\", \"213\"]\nsummary =")
    ));
}

#[test]
fn bad_suffix() {
    insta::assert_snapshot!(error(
        &NEW_RULE.replace("summary =", "suffixes = [\"pin hash\"]\nsummary =")
    ));
}
