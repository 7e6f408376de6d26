//! Field-name classification: table-driven positives per class, the near misses the issue
//! lists, and path context. Paths are written dotted (`user.password`); values are chosen so
//! that the value detectors have nothing to say, so these test the name side.

use overshare_classify::{Basis, Class, Classifier, Hit};
use overshare_finding::Severity;
use serde_json::{Value, json};
use std::sync::LazyLock;

static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(Classifier::builtin);

fn classify(path: &str, value: &Value) -> Option<Hit<'static>> {
    let keys: Vec<&str> = path.split('.').collect();
    CLASSIFIER.classify(&keys, value)
}

/// (dotted path, value, expected rule name)
type Case = (&'static str, Value, &'static str);

fn check_positives(class: Class, cases: Vec<Case>) {
    assert!(cases.len() >= 10, "at least ten positives per class");
    let mut failures = Vec::new();
    for (path, value, rule) in cases {
        match classify(path, &value) {
            Some(hit) if hit.rule.name == rule && hit.rule.class == class => {
                assert_eq!(
                    hit.basis,
                    Basis::Name,
                    "{path}: neutral values, name evidence"
                );
            }
            Some(hit) => failures.push(format!(
                "{path} = {value}: got {} ({}), want {rule}",
                hit.rule.name, hit.rule.class
            )),
            None => failures.push(format!("{path} = {value}: no hit, want {rule}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn credentials_by_name() {
    check_positives(
        Class::Credential,
        vec![
            ("password", json!("hunter2"), "password"),
            ("user_password", json!("hunter2"), "password"),
            ("userPassword", json!("hunter2"), "password"),
            ("PASSWORD", json!("hunter2"), "password"),
            ("password2", json!("hunter2"), "password"),
            ("new_password", json!("hunter2"), "password"),
            ("password_confirmation", json!("hunter2"), "password"),
            ("passwordHash", json!("hunter2"), "password"),
            ("passwd", json!("hunter2"), "password"),
            ("results.user.password", json!("hunter2"), "password"),
            ("api_key", json!("abc"), "api-key"),
            ("apiKey", json!("abc"), "api-key"),
            ("X-Api-Key", json!("abc"), "api-key"),
            ("stripeApiKey", json!("abc"), "api-key"),
            ("access_token", json!("abc"), "access-token"),
            ("refreshToken", json!("abc"), "access-token"),
            ("token", json!("abc"), "access-token"),
            ("password_reset_token", json!("abc"), "access-token"),
            ("client_secret", json!("abc"), "secret"),
            ("tenant.webhook_secret", json!("abc"), "secret"),
            ("SECRET_KEY", json!("abc"), "secret"),
            ("credentials", json!(["abc"]), "secret"),
            ("private_key", json!("abc"), "private-key"),
            ("privateKeyPem", json!("abc"), "private-key"),
            ("session_key", json!("abc"), "session-key"),
            ("sessionid", json!("abc"), "session-key"),
            ("totp_secret", json!("abc"), "mfa-secret"),
            ("otp_seed", json!("abc"), "mfa-secret"),
            ("backup_codes", json!(["abc", "def"]), "mfa-secret"),
            ("security_answer", json!("abc"), "security-answer"),
            ("pin_code_otp_secret", json!("abc"), "mfa-secret"),
        ],
    );
}

#[test]
fn privilege_by_name() {
    check_positives(
        Class::Privilege,
        vec![
            ("is_staff", json!(true), "privilege-flag"),
            ("is_staff", json!(false), "privilege-flag"),
            ("is_superuser", json!(false), "privilege-flag"),
            ("isAdmin", json!(true), "privilege-flag"),
            ("user.is_admin", json!(null), "privilege-flag"),
            ("superuser", json!(true), "privilege-flag"),
            ("role", json!("admin"), "role"),
            ("roles", json!(["admin"]), "role"),
            ("user_role", json!("member"), "role"),
            ("access_level", json!(3), "role"),
            ("permissions", json!(["auth.change_user"]), "permissions"),
            ("user.user_permissions", json!([]), "permissions"),
            ("user.groups", json!([]), "permissions"),
            (
                "groups",
                json!([{"id": 1, "name": "admins"}]),
                "permissions",
            ),
            ("last_login", json!("2026-01-01T00:00:00Z"), "last-login"),
            ("user.last_login", json!(null), "last-login"),
            ("lastSignInAt", json!("2026-01-01"), "last-login"),
            ("failed_login_attempts", json!(3), "failed-logins"),
            ("login_attempts", json!(0), "failed-logins"),
            ("locked_until", json!(null), "failed-logins"),
            ("mfa_enabled", json!(false), "mfa-state"),
            ("has_2fa", json!(true), "mfa-state"),
        ],
    );
}

#[test]
fn personal_data_by_name() {
    check_positives(
        Class::Personal,
        vec![
            ("ssn", json!("see file"), "national-id"),
            ("social_security_number", json!("see file"), "national-id"),
            ("national_id", json!("see file"), "national-id"),
            ("taxId", json!("see file"), "national-id"),
            ("passport_number", json!("see file"), "national-id"),
            ("date_of_birth", json!("1990-01-01"), "date-of-birth"),
            ("dob", json!("1990-01-01"), "date-of-birth"),
            ("birthDate", json!("1990-01-01"), "date-of-birth"),
            ("salary", json!(72000), "salary"),
            ("salary", json!("72000.00"), "salary"),
            ("annual_income", json!(72000.5), "salary"),
            ("phone", json!("see file"), "phone-number"),
            ("phone_number", json!("see file"), "phone-number"),
            ("mobile", json!("see file"), "phone-number"),
            ("email", json!("see file"), "email-address"),
            ("emailAddress", json!("see file"), "email-address"),
            ("home_address", json!("12 Acacia Avenue"), "home-address"),
            (
                "address",
                json!({"line1": "12 Acacia Avenue", "city": "Leeds"}),
                "home-address",
            ),
            (
                "shipping_address",
                json!("12 Acacia Avenue"),
                "home-address",
            ),
            ("ip_address", json!("see file"), "ip-address"),
            ("remote_addr", json!("see file"), "ip-address"),
            ("user_agent", json!("Mozilla/5.0"), "user-agent"),
            ("latitude", json!(51.5), "geolocation"),
            (
                "geolocation",
                json!({"lat": 51.5, "lng": -0.1}),
                "geolocation",
            ),
            ("device_id", json!("see file"), "device-id"),
            ("imei", json!("see file"), "device-id"),
            ("mac_address", json!("see file"), "device-id"),
            ("fcm_token", json!("see file"), "device-id"),
            ("ethnicity", json!("see file"), "special-category"),
        ],
    );
}

#[test]
fn financial_data_by_name() {
    check_positives(
        Class::Financial,
        vec![
            ("card_number", json!("see file"), "card-number"),
            ("cardNumber", json!("see file"), "card-number"),
            ("credit_card_number", json!("see file"), "card-number"),
            ("pan", json!("see file"), "card-number"),
            ("payment.card.number", json!("see file"), "card-number"),
            ("cvv", json!("123"), "card-security-code"),
            ("cvc2", json!(123), "card-security-code"),
            ("iban", json!("see file"), "iban"),
            ("account_number", json!("see file"), "bank-account"),
            ("bank_account_number", json!("see file"), "bank-account"),
            ("routing_number", json!("see file"), "bank-account"),
            ("sort_code", json!("see file"), "bank-account"),
            ("bank.account.number", json!("see file"), "bank-account"),
        ],
    );
}

#[test]
fn internal_data_by_name() {
    check_positives(
        Class::Internal,
        vec![
            ("internal_note", json!("call back"), "internal-notes"),
            ("internal_notes", json!("call back"), "internal-notes"),
            ("staffNotes", json!("call back"), "internal-notes"),
            ("admin_comment", json!("call back"), "internal-notes"),
            (
                "traceback",
                json!("Traceback (most recent call last)"),
                "debug-info",
            ),
            ("stack_trace", json!(["frame"]), "debug-info"),
            ("debug", json!({"queries": 3}), "debug-info"),
            ("sql", json!("SELECT 1"), "debug-info"),
            ("debug", json!(true), "debug-mode"),
            ("DEBUG", json!(false), "debug-mode"),
            ("env", json!({"HOME": "/root"}), "settings-dump"),
            (
                "INSTALLED_APPS",
                json!(["django.contrib.auth"]),
                "settings-dump",
            ),
            ("database", json!("app"), "database-config"),
            ("db_host", json!("db"), "database-config"),
            ("database_url", json!("see file"), "database-config"),
            ("internal_url", json!("see file"), "internal-host"),
            ("hostname", json!("worker"), "internal-host"),
        ],
    );
}

#[test]
fn internal_references_by_name_are_low() {
    let cases: Vec<Case> = vec![
        ("user_id", json!(5), "foreign-key-id"),
        ("owner_id", json!(5), "foreign-key-id"),
        ("tenant_id", json!(5), "foreign-key-id"),
        ("tenantId", json!("5"), "foreign-key-id"),
        ("created_by_id", json!(5), "foreign-key-id"),
        ("group_ids", json!([1, 2]), "foreign-key-id"),
        ("user", json!(5), "related-object-key"),
        ("tenant", json!(1), "related-object-key"),
        ("owner", json!(2), "related-object-key"),
        ("created_by", json!(3), "related-object-key"),
        ("parent", json!("4"), "related-object-key"),
    ];
    for (_, _, rule) in &cases {
        assert_eq!(CLASSIFIER.rule(rule).unwrap().severity, Severity::Low);
    }
    check_positives(Class::InternalReference, cases);
}

/// The near misses of the issue, and their neighbours: no rule at all, or low at most.
#[test]
fn near_misses_stay_clean() {
    let cases: Vec<(&str, Value)> = vec![
        ("is_staff_pick", json!(true)),
        ("password_policy", json!("min 12 characters")),
        ("password_changed_at", json!("2026-01-01T00:00:00Z")),
        ("password_expires_at", json!("2026-01-01T00:00:00Z")),
        ("has_password", json!(true)),
        ("is_secret", json!(false)),
        ("token_count", json!(5)),
        ("tokenizer", json!("bpe")),
        ("next_page_token", json!("c2Vjb25kIHBhZ2U")),
        ("csrf_token", json!("abc")),
        ("key_features", json!(["fast", "cheap"])),
        ("secretary_name", json!("Jane Doe")),
        (
            "checksum",
            json!("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ),
        (
            "etag",
            json!("\"33a64df551425fcc55e4d42a148795d9f25f89d4\""),
        ),
        (
            "sha256",
            json!("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ),
        ("content_hash", json!("9f86d081884c7d659a2feaa0c55ad015")),
        ("public_id", json!("6f1c1d2e-8a4b-4f6e-9b0a-3c2d1e0f9a8b")),
        ("public_id", json!(42)),
        ("public_uuid", json!("6f1c1d2e-8a4b-4f6e-9b0a-3c2d1e0f9a8b")),
        ("display_name", json!("Alice A.")),
        ("username", json!("alice")),
        ("user_name", json!("alice")),
        ("created_at", json!("2026-01-01T00:00:00Z")),
        ("id", json!(5)),
        ("user.id", json!(5)),
        ("uuid", json!("6f1c1d2e-8a4b-4f6e-9b0a-3c2d1e0f9a8b")),
        ("user", json!({"id": 5})),
        ("user_id", json!("6f1c1d2e-8a4b-4f6e-9b0a-3c2d1e0f9a8b")),
        ("job_title", json!("Integration lead")),
        ("role_description", json!("Approves payments")),
        ("staff_count", json!(12)),
        ("ssn_last4", json!("1120")),
        ("card_last4", json!("4242")),
        ("card_fingerprint", json!("Xt5EWLLDS7FJjR1c")),
        ("card_brand", json!("visa")),
        ("mobile", json!(true)),
        ("support_email", json!("see file")),
        ("environment", json!("production")),
        ("price", json!("9.99")),
        ("status", json!("ok")),
        ("name", json!("Starter")),
        ("email_verified", json!(true)),
        ("order.number", json!("INV-001")),
        ("file.hash", json!("9f86d081884c7d659a2feaa0c55ad015")),
    ];
    let mut failures = Vec::new();
    for (path, value) in cases {
        if let Some(hit) = classify(path, &value)
            && hit.severity > Severity::Low
        {
            failures.push(format!(
                "{path} = {value}: {} ({})",
                hit.rule.name, hit.severity
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The issue's named near misses get no rule at all by name.
#[test]
fn listed_near_misses_match_no_rule() {
    for name in [
        "is_staff_pick",
        "password_policy",
        "password_changed_at",
        "token_count",
        "tokenizer",
        "key_features",
        "secretary_name",
        "checksum",
        "etag",
        "sha256",
        "public_id",
        "public_uuid",
        "display_name",
        "username",
        "created_at",
    ] {
        assert!(
            CLASSIFIER.classify_name(&[name]).is_none(),
            "{name}: {:?}",
            CLASSIFIER.classify_name(&[name]).map(|r| &r.name)
        );
    }
}

#[test]
fn parent_key_is_context() {
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        ("profile.user.password", json!("hunter2"), Some("password")),
        ("password.hash", json!("abc"), Some("password")),
        ("password.value", json!("abc"), Some("password")),
        ("password.policy", json!("min 12"), None),
        ("api.key", json!("abc"), Some("api-key")),
        ("session.id", json!("abc"), Some("session-key")),
        ("card.number", json!("see file"), Some("card-number")),
        ("account.number", json!("see file"), Some("bank-account")),
        ("phone.number", json!("see file"), Some("phone-number")),
        ("email.address", json!("see file"), Some("email-address")),
        ("order.number", json!("see file"), None),
        ("file.hash", json!("abc"), None),
        ("user.id", json!(5), None),
        ("results.id", json!(5), None),
        // The parent only helps: a sensitive field name is sensitive under any parent.
        ("catalogue.password", json!("hunter2"), Some("password")),
        ("tenant.webhook_secret", json!("abc"), Some("secret")),
    ];
    for (path, value, want) in cases {
        let got = classify(path, &value).map(|h| h.rule.name.as_str());
        assert_eq!(got, want, "{path}");
    }
}

#[test]
fn secret_names_with_nothing_in_them_are_not_exposures() {
    for value in [
        json!(null),
        json!(""),
        json!("   "),
        json!("***"),
        json!("********"),
        json!("<redacted>"),
        json!("[REDACTED]"),
        json!("[FILTERED]"),
        json!("sk_live_****abcd"),
        json!([]),
    ] {
        for name in [
            "password",
            "api_key",
            "client_secret",
            "access_token",
            "card_number",
            "ssn",
        ] {
            assert!(classify(name, &value).is_none(), "{name} = {value}");
        }
    }
}

#[test]
fn privilege_state_is_evidence_whatever_its_value() {
    for value in [json!(true), json!(false), json!(null), json!("")] {
        let hit = classify("user.is_staff", &value).expect("privilege flag");
        assert_eq!(hit.rule.name, "privilege-flag");
        assert!(hit.severity >= Severity::High);
    }
    assert_eq!(
        classify("user.groups", &json!([])).unwrap().rule.name,
        "permissions"
    );
}

#[test]
fn the_demo_profile_is_classified_as_the_issue_expects() {
    let want = [
        ("user.password", Some(("password", Severity::Critical))),
        ("user.last_login", Some(("last-login", Severity::Low))),
        (
            "user.is_superuser",
            Some(("privilege-flag", Severity::High)),
        ),
        ("user.is_staff", Some(("privilege-flag", Severity::High))),
        ("user.groups", Some(("permissions", Severity::Medium))),
        (
            "user.user_permissions",
            Some(("permissions", Severity::Medium)),
        ),
        ("user.username", None),
        ("user.first_name", None),
        ("user.is_active", None),
        ("user.date_joined", None),
        ("tenant", Some(("related-object-key", Severity::Low))),
        ("display_name", None),
        ("bio", None),
        ("date_of_birth", Some(("date-of-birth", Severity::Medium))),
        ("salary", Some(("salary", Severity::Medium))),
        (
            "activities.session_key",
            Some(("session-key", Severity::High)),
        ),
        ("activities.user_agent", Some(("user-agent", Severity::Low))),
        ("activities.created_at", None),
    ];
    let values = json!({
        "user.password": "hunter2", "user.last_login": null, "user.is_superuser": false,
        "user.is_staff": true, "user.groups": [], "user.user_permissions": [],
        "user.username": "alice", "user.first_name": "Alice", "user.is_active": true,
        "user.date_joined": "2025-01-01T00:00:00Z", "tenant": 1, "display_name": "Alice A.",
        "bio": "Integration lead at Partner A.", "date_of_birth": "1990-04-01", "salary": "72000.00",
        "activities.session_key": "kq3", "activities.user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "activities.created_at": "2026-01-01T00:00:00Z"
    });
    for (path, expected) in want {
        let got = classify(path, &values[path]).map(|h| (h.rule.name.as_str(), h.severity));
        assert_eq!(got, expected, "{path}");
    }
}

#[test]
fn every_pattern_style_names_the_same_rule() {
    for name in [
        "api_key", "apiKey", "ApiKey", "APIKey", "api-key", "API_KEY", "api.key",
    ] {
        let keys: Vec<&str> = vec![name];
        assert_eq!(
            CLASSIFIER.classify_name(&keys).map(|r| r.name.as_str()),
            Some("api-key"),
            "{name}"
        );
    }
}
