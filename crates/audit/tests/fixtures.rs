//! Per-rule fixtures: `fixtures/OVS6nn/pos` holds code the rule must flag, each expected
//! finding marked on its line with `# expect OVS6nn: <exact source text of the range>`;
//! `fixtures/OVS6nn/neg` holds near misses (aliases, inheritance, the safe spelling) that it
//! must not flag. Both are audited together with `fixtures/common` (the models).

use overshare_audit::{AuditOptions, audit};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `(file name, line, text of the range)` of each finding of `rule`.
fn actual(dir: &Path, rule: &str) -> Vec<(String, u32, String)> {
    let result = audit(
        &[fixtures().join("common"), dir.to_path_buf()],
        &AuditOptions::default(),
    )
    .expect("fixture audits");
    assert!(result.parse_errors.is_empty(), "{:?}", result.parse_errors);
    let mut out: Vec<(String, u32, String)> = result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let loc = &f.source[0];
            assert_eq!(
                loc.end_line,
                Some(loc.line),
                "{rule}: a one-line range: {loc:?}"
            );
            let text = std::fs::read_to_string(&loc.file).unwrap();
            let line: Vec<char> = text
                .lines()
                .nth(loc.line as usize - 1)
                .unwrap()
                .chars()
                .collect();
            let (start, end) = (
                loc.column.unwrap() as usize - 1,
                loc.end_column.unwrap() as usize - 1,
            );
            let name = Path::new(&loc.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, loc.line, line[start..end].iter().collect())
        })
        .collect();
    out.sort();
    out
}

/// The `# expect RULE: text` markers under `dir`.
fn expected(dir: &Path, rule: &str) -> Vec<(String, u32, String)> {
    let marker = format!("# expect {rule}: ");
    let mut out = Vec::new();
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in text.lines().enumerate() {
            if let Some((_, want)) = line.split_once(&marker) {
                out.push((name.clone(), i as u32 + 1, want.trim().to_string()));
            }
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn check(rule: &str) {
    let pos = fixtures().join(rule).join("pos");
    let want = expected(&pos, rule);
    assert!(
        !want.is_empty(),
        "{rule}: the positive fixture marks no finding"
    );
    assert_eq!(actual(&pos, rule), want, "{rule}: positive fixture");
    let neg = fixtures().join(rule).join("neg");
    assert_eq!(actual(&neg, rule), Vec::new(), "{rule}: negative fixture");
}

macro_rules! fixture_tests {
    ($($name:ident => $rule:literal),* $(,)?) => {
        $(#[test] fn $name() { check($rule); })*
    };
}

fixture_tests! {
    ovs601 => "OVS601", ovs602 => "OVS602", ovs603 => "OVS603", ovs604 => "OVS604",
    ovs605 => "OVS605", ovs606 => "OVS606", ovs607 => "OVS607", ovs608 => "OVS608",
    ovs609 => "OVS609", ovs610 => "OVS610", ovs611 => "OVS611", ovs612 => "OVS612",
    ovs613 => "OVS613", ovs614 => "OVS614", ovs615 => "OVS615", ovs616 => "OVS616",
}

#[test]
fn every_rule_has_fixtures() {
    for rule in overshare_audit::RULES {
        assert!(fixtures().join(rule.id).join("pos").is_dir(), "{}", rule.id);
        assert!(fixtures().join(rule.id).join("neg").is_dir(), "{}", rule.id);
    }
}
