//! Name and value evidence combined: severity, confidence, basis and the rule reported.

use overshare_classify::{Basis, Classifier, Hit, ValueKind};
use overshare_finding::{Confidence, Severity};
use serde_json::{Value, json};
use std::sync::LazyLock;

static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(Classifier::builtin);

const DJANGO_HASH: &str =
    "pbkdf2_sha256$20000$EXAMPLEsalt$hiu4ddLjD9+31P7/7kPz7CeFxsR2ahy3+okdix+pwxk=";
const JWT: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CARD: &str = "4111 1111 1111 1111";
const STRIPE: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
const SESSION_KEY: &str = "kq3v9x2m4p8w1z7n5b6c0d3f2g8h1j4k";
const INSECURE_KEY: &str = "django-insecure-k9#x2m!p4q8w1z7n5b6c0d3f2g8h1j4k(e=u+r)t-y_a@s%d^f";

fn classify(path: &str, value: Value) -> Option<Hit<'static>> {
    let keys: Vec<&str> = path.split('.').collect();
    CLASSIFIER.classify(&keys, &value)
}

fn hit(path: &str, value: Value) -> Hit<'static> {
    let shown = value.to_string();
    classify(path, value).unwrap_or_else(|| panic!("{path} = {shown}: expected a hit"))
}

#[test]
fn a_django_hash_anywhere_is_critical() {
    for path in [
        "user.password",
        "notes",
        "display_name",
        "results.user.extra",
        "x",
    ] {
        let h = hit(path, json!(DJANGO_HASH));
        assert_eq!(h.rule.name, "django-password-hash", "{path}");
        assert_eq!(h.severity, Severity::Critical, "{path}");
        assert!(h.rule.never_acceptable);
        assert_eq!(h.value_kind, Some(ValueKind::DjangoPasswordHash));
        assert_eq!(h.safe_prefix.as_deref(), Some("pbkdf2_sha256$"));
    }
    // Inside an array of strings too.
    let h = hit("tags", json!(["blue", DJANGO_HASH]));
    assert_eq!(h.rule.name, "django-password-hash");
}

#[test]
fn name_and_value_together_are_surer_than_either_alone() {
    let both = hit("user.password", json!(DJANGO_HASH));
    assert_eq!(both.basis, Basis::NameAndValue);
    assert_eq!(both.confidence, Confidence::High);
    assert_eq!(both.other.map(|r| r.name.as_str()), Some("password"));

    let name_only = hit("user.password", json!("hunter2"));
    assert_eq!(name_only.basis, Basis::Name);
    assert_eq!(name_only.rule.name, "password");
    assert_eq!(name_only.severity, Severity::Critical);
    assert!(name_only.confidence < both.confidence);

    let email_both = hit("email", json!("alice@example.com"));
    let email_value = hit("contact", json!("alice@example.com"));
    let email_name = hit("email", json!("alice at example dot com"));
    assert_eq!(email_both.basis, Basis::NameAndValue);
    assert_eq!(email_value.basis, Basis::Value);
    assert_eq!(email_name.basis, Basis::Name);
    for single in [&email_value, &email_name] {
        assert_eq!(single.rule.name, "email-address");
        assert!(
            single.confidence < email_both.confidence,
            "{:?}",
            single.basis
        );
    }
}

#[test]
fn the_more_severe_rule_wins_and_a_validated_value_wins_a_tie() {
    // api-key (high) by name, stripe-key (critical) by value.
    let h = hit("api_key", json!(STRIPE));
    assert_eq!(h.rule.name, "stripe-key");
    assert_eq!(h.severity, Severity::Critical);
    assert_eq!(h.basis, Basis::NameAndValue);
    assert_eq!(h.confidence, Confidence::High, "both say credential");

    // access-token (high) by name, jwt (high) by value: the validated value is more specific.
    let h = hit("access_token", json!(JWT));
    assert_eq!(h.rule.name, "jwt");
    assert!(
        h.detail.as_deref().unwrap_or("").contains("alg"),
        "{:?}",
        h.detail
    );

    // session-key (high) by name, high-entropy (high) by value: the name says more.
    let h = hit("activities.session_key", json!(SESSION_KEY));
    assert_eq!(h.rule.name, "session-key");
    assert_eq!(h.basis, Basis::NameAndValue);
    assert_eq!(h.confidence, Confidence::High);
    assert_eq!(h.value_kind, Some(ValueKind::HighEntropySecret));
}

#[test]
fn disagreeing_evidence_is_not_surer() {
    // The name says a person's IP, the value says a private address (internal, low).
    let h = hit("ip_address", json!("10.0.3.17"));
    assert_eq!(h.rule.name, "ip-address");
    assert_eq!(h.basis, Basis::NameAndValue);
    assert_eq!(h.other.map(|r| r.name.as_str()), Some("internal-host"));
    assert_eq!(h.confidence, Confidence::Medium);
}

#[test]
fn card_numbers_masked_or_not() {
    let h = hit("card_number", json!(CARD));
    assert_eq!(h.rule.name, "card-number");
    assert_eq!(h.basis, Basis::NameAndValue);
    assert!(h.rule.never_acceptable);
    assert!(classify("card_number", json!("**** **** **** 1111")).is_none());
    assert!(classify("card_number", json!("XXXX-XXXX-XXXX-1111")).is_none());
    assert_eq!(
        hit("payment.card.number", json!(CARD)).basis,
        Basis::NameAndValue
    );
}

#[test]
fn numbers_under_personal_names_count() {
    for (path, value) in [
        ("salary", json!(72000)),
        ("salary", json!(72000.5)),
        ("annual_income", json!("72000.00")),
    ] {
        let h = hit(path, value);
        assert_eq!(h.rule.name, "salary");
        assert_eq!(h.basis, Basis::Name);
    }
    assert!(classify("salary", json!(null)).is_none());
}

#[test]
fn empty_and_redacted_values_are_not_exposures_except_privilege_state() {
    for value in [
        json!(null),
        json!(""),
        json!("***"),
        json!("<redacted>"),
        json!([]),
    ] {
        assert!(
            classify("user.password", value.clone()).is_none(),
            "{value}"
        );
        assert!(classify("email", value.clone()).is_none(), "{value}");
        let privilege = if value.is_array() {
            "user.groups"
        } else {
            "user.is_staff"
        };
        assert!(
            classify(privilege, value.clone()).is_some(),
            "{privilege} = {value}"
        );
    }
    // A value that is itself redaction output never hits, even with a hash prefix.
    assert!(classify("notes", json!("pbkdf2_sha256$…[redacted]")).is_none());
}

#[test]
fn settings_objects_make_secret_key_shapes_count() {
    let h = hit("settings.SECRET_KEY", json!(INSECURE_KEY));
    assert_eq!(h.rule.name, "django-secret-key");
    assert_eq!(h.severity, Severity::Critical);
    assert_eq!(
        h.basis,
        Basis::NameAndValue,
        "SECRET_KEY is also a secret name"
    );
    // Two levels down from `config` still counts as settings-like.
    let h = hit("config.django.signing", json!(INSECURE_KEY));
    assert_eq!(h.rule.name, "django-secret-key");
    assert_eq!(h.basis, Basis::Value);
    // Outside settings and without a secret name, the shape is just text.
    assert!(classify("motto", json!(INSECURE_KEY)).is_none());
}

#[test]
fn a_secret_parent_makes_random_children_secrets() {
    let random = "Xk93hQ2mLp7vT4zR8wN1cB6yJ0sD5fGq";
    let h = hit("credentials.acme", json!(random));
    assert_eq!(h.rule.name, "high-entropy-secret");
    assert_eq!(h.basis, Basis::Value);
    assert!(classify("catalogue.acme", json!(random)).is_none());
}

#[test]
fn near_miss_names_suppress_the_same_rule_by_value() {
    // `support_email` is excluded from the email rule: its value is a business address.
    assert!(classify("support_email", json!("help@shop.example.com")).is_none());
    // But other rules still see the value.
    let h = hit("support_email", json!(DJANGO_HASH));
    assert_eq!(h.rule.name, "django-password-hash");
}

#[test]
fn the_demo_catalogue_yields_nothing_at_medium_or_above() {
    let item = json!({
        "public_id": "6f1c1d2e-8a4b-4f6e-9b0a-3c2d1e0f9a8b",
        "name": "Starter",
        "is_staff_pick": true,
        "password_policy": "min 12 characters",
        "token_count": 5,
        "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "price": "9.99"
    });
    for (key, value) in item.as_object().unwrap() {
        if let Some(h) = CLASSIFIER.classify(&[key.as_str()], value) {
            assert!(h.severity < Severity::Medium, "{key}: {}", h.rule.name);
        }
    }
}

#[test]
fn the_demo_ping_reports_debug_and_database() {
    let debug = hit("debug", json!(true));
    assert_eq!(debug.rule.name, "debug-mode");
    let database = hit("database", json!("postgres://app@db.internal:5432/app"));
    assert_eq!(database.rule.class.as_str(), "internal");
}

#[test]
fn classification_is_stable_across_repeated_names() {
    // The cache must not change answers: same name, different values and parents.
    for _ in 0..3 {
        assert_eq!(hit("user.password", json!("hunter2")).rule.name, "password");
        assert!(classify("user.password", json!(null)).is_none());
        assert_eq!(hit("user", json!(5)).rule.name, "related-object-key");
        assert!(classify("user", json!({"id": 5})).is_none());
    }
}
