//! The shapes the demo API and the Django reference target plant (and the near misses they
//! serve next to them), so that a change here that would blind the end-to-end tests fails
//! first, and fast.

use overshare_detect::{NameHint, ValueKind, detect};

const SECRET: NameHint = NameHint {
    secret_like: true,
    settings_like: false,
};
const PLAIN: NameHint = NameHint {
    secret_like: false,
    settings_like: false,
};

fn kind(value: &str, hint: NameHint) -> Option<ValueKind> {
    detect(value, hint).map(|d| d.kind)
}

#[test]
fn planted_values_are_found() {
    let cases = [
        // Django target: make_password with a 22-hex salt and 20 000 iterations.
        (
            "pbkdf2_sha256$20000$8c7dd922ad47494fc02c38$dtYG2R9QfKbhF6m1mfJhS1J7nL0y3Yxj8k3yPqvXcGc=",
            PLAIN,
            ValueKind::DjangoPasswordHash,
        ),
        // Demo: 870 000 iterations, 22 alphanumeric salt.
        (
            "pbkdf2_sha256$870000$Ab3dEf6hIj9kLm2nOp5qRs$47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            PLAIN,
            ValueKind::DjangoPasswordHash,
        ),
        (
            "whsec_4f1c2e9a7b3d5c8e0a6f2b9d1e7c3a5f",
            SECRET,
            ValueKind::HighEntropySecret,
        ),
        (
            "4f1c2e9a7b3d5c8e0a6f2b9d1e7c3a5f",
            SECRET,
            ValueKind::HighEntropySecret,
        ),
        (
            "k3j9x0q2m7a1z8c4v6b5n2l0p9o8i7u6",
            SECRET,
            ValueKind::HighEntropySecret,
        ),
        ("+44 20 7946 0101", PLAIN, ValueKind::Phone),
        ("+44 20 7946 0999", PLAIN, ValueKind::Phone),
        ("203.0.113.11", PLAIN, ValueKind::PublicIp),
        ("198.51.100.21", PLAIN, ValueKind::PublicIp),
        ("alice@partner-a.example", PLAIN, ValueKind::Email),
        ("alice@example.com", PLAIN, ValueKind::Email),
    ];
    for (value, hint, want) in cases {
        assert_eq!(kind(value, hint), Some(want), "{value}");
    }
}

#[test]
fn neighbours_stay_clean() {
    let cases = [
        // A DSN without a password.
        "postgres://app@db.internal:5432/app",
        // Content checksum (sha256 hex), card fingerprint (24 hex), public ids (UUID).
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "9f86d081884c7d659a2feaa0",
        "5d2e9f40-3b8a-4d1c-8e6f-7a9b0c1d2e02",
        "12+ characters, no reuse of the last 5",
        "16+ characters, SSO enforced",
        "49.00",
        "399.00",
        "INV-PARTNER-A-0001",
        "Credit check for Partner A: manual review",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "https://hooks.partner-a.example.com/portal",
        "12 Petrova Street, London",
        "1988-04-12",
        "2025-01-31T09:00:00Z",
        "overshare-reference-target-not-a-secret",
        "Standard API access",
    ];
    for value in cases {
        assert_eq!(kind(value, PLAIN), None, "{value}");
    }
    // Under a secret-like name the same hex string *is* reported: the name decides.
    assert_eq!(
        kind(
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            SECRET
        ),
        Some(ValueKind::HighEntropySecret)
    );
}
