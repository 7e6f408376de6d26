//! Sample reports shared by the integration tests.

#![allow(dead_code)] // each test binary uses a different subset

use overshare_finding::{
    Category, Confidence, Evidence, Finding, Fingerprint, Location, OperationRef, Severity,
    SourceLocation,
};
use overshare_report::{CoverageEntry, CoverageStatus, IdentityStatus, Report, ReportInput, Tool};

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
        column: None,
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
