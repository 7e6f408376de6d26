//! Sample reports shared by the integration tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::HashMap;

use overshare_finding::{
    Category, Confidence, Evidence, Finding, Fingerprint, Location, OperationRef, Severity,
    SourceLocation,
};
use overshare_report::{
    CoverageEntry, CoverageStatus, IdentityStatus, RenderContext, Report, ReportInput,
    RuleDescriptor, Tool,
};

const BASE: &str = "https://api.example.test:8443";

fn op(method: &str, path: &str, id: &str) -> OperationRef {
    OperationRef {
        method: method.into(),
        path: path.into(),
        operation_id: Some(id.into()),
    }
}

fn curl(identity: &str, path: &str) -> String {
    format!("curl --cert {identity}.crt --key {identity}.key --cacert ca.pem '{BASE}{path}'")
}

struct Spec<'a> {
    rule: &'a str,
    name: &'a str,
    category: Category,
    severity: Severity,
    op: Option<OperationRef>,
    pointer: &'a str,
    pattern: &'a str,
}

fn finding(s: Spec<'_>) -> Finding {
    let op_key = s.op.as_ref().map(ToString::to_string).unwrap_or_default();
    let field = s
        .pointer
        .rsplit('/')
        .next()
        .filter(|f| !f.is_empty())
        .map(String::from);
    Finding {
        fingerprint: Fingerprint::of(&[s.rule, &op_key, s.pattern]),
        rule: s.rule.into(),
        name: s.name.into(),
        category: s.category,
        severity: s.severity,
        confidence: Confidence::High,
        title: format!("{} finding", s.name),
        message: String::new(),
        operation: s.op,
        location: Location {
            json_pointer: (!s.pointer.is_empty()).then(|| s.pointer.into()),
            pattern: (!s.pattern.is_empty()).then(|| s.pattern.into()),
            field,
        },
        identity: None,
        identities: Vec::new(),
        evidence: Evidence::default(),
        cwe: vec!["CWE-213".into()],
        owasp: vec!["API3:2023".into()],
        remediation: "Declare the fields the client needs in the serializer's Meta.fields.".into(),
        source: Vec::new(),
    }
}

fn with_identities(mut f: Finding, ids: &[&str]) -> Finding {
    f.identity = ids.first().map(|s| s.to_string());
    f.identities = ids.iter().map(|s| s.to_string()).collect();
    f
}

fn findings() -> Vec<Finding> {
    let list = op("GET", "/api/profiles/", "listProfiles");
    let detail = op("GET", "/api/profiles/{id}/", "getProfile");
    let order = op("GET", "/api/orders/{id}/", "getOrder");

    let mut password = with_identities(
        finding(Spec {
            rule: "OVS101",
            name: "undeclared-property",
            category: Category::Exposure,
            severity: Severity::High,
            op: Some(list.clone()),
            pointer: "/0/user/password",
            pattern: "/*/user/password",
        }),
        &["partner-a", "partner-b"],
    );
    password.message = "The response contains `user.password`, which the spec does not declare \
        for this operation. It holds a password hash, returned to every client that can list \
        profiles."
        .into();
    password.evidence = Evidence {
        status: Some(200),
        value: Some("pbkdf2_sha256$…[redacted]".into()),
        content_type: Some("application/json".into()),
        reproduce: Some(curl("partner-a", "/api/profiles/")),
    };
    password.source = vec![SourceLocation {
        file: "app/serializers.py".into(),
        line: 12,
        ..SourceLocation::default()
    }];

    let mut cross = with_identities(
        finding(Spec {
            rule: "OVS201",
            name: "cross-identity-read",
            category: Category::Authz,
            severity: Severity::Critical,
            op: Some(detail.clone()),
            pointer: "/email",
            pattern: "/email",
        }),
        &["partner-b"],
    );
    cross.cwe = vec!["CWE-639".into()];
    cross.owasp = vec!["API1:2023".into()];
    cross.message = "partner-b received the profile that partner-a created (id 17); the object \
        carries no owner check."
        .into();
    cross.evidence = Evidence {
        status: Some(200),
        value: Some("al…[redacted]".into()),
        content_type: None,
        reproduce: Some(curl("partner-b", "/api/profiles/17/")),
    };

    let mut phone = with_identities(
        finding(Spec {
            rule: "OVS110",
            name: "personal-data",
            category: Category::Exposure,
            severity: Severity::Medium,
            op: Some(detail),
            pointer: "/phone",
            pattern: "/phone",
        }),
        &["partner-a"],
    );
    phone.message = "`phone` looks like a phone number.".into();
    phone.evidence = Evidence {
        status: Some(200),
        value: Some("+4…[redacted]".into()),
        ..Evidence::default()
    };

    let mut notes = with_identities(
        finding(Spec {
            rule: "OVS101",
            name: "undeclared-property",
            category: Category::Exposure,
            severity: Severity::Low,
            op: Some(order.clone()),
            pointer: "/internal_notes",
            pattern: "/internal_notes",
        }),
        &["partner-a"],
    );
    notes.message =
        "The response contains `internal_notes`, which the spec does not declare.".into();
    notes.evidence = Evidence {
        status: Some(200),
        value: Some("Ca…[redacted]".into()),
        ..Evidence::default()
    };

    let mut drift = finding(Spec {
        rule: "OVS150",
        name: "spec-example-drift",
        category: Category::Spec,
        severity: Severity::Info,
        op: Some(order),
        pointer: "",
        pattern: "",
    });
    drift.message = "The spec's example for 200 does not match the declared schema.".into();

    let mut all_fields = finding(Spec {
        rule: "OVS401",
        name: "serializer-all-fields",
        category: Category::Source,
        severity: Severity::Medium,
        op: None,
        pointer: "",
        pattern: "",
    });
    all_fields.message = "ProfileSerializer uses `fields = \"__all__\"`: every model field, \
        present and future, is serialised."
        .into();
    all_fields.source = vec![SourceLocation {
        file: "app/serializers.py".into(),
        line: 8,
        column: Some(5),
        end_line: Some(8),
        end_column: Some(23),
        role: Some("serializer".into()),
        snippet: Some("fields = \"__all__\"".into()),
    }];

    // Deliberately unsorted: Report::new sorts.
    vec![notes, drift, password, all_fields, phone, cross]
}

fn coverage(method: &str, path: &str, skipped: Option<&str>, requests: usize) -> CoverageEntry {
    CoverageEntry {
        method: method.into(),
        path: path.into(),
        operation_id: None,
        status: if skipped.is_some() {
            CoverageStatus::Skipped
        } else {
            CoverageStatus::Tested
        },
        reason: skipped.map(String::from),
        identities: if skipped.is_some() {
            vec![]
        } else {
            vec!["partner-a".into(), "partner-b".into()]
        },
        requests,
    }
}

fn identities() -> Vec<IdentityStatus> {
    vec![
        IdentityStatus::ok("partner-a", Some("CN=partner-a,O=Example Partners".into())),
        IdentityStatus::ok("partner-b", Some("CN=partner-b,O=Example Partners".into())),
        IdentityStatus::failed(
            "legacy",
            None,
            "TLS handshake failed: the server rejected the certificate (expired)",
        ),
    ]
}

/// One check of each status.
pub fn sample_checks() -> Vec<overshare_finding::Check> {
    use overshare_finding::{Check, CheckStatus};
    vec![
        Check {
            id: "no-certificate".into(),
            title: "Requests without a client certificate".into(),
            status: CheckStatus::Passed,
            detail: "12 request(s) without a certificate: no data came back (12 × HTTP 400)".into(),
            rule: Some("OVS401".into()),
        },
        Check {
            id: "cross-identity-objects".into(),
            title: "Objects of one identity requested by another".into(),
            status: CheckStatus::Failed,
            detail: "1 finding(s) of rule OVS301 in this report".into(),
            rule: Some("OVS301".into()),
        },
        Check {
            id: "mass-assignment".into(),
            title: "Writes of properties the request schema does not allow".into(),
            status: CheckStatus::Skipped,
            detail: "not run: write probes need --active <& \"quoted\">".into(),
            rule: Some("OVS501".into()),
        },
    ]
}

fn base_input() -> ReportInput {
    ReportInput {
        tool: Tool {
            name: "overshare".into(),
            version: "0.1.0".into(),
        },
        target: BASE.into(),
        spec: "openapi.yaml".into(),
        started_at: "2026-11-29T10:00:00Z".into(),
        duration_ms: 4_230,
        identities: identities(),
        ..ReportInput::default()
    }
}

/// A scan with findings of every severity, a static finding, skipped operations and an error.
pub fn sample_report() -> Report {
    Report::new(ReportInput {
        requests_sent: 42,
        checks: sample_checks(),
        coverage: vec![
            coverage("GET", "/api/profiles/", None, 12),
            coverage("GET", "/api/profiles/{id}/", None, 18),
            coverage("GET", "/api/orders/{id}/", None, 8),
            coverage(
                "POST",
                "/api/profiles/",
                Some("writes data: needs --active"),
                0,
            ),
            coverage(
                "DELETE",
                "/api/profiles/{id}/",
                Some("writes data: needs --active"),
                0,
            ),
            coverage(
                "GET",
                "/api/reports/{format}/",
                Some("no example value for path parameter `format`"),
                0,
            ),
        ],
        findings: findings(),
        errors: vec!["GET /api/orders/{id}/ as partner-b: timed out after 10s".into()],
        ..base_input()
    })
}

/// A clean scan: every operation tested, nothing found.
pub fn clean_report() -> Report {
    Report::new(ReportInput {
        requests_sent: 9,
        identities: identities().into_iter().take(1).collect(),
        coverage: vec![
            coverage("GET", "/api/profiles/", None, 4),
            coverage("GET", "/api/profiles/{id}/", None, 5),
        ],
        ..base_input()
    })
}

fn rule(
    id: &str,
    name: &str,
    category: Category,
    severity: Severity,
    summary: &str,
    finds: &str,
) -> RuleDescriptor {
    RuleDescriptor {
        id: id.into(),
        name: name.into(),
        category,
        summary: summary.into(),
        doc: format!(
            "{summary} (`{name}`, {id}).\n\n## What it finds\n{finds}\n\n## Why it matters\n\
             mTLS authenticates the client; it does not limit what the server sends back.\n\n\
             ## Use instead\n```python\nfields = [\"id\", \"display_name\"]\n```\n"
        ),
        default_severity: severity,
        cwe: vec!["CWE-213".into()],
        owasp: vec!["API3:2023".into()],
    }
}

/// The context the binary would build for [`sample_report`]: part of the catalogue (OVS150 is
/// deliberately missing, OVS105 never fires), the spec path, and the lines of most operations
/// (not `GET /api/orders/{id}/`, whose findings fall back to line 1).
pub fn sample_context() -> RenderContext {
    let mut cross = rule(
        "OVS201",
        "cross-identity-read",
        Category::Authz,
        Severity::Critical,
        "Another identity's object is readable",
        "An object created by one identity that another identity can read.",
    );
    cross.cwe = vec!["CWE-639".into()];
    cross.owasp = vec!["API1:2023".into()];
    let rules = vec![
        rule(
            "OVS101",
            "undeclared-property",
            Category::Exposure,
            Severity::Medium,
            "Undeclared property in a response",
            "A property in a JSON response that the operation's response schema does not list.",
        ),
        rule(
            "OVS105",
            "write-only-returned",
            Category::Exposure,
            Severity::High,
            "Write-only property returned",
            "A property the spec marks `writeOnly` that a response contains.",
        ),
        rule(
            "OVS110",
            "personal-data",
            Category::Exposure,
            Severity::Medium,
            "Personal data in a response",
            "A value that looks like personal data (a phone number, an email address).",
        ),
        cross,
        rule(
            "OVS401",
            "serializer-all-fields",
            Category::Source,
            Severity::Medium,
            "Serializer exposes every model field",
            "A DRF `ModelSerializer` whose `Meta.fields` is `\"__all__\"`.",
        ),
    ];
    let lines = [
        ("GET", "/api/profiles/", 14),
        ("POST", "/api/profiles/", 31),
        ("GET", "/api/profiles/{id}/", 52),
        ("DELETE", "/api/profiles/{id}/", 70),
    ];
    RenderContext {
        rules,
        spec_path: Some("openapi.yaml".into()),
        operation_lines: lines
            .iter()
            .map(|&(m, p, l)| ((m.to_string(), p.to_string()), l))
            .collect::<HashMap<_, _>>(),
    }
}

/// A report far larger than a pull-request comment can hold: `operations` operations with
/// `per_operation` findings each, whose pointer, value and identity names are each about
/// `text_len` characters long.
pub fn huge_report(operations: usize, per_operation: usize, text_len: usize) -> Report {
    let long = "x".repeat(text_len);
    let identities = [format!("partner-a-{long}"), format!("partner-b-{long}")];
    let identities: Vec<&str> = identities.iter().map(String::as_str).collect();
    let mut findings = Vec::new();
    let mut coverage_entries = Vec::new();
    for o in 0..operations {
        let path = format!("/api/resource-{o:04}/{{id}}/");
        coverage_entries.push(coverage("GET", &path, None, 2));
        for f in 0..per_operation {
            let pointer = format!("/items/{f}/field_{f}_{long}");
            let pattern = format!("/items/*/field_{f}_{long}");
            let mut finding = with_identities(
                finding(Spec {
                    rule: "OVS101",
                    name: "undeclared-property",
                    category: Category::Exposure,
                    severity: [Severity::High, Severity::Medium, Severity::Low][(o + f) % 3],
                    op: Some(op("GET", &path, &format!("getResource{o}"))),
                    pointer: &pointer,
                    pattern: &pattern,
                }),
                &identities,
            );
            finding.evidence.value = Some(format!("{long}…[redacted]"));
            findings.push(finding);
        }
    }
    Report::new(ReportInput {
        requests_sent: operations * 2,
        coverage: coverage_entries,
        findings,
        ..base_input()
    })
}

/// A report whose every text field holds what breaks naive renderers: markup, quotes, pipes,
/// backticks, line breaks, control characters, non-ASCII.
pub fn hostile_report() -> Report {
    let nasty = "<script>alert('x')</script> & \"quoted\" | piped | `tick` ``two`` \n\
                 next line\ttab \u{0}\u{7}\u{1b}[31m é ✓ 𝄞 $x$ *bold* ]]>";
    let mut f = with_identities(
        finding(Spec {
            rule: "OVS101",
            name: "undeclared-property",
            category: Category::Exposure,
            severity: Severity::High,
            op: Some(op("GET", "/api/a|b/`{id}`/", "get<A>&B")),
            pointer: "/a|b/`c`",
            pattern: "/a|b/`c`",
        }),
        &["partner <a> & \"b\"", "ident|ity`"],
    );
    f.title = nasty.into();
    f.message = nasty.into();
    f.evidence = Evidence {
        status: Some(200),
        value: Some(nasty.into()),
        content_type: None,
        reproduce: Some(format!("curl '{BASE}/api/a|b/' -H 'X: {nasty}'")),
    };
    f.remediation = nasty.into();
    f.source = vec![SourceLocation {
        file: "app/my serializers/ü.py".into(),
        line: 3,
        column: Some(1),
        ..SourceLocation::default()
    }];
    let mut entry = coverage("GET", "/api/a|b/`{id}`/", None, 1);
    entry.identities = vec!["partner <a> & \"b\"".into()];
    let mut skipped = coverage("POST", "/api/a|b/", Some(nasty), 0);
    skipped.operation_id = Some(nasty.into());
    Report::new(ReportInput {
        target: format!("{BASE}/?q=<x>&y=|`"),
        spec: "specs/open api|`.yaml".into(),
        started_at: "not a date".into(),
        requests_sent: 1,
        identities: vec![IdentityStatus::failed("bad <id>", None, nasty)],
        coverage: vec![entry, skipped],
        findings: vec![f],
        errors: vec![nasty.into()],
        ..base_input()
    })
}
