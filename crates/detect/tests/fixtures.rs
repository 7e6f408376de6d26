//! Table-driven fixtures: one JSON file per detector under `tests/fixtures/`, each with at least
//! ten true positives and ten near-miss negatives.
//!
//! ```json
//! { "kind": "card-number",
//!   "positives": [ "4111111111111111",
//!                  { "value": "4111 1111 1111 1111", "detail": "issuer=visa", "prefix": "4111 ",
//!                    "certainty": "high", "hint": "secret", "decoded": false, "kind": "..." } ],
//!   "negatives": [ "4111 1111 1111 1112",
//!                  { "value": "...", "hint": "secret", "other": "phone" } ] }
//! ```
//!
//! A positive must be detected as the file's `kind` (or the entry's own `kind`); `detail` is a
//! substring the detail must contain, `prefix` the exact safe prefix. A negative must not be
//! detected at all, unless it names the `other` kind it is (correctly) detected as instead.
//! Every value here is a documented example or an obvious fake (`EXAMPLE`, `fixture`).

use overshare_detect::{Certainty, NameHint, ValueKind, detect};
use serde_json::Value;

fn hint_of(entry: &Value) -> NameHint {
    match entry.get("hint").and_then(Value::as_str) {
        None => NameHint::default(),
        Some("secret") => NameHint {
            secret_like: true,
            settings_like: false,
        },
        Some("settings") => NameHint {
            secret_like: false,
            settings_like: true,
        },
        Some("both") => NameHint {
            secret_like: true,
            settings_like: true,
        },
        Some(other) => panic!("unknown hint {other:?}"),
    }
}

fn value_of(entry: &Value) -> &str {
    match entry {
        Value::String(s) => s,
        Value::Object(o) => o["value"].as_str().expect("fixture value is a string"),
        other => panic!("bad fixture entry {other}"),
    }
}

fn kind_named(name: &str) -> ValueKind {
    ValueKind::from_name(name).unwrap_or_else(|| panic!("unknown kind {name:?}"))
}

fn certainty_named(name: &str) -> Certainty {
    match name {
        "low" => Certainty::Low,
        "medium" => Certainty::Medium,
        "high" => Certainty::High,
        other => panic!("unknown certainty {other:?}"),
    }
}

fn run(file: &str) {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fixture: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file_kind = fixture["kind"].as_str().map(kind_named);
    let positives = fixture["positives"].as_array().expect("positives");
    let negatives = fixture["negatives"].as_array().expect("negatives");
    assert!(
        positives.len() >= 10,
        "{file}: only {} positives",
        positives.len()
    );
    assert!(
        negatives.len() >= 10,
        "{file}: only {} negatives",
        negatives.len()
    );

    let mut failures = Vec::new();
    for entry in positives {
        let value = value_of(entry);
        let want = entry
            .get("kind")
            .and_then(Value::as_str)
            .map(kind_named)
            .or(file_kind)
            .expect("a kind for every positive");
        let Some(d) = detect(value, hint_of(entry)) else {
            failures.push(format!("missed {value:?} (want {want})"));
            continue;
        };
        if d.kind != want {
            failures.push(format!("{value:?}: got {} want {want} ({d:?})", d.kind));
            continue;
        }
        if let Some(detail) = entry.get("detail").and_then(Value::as_str) {
            let got = d.detail.as_deref().unwrap_or("");
            if !got.contains(detail) {
                failures.push(format!("{value:?}: detail {got:?} lacks {detail:?}"));
            }
        }
        if let Some(prefix) = entry.get("prefix").and_then(Value::as_str)
            && d.safe_prefix != prefix
        {
            failures.push(format!(
                "{value:?}: prefix {:?} want {prefix:?}",
                d.safe_prefix
            ));
        }
        if let Some(c) = entry.get("certainty").and_then(Value::as_str)
            && d.certainty != certainty_named(c)
        {
            failures.push(format!("{value:?}: certainty {:?} want {c}", d.certainty));
        }
        let want_decoded = entry
            .get("decoded")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if d.decoded != want_decoded {
            failures.push(format!(
                "{value:?}: decoded {} want {want_decoded}",
                d.decoded
            ));
        }
        // The safe prefix never reveals more than a short, non-identifying head.
        if d.safe_prefix.len() > 16 {
            failures.push(format!(
                "{value:?}: safe prefix too long {:?}",
                d.safe_prefix
            ));
        }
    }
    for entry in negatives {
        let value = value_of(entry);
        let got = detect(value, hint_of(entry));
        match (entry.get("other").and_then(Value::as_str), got) {
            (None, None) => {}
            (None, Some(d)) => failures.push(format!("false positive {value:?}: {d:?}")),
            (Some(other), Some(d)) if d.kind == kind_named(other) => {}
            (Some(other), got) => {
                failures.push(format!("{value:?}: want only {other}, got {got:?}"))
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{file}: {} failure(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(concat!(stringify!($name), ".json"));
            }
        )*

        #[test]
        fn every_fixture_file_has_a_test() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.ends_with(".json"))
                .collect();
            files.sort();
            let mut tested: Vec<String> = vec![$(concat!(stringify!($name), ".json").to_string()),*];
            tested.sort();
            assert_eq!(files, tested);
        }

        #[test]
        fn every_kind_has_a_fixture() {
            let mut covered = std::collections::HashSet::new();
            $(
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", stringify!($name), ".json");
                let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                if let Some(k) = v["kind"].as_str() {
                    covered.insert(kind_named(k));
                }
            )*
            for kind in ValueKind::ALL {
                assert!(covered.contains(kind), "no fixture file for {kind}");
            }
        }
    };
}

fixtures!(
    django_password_hash,
    bcrypt,
    crypt_sha,
    jwt,
    pem_private_key,
    aws_access_key_id,
    aws_secret_access_key,
    github_token,
    slack_token,
    stripe_key,
    google_api_key,
    sendgrid_key,
    url_credentials,
    connection_string,
    django_secret_key,
    card_number,
    iban,
    us_ssn,
    email,
    phone,
    public_ip,
    private_ip,
    high_entropy_secret,
    decoding,
    embedded,
);
