//! The reference target (`tests/target`, the Django app the scans run against): every planted
//! flaw (`MISTAKE` comments) is found at the right line, the correct patterns produce nothing,
//! and runtime findings are linked to the serializer and view that cause them.
//!
//! Lines are looked up by the code they hold, so the target can change around them.

use overshare_audit::{
    Audit, AuditOptions, app_checks_verify, audit, correlate, identity_headers_read,
};
use overshare_finding::{Category, Finding, Fingerprint, OperationRef, RuleMeta, Severity};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/target")
}

fn audited() -> &'static Audit {
    static AUDIT: OnceLock<Audit> = OnceLock::new();
    AUDIT.get_or_init(|| audit(&[target()], &AuditOptions::default()).expect("the target audits"))
}

fn lines(file: &str) -> Vec<String> {
    std::fs::read_to_string(target().join(file))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The 1-based line of the first line containing `needle` after the one containing `anchor`.
fn line_after(file: &str, anchor: &str, needle: &str) -> u32 {
    let lines = lines(file);
    let start = lines
        .iter()
        .position(|l| l.contains(anchor))
        .unwrap_or_else(|| panic!("{anchor} not in {file}"));
    let at = lines[start..]
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not after {anchor} in {file}"));
    (start + at + 1) as u32
}

fn primary(f: &Finding) -> (&str, u32) {
    (f.source[0].file.as_str(), f.source[0].line)
}

fn found(rule: &str, file: &str, line: u32) -> bool {
    audited()
        .findings
        .iter()
        .any(|f| f.rule == rule && primary(f).0.ends_with(file) && primary(f).1 == line)
}

#[test]
fn every_planted_flaw_is_found_at_its_line() {
    let expected = [
        (
            "OVS601",
            "accounts/serializers.py",
            "class UserProfileSerializer",
            "fields = \"__all__\"",
        ),
        (
            "OVS603",
            "accounts/serializers.py",
            "class UserProfileSerializer",
            "depth = 1",
        ),
        (
            "OVS604",
            "accounts/serializers.py",
            "class UserSerializer",
            "activities = UserActivitySerializer",
        ),
        (
            "OVS605",
            "accounts/serializers.py",
            "class MemberSerializer",
            "\"password\"",
        ),
        (
            "OVS606",
            "accounts/serializers.py",
            "class MemberSerializer",
            "\"is_staff\"",
        ),
        (
            "OVS605",
            "accounts/serializers.py",
            "class TenantSerializer",
            "\"webhook_secret\"",
        ),
        (
            "OVS607",
            "accounts/views.py",
            "class DirectoryView",
            "users.values()",
        ),
        (
            "OVS608",
            "accounts/views.py",
            "class SupportTicketViewSet",
            "queryset =",
        ),
        (
            "OVS610",
            "accounts/views.py",
            "class TenantView",
            "permission_classes = [AllowAny]",
        ),
        (
            "OVS611",
            "accounts/views.py",
            "class TenantView",
            "X-SSL-Client-S-DN-CN",
        ),
        (
            "OVS611",
            "accounts/middleware.py",
            "def __call__",
            "HTTP_X_SSL_CLIENT_S_DN_CN",
        ),
        (
            "OVS612",
            "accounts/middleware.py",
            "def __call__",
            "HTTP_X_SSL_CLIENT_VERIFY",
        ),
        (
            "OVS614",
            "accounts/authentication.py",
            "def authenticate",
            "getattr(request._request, \"tenant\"",
        ),
        (
            "OVS608",
            "billing/views.py",
            "class InvoiceViewSet",
            "queryset = Invoice.objects.all()",
        ),
    ];
    for (rule, file, anchor, needle) in expected {
        let line = line_after(file, anchor, needle);
        assert!(
            found(rule, file, line),
            "{rule} not at {file}:{line} ({needle})"
        );
    }
}

/// Every `MISTAKE` comment has a finding in its file within the 40 lines that follow it.
#[test]
fn every_mistake_comment_has_a_finding_below_it() {
    let mut checked = 0;
    for file in [
        "accounts/serializers.py",
        "accounts/views.py",
        "accounts/middleware.py",
        "accounts/authentication.py",
        "billing/views.py",
    ] {
        for (i, line) in lines(file).iter().enumerate() {
            if !line.contains("MISTAKE") {
                continue;
            }
            let at = i as u32 + 1;
            let hit = audited().findings.iter().any(|f| {
                let (path, line) = primary(f);
                path.ends_with(file) && (at..at + 40).contains(&line)
            });
            assert!(hit, "no finding for the MISTAKE at {file}:{at}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} MISTAKE comments found");
}

/// Lines `class Name` … up to the next top-level statement.
fn class_range(file: &str, class: &str) -> (u32, u32) {
    let lines = lines(file);
    let start = lines
        .iter()
        .position(|l| l.starts_with(&format!("class {class}")))
        .unwrap();
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with(' ') && !l.starts_with(')'))
        .map_or(lines.len(), |p| start + 1 + p);
    (start as u32 + 1, end as u32)
}

#[test]
fn the_correct_patterns_produce_no_finding() {
    let clean = [
        ("accounts/serializers.py", "SecureUserProfileSerializer"),
        ("accounts/views.py", "SecureProfileViewSet"),
        ("accounts/permissions.py", "CertificateDataPermission"),
        ("catalogue/serializers.py", "PlanSerializer"),
        ("catalogue/views.py", "PlanViewSet"),
        ("billing/serializers.py", "InvoiceSerializer"),
    ];
    for (file, class) in clean {
        let (start, end) = class_range(file, class);
        for f in &audited().findings {
            let (path, line) = primary(f);
            assert!(
                !(path.ends_with(file) && (start..=end).contains(&line)),
                "{} in the correct {class}: {}",
                f.rule,
                f.message
            );
            assert!(
                !f.title.contains(&format!("`{class}`")),
                "{}: {}",
                f.rule,
                f.title
            );
        }
    }
    assert!(
        audited()
            .findings
            .iter()
            .all(|f| f.category == Category::Source)
    );
}

#[test]
fn virtualenvs_and_migrations_are_not_audited() {
    let audit = audited();
    assert!(
        audit.files_scanned > 15 && audit.files_scanned < 100,
        "{}",
        audit.files_scanned
    );
    assert!(
        audit
            .project
            .files
            .iter()
            .all(|f| !f.path.contains("/build/") && !f.path.contains("/migrations/"))
    );
    assert!(audit.parse_errors.is_empty(), "{:?}", audit.parse_errors);
}

#[test]
fn findings_name_the_fields_and_the_fix() {
    let find = |rule: &str, title: &str| {
        audited()
            .findings
            .iter()
            .find(|f| f.rule == rule && f.title.contains(title))
            .unwrap_or_else(|| panic!("{rule} {title}"))
    };
    let all = find("OVS601", "`UserProfileSerializer`");
    assert!(
        all.remediation
            .contains(r#"fields = ["id", "display_name", "job_title"]"#),
        "{}",
        all.remediation
    );
    assert!(
        all.message.contains("`salary`") && all.message.contains("`date_of_birth`"),
        "{}",
        all.message
    );
    let depth = find("OVS603", "`UserProfileSerializer`");
    for field in [
        "`user.password`",
        "`user.is_staff`",
        "`user.is_superuser`",
        "`user.last_login`",
        "`tenant.webhook_secret`",
    ] {
        assert!(depth.message.contains(field), "{field}: {}", depth.message);
    }
    assert_eq!(depth.severity, Severity::High);
    let nested = find("OVS604", "`UserSerializer.activities`");
    for field in [
        "`activities.ip_address`",
        "`activities.user_agent`",
        "`activities.session_key`",
    ] {
        assert!(
            nested.message.contains(field),
            "{field}: {}",
            nested.message
        );
    }
    let password = find("OVS605", "`password`");
    assert_eq!(password.severity, Severity::Critical);
    assert!(password.remediation.contains("write_only"));
    let location = &password.source[0];
    assert_eq!(
        location
            .snippet
            .as_deref()
            .map(|s| s.contains("\"is_staff\"")),
        Some(true)
    );
    assert_eq!(
        location.end_column.unwrap() - location.column.unwrap(),
        "\"password\"".len() as u32
    );
}

#[test]
fn fingerprints_do_not_depend_on_lines() {
    // Same rule, file, class and key: same fingerprint, whatever the line.
    let fps: std::collections::HashSet<_> = audited()
        .findings
        .iter()
        .map(|f| f.fingerprint.clone())
        .collect();
    assert_eq!(fps.len(), audited().findings.len());
    let all = audited()
        .findings
        .iter()
        .find(|f| f.rule == "OVS601" && f.message.contains("UserProfileSerializer"))
        .unwrap();
    assert_eq!(
        all.fingerprint,
        Fingerprint::of(&[
            "OVS601",
            &all.source[0].file,
            "UserProfileSerializer",
            "fields"
        ])
    );
}

#[test]
fn identity_headers_and_verification_for_the_proxy_rules() {
    let project = &audited().project;
    let headers = identity_headers_read(project);
    let names: Vec<&str> = headers.iter().map(|(h, _)| h.as_str()).collect();
    for header in ["X-SSL-Client-S-DN-CN", "X-SSL-Client-Verify"] {
        assert!(names.contains(&header), "{header} not in {names:?}");
    }
    let (_, cn) = headers
        .iter()
        .find(|(h, _)| h == "X-SSL-Client-S-DN-CN")
        .unwrap();
    assert!(cn.file.ends_with("accounts/middleware.py"));
    assert_eq!(cn.role.as_deref(), Some("middleware"));
    assert!(
        !app_checks_verify(project),
        "the target records verification and never enforces it"
    );
}

#[test]
fn routes_are_found_by_path_and_by_operation_id() {
    let project = &audited().project;
    let route = project
        .route_for("GET", "/api/profiles/{id}/", Some("profiles_retrieve"))
        .unwrap();
    assert_eq!(route.view_name, "ProfileViewSet");
    assert_eq!(route.action, "retrieve");
    assert_eq!(
        route.serializer_name.as_deref(),
        Some("UserProfileSerializer")
    );
    let by_id = project
        .route_for("GET", "/elsewhere/{x}/", Some("profiles_list"))
        .unwrap();
    assert_eq!(
        (by_id.view_name.as_str(), by_id.action.as_str()),
        ("ProfileViewSet", "list")
    );
    let patch = project
        .route_for("PATCH", "/api/members/{id}/", None)
        .unwrap();
    assert_eq!(
        (patch.view_name.as_str(), patch.action.as_str()),
        ("MemberViewSet", "partial_update")
    );
    let me = project
        .route_for("GET", "/api/secure-profiles/me/", None)
        .unwrap();
    assert_eq!(
        (me.view_name.as_str(), me.action.as_str()),
        ("SecureProfileViewSet", "me")
    );
    let me_by_id = project
        .route_for("GET", "/x", Some("secure_profiles_me_retrieve"))
        .unwrap();
    assert_eq!(me_by_id.action, "me");
    let tenant = project.route_for("GET", "/api/tenant/", None).unwrap();
    assert_eq!(tenant.serializer_name.as_deref(), Some("TenantSerializer"));
    assert!(tenant.permission.is_some());
    assert_eq!(
        project
            .route_for("GET", "/api/health/", None)
            .unwrap()
            .view_name,
        "health"
    );
    assert!(
        project
            .route_for("DELETE", "/api/profiles/{id}/", None)
            .is_none()
    );
    assert!(
        project
            .route_for("GET", "/api/nothing/", Some("nothing_list"))
            .is_none()
    );
}

static RUNTIME: RuleMeta = RuleMeta {
    id: "OVS201",
    name: "password",
    category: Category::Exposure,
    default_severity: Severity::Critical,
    cwe: &[],
    owasp: &[],
    summary: "Password",
    doc: "",
};

fn runtime(method: &str, path: &str, pattern: &str) -> Finding {
    let mut f = Finding::from_rule(&RUNTIME, Fingerprint::of(&[path, pattern]));
    f.operation = Some(OperationRef {
        method: method.into(),
        path: path.into(),
        operation_id: None,
    });
    f.location.pattern = Some(pattern.into());
    f
}

fn has(f: &Finding, role: &str, file: &str, line: u32) -> bool {
    f.source
        .iter()
        .any(|s| s.role.as_deref() == Some(role) && s.file.ends_with(file) && s.line == line)
}

#[test]
fn the_runtime_password_finding_points_at_the_profile_serializer() {
    let mut findings = vec![runtime("GET", "/api/profiles/{id}/", "/user/password")];
    correlate(&mut findings, audited());
    let f = &findings[0];
    let serializers = "tests/target/accounts/serializers.py";
    assert!(
        has(
            f,
            "serializer",
            serializers,
            line_after(
                "accounts/serializers.py",
                "class UserProfileSerializer",
                "class UserProfileSerializer"
            )
        ),
        "{:#?}",
        f.source
    );
    assert!(has(
        f,
        "serializer",
        serializers,
        line_after(
            "accounts/serializers.py",
            "class UserProfileSerializer",
            "depth = 1"
        )
    ));
    assert!(has(
        f,
        "view",
        "tests/target/accounts/views.py",
        line_after(
            "accounts/views.py",
            "class ProfileViewSet",
            "class ProfileViewSet"
        )
    ));
    // Correlating again adds nothing.
    let before = findings[0].source.len();
    correlate(&mut findings, audited());
    assert_eq!(findings[0].source.len(), before);
}

#[test]
fn nested_and_paginated_pointers_point_at_the_declaration() {
    let mut findings = vec![
        runtime("GET", "/api/users/{id}/", "/activities/*/session_key"),
        runtime("GET", "/api/profiles/", "/results/*/tenant/webhook_secret"),
        runtime("GET", "/api/nowhere/", "/password"),
    ];
    correlate(&mut findings, audited());
    let declaration = line_after(
        "accounts/serializers.py",
        "class UserSerializer",
        "activities = UserActivitySerializer",
    );
    assert!(
        has(
            &findings[0],
            "serializer",
            "accounts/serializers.py",
            declaration
        ),
        "{:#?}",
        findings[0].source
    );
    let class = line_after(
        "accounts/serializers.py",
        "class UserActivitySerializer",
        "class UserActivitySerializer",
    );
    assert!(has(
        &findings[0],
        "serializer",
        "accounts/serializers.py",
        class
    ));
    let depth = line_after(
        "accounts/serializers.py",
        "class UserProfileSerializer",
        "depth = 1",
    );
    assert!(
        has(&findings[1], "serializer", "accounts/serializers.py", depth),
        "{:#?}",
        findings[1].source
    );
    assert!(
        findings[2].source.is_empty(),
        "an operation the code does not serve gets nothing"
    );
}
