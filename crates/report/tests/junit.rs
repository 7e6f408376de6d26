//! JUnit XML: the sample report's document (snapshot), validity against the Jenkins (Apache Ant)
//! JUnit schema with a real validator (`xmllint`), the case matrix, totals and escaping.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use overshare_report::junit::ANY_IDENTITY;
use overshare_report::{Report, to_junit};

/// Validate `xml` with `xmllint --schema`. Fails (does not skip) without xmllint: a schema
/// check that silently does not run is worse than none.
fn assert_valid(xml: &str, what: &str) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit.xsd");
    let child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => panic!(
            "xmllint is needed to validate JUnit output against the Jenkins schema and could not \
             be started ({e}); install it (Debian: `apt-get install libxml2-utils`)"
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{what}: xmllint rejected the JUnit XML:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One `<testsuite>` as written: its totals, and what its cases contain. Our output puts each
/// element on its own line, which is all this reader relies on.
#[derive(Debug, Default)]
struct SuiteSeen {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    cases: Vec<(String, String, &'static str, String)>, // classname, name, outcome, type
}

fn attribute(line: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let start = line
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {line}"))
        + key.len();
    line[start..][..line[start..].find('"').unwrap()].to_string()
}

fn suites(xml: &str) -> Vec<SuiteSeen> {
    let mut suites: Vec<SuiteSeen> = Vec::new();
    for line in xml.lines().map(str::trim_start) {
        if line.starts_with("<testsuite ") {
            suites.push(SuiteSeen {
                name: attribute(line, "name"),
                tests: attribute(line, "tests").parse().unwrap(),
                failures: attribute(line, "failures").parse().unwrap(),
                errors: attribute(line, "errors").parse().unwrap(),
                skipped: attribute(line, "skipped").parse().unwrap(),
                cases: Vec::new(),
            });
        } else if line.starts_with("<testcase ") {
            let case = (
                attribute(line, "classname"),
                attribute(line, "name"),
                "passed",
                String::new(),
            );
            suites.last_mut().unwrap().cases.push(case);
        } else if let Some(outcome) = ["failure", "skipped", "error"]
            .into_iter()
            .find(|o| line.starts_with(&format!("<{o} ")))
        {
            let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
            case.2 = outcome;
            if outcome != "skipped" {
                case.3 = attribute(line, "type");
            }
        }
    }
    suites
}

fn case<'a>(
    suites: &'a [SuiteSeen],
    classname: &str,
    name: &str,
) -> &'a (String, String, &'static str, String) {
    suites
        .iter()
        .flat_map(|s| &s.cases)
        .find(|c| c.0 == classname && c.1 == name)
        .unwrap_or_else(|| panic!("no case {classname} / {name}"))
}

#[test]
fn representative_report() {
    insta::assert_snapshot!(to_junit(&common::sample_report()));
}

#[test]
fn output_validates_against_the_jenkins_junit_schema() {
    let reports: [(&str, Report); 4] = [
        ("sample", common::sample_report()),
        ("clean", common::clean_report()),
        ("hostile", common::hostile_report()),
        ("huge", common::huge_report(20, 3, 30)),
    ];
    for (what, report) in &reports {
        assert_valid(&to_junit(report), what);
    }
    let mut interrupted = common::sample_report();
    interrupted.interrupted = true;
    interrupted.started_at.clear();
    assert_valid(&to_junit(&interrupted), "interrupted, no start time");
}

#[test]
fn the_schema_check_does_reject_broken_documents() {
    // Guards the test above: a testcase with two failures is what the schema forbids.
    let xml = to_junit(&common::sample_report()).replacen(
        "</failure>",
        "</failure>\n      <failure message=\"m\" type=\"t\">x</failure>",
        1,
    );
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/junit.xsd");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("junit-two-failures.xml");
    std::fs::write(&file, xml).unwrap();
    let status = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .stderr(Stdio::null())
        .status()
        .expect("xmllint runs (Debian: `apt-get install libxml2-utils`)");
    assert!(
        !status.success(),
        "two failures in one testcase should not validate"
    );
}

#[test]
fn a_case_per_operation_and_identity() {
    let suites = suites(&to_junit(&common::sample_report()));
    let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "identities",
            "checks",
            "GET /api/profiles/",
            "GET /api/profiles/{id}/",
            "GET /api/orders/{id}/",
            "POST /api/profiles/",
            "DELETE /api/profiles/{id}/",
            "GET /api/reports/{format}/",
            "source",
        ]
    );
    // Both identities saw the password hash: both cases fail with it.
    for identity in ["partner-a", "partner-b"] {
        let c = case(&suites, "GET /api/profiles/", identity);
        assert_eq!((c.2, c.3.as_str()), ("failure", "OVS101 high"));
    }
    // Only partner-b read partner-a's profile; only partner-a got the phone number.
    let c = case(&suites, "GET /api/profiles/{id}/", "partner-b");
    assert_eq!((c.2, c.3.as_str()), ("failure", "OVS201 critical"));
    let c = case(&suites, "GET /api/profiles/{id}/", "partner-a");
    assert_eq!((c.2, c.3.as_str()), ("failure", "OVS110 medium"));
    // partner-b saw nothing on orders; the spec drift holds whoever asks.
    assert_eq!(
        case(&suites, "GET /api/orders/{id}/", "partner-b").2,
        "passed"
    );
    let c = case(&suites, "GET /api/orders/{id}/", ANY_IDENTITY);
    assert_eq!((c.2, c.3.as_str()), ("failure", "OVS150 info"));
    // Skipped operations: one skipped case each.
    let c = case(&suites, "POST /api/profiles/", ANY_IDENTITY);
    assert_eq!(c.2, "skipped");
    // The static finding, and the identity whose handshake failed.
    let c = case(
        &suites,
        "source",
        "OVS401 serializer-all-fields at app/serializers.py:8",
    );
    assert_eq!((c.2, c.3.as_str()), ("failure", "OVS401 medium"));
    let c = case(&suites, "identity", "legacy");
    assert_eq!((c.2, c.3.as_str()), ("error", "identity-failed"));
    assert_eq!(case(&suites, "identity", "partner-a").2, "passed");
    // A case per check: passed, failed with its rule, skipped with its reason.
    let passed = "no-certificate: Requests without a client certificate";
    assert_eq!(case(&suites, "check", passed).2, "passed");
    let failed = "cross-identity-objects: Objects of one identity requested by another";
    let c = case(&suites, "check", failed);
    assert_eq!((c.2, c.3.as_str()), ("failure", "OVS301"));
    let skipped = "mass-assignment: Writes of properties the request schema does not allow";
    assert_eq!(case(&suites, "check", skipped).2, "skipped");
}

#[test]
fn totals_match_the_cases() {
    for report in [
        common::sample_report(),
        common::clean_report(),
        common::hostile_report(),
        common::huge_report(7, 4, 10),
    ] {
        let xml = to_junit(&report);
        for suite in suites(&xml) {
            let count = |o: &str| suite.cases.iter().filter(|c| c.2 == o).count();
            assert_eq!(suite.tests, suite.cases.len(), "{}", suite.name);
            assert_eq!(suite.failures, count("failure"), "{}", suite.name);
            assert_eq!(suite.errors, count("error"), "{}", suite.name);
            assert_eq!(suite.skipped, count("skipped"), "{}", suite.name);
        }
    }
    let suites = suites(&to_junit(&common::sample_report()));
    let total = |f: fn(&SuiteSeen) -> usize| suites.iter().map(f).sum::<usize>();
    // 3 identities; 3 checks; 2 + 2 + (2 + any) tested cases; 3 skipped; 1 static.
    assert_eq!(total(|s| s.tests), 3 + 3 + 7 + 3 + 1);
    assert_eq!(total(|s| s.failures), 1 + 2 + 2 + 2 + 1);
    assert_eq!(total(|s| s.skipped), 1 + 3);
    assert_eq!(total(|s| s.errors), 1);
}

#[test]
fn a_case_with_several_findings_has_one_failure_listing_them_all() {
    let mut report = common::sample_report();
    // partner-b also gets the phone number: two findings on one case.
    for f in &mut report.findings {
        if f.rule == "OVS110" {
            f.identities.push("partner-b".into());
        }
    }
    let xml = to_junit(&report);
    let c = case(&suites(&xml), "GET /api/profiles/{id}/", "partner-b").clone();
    assert_eq!(
        (c.2, c.3.as_str()),
        ("failure", "OVS201 critical, OVS110 medium")
    );
    assert!(xml.contains("message=\"2 findings, worst: cross-identity-read finding\""));
    assert_valid(&xml, "two findings on a case");
}

#[test]
fn failure_text_has_message_redacted_evidence_and_reproduce() {
    let xml = to_junit(&common::sample_report());
    let start = xml
        .find("<failure message=\"undeclared-property finding\"")
        .unwrap();
    let failure = &xml[start..start + xml[start..].find("</failure>").unwrap()];
    for expected in [
        "[HIGH] OVS101 undeclared-property at /*/user/password",
        "The response contains `user.password`",
        "value: pbkdf2_sha256$…[redacted]  status 200",
        "reproduce: curl --cert partner-a.crt --key partner-a.key --cacert ca.pem \
         'https://api.example.test:8443/api/profiles/'",
        "source: app/serializers.py:12",
    ] {
        assert!(failure.contains(expected), "{expected}\nin\n{failure}");
    }
}

#[test]
fn markup_and_control_characters_are_escaped() {
    let xml = to_junit(&common::hostile_report());
    assert!(!xml.contains("<script>"));
    assert!(xml.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\""));
    assert!(xml.contains("name=\"partner &lt;a&gt; &amp; &quot;b&quot;\""));
    assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}'));
    assert!(xml.contains("timestamp=\"1970-01-01T00:00:00\""));
}

#[test]
fn same_report_same_bytes() {
    let first = to_junit(&common::sample_report());
    assert_eq!(first, to_junit(&common::sample_report()));
    assert!(first.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"));
    assert!(first.ends_with("</testsuites>\n"));
}
