//! Django `SECRET_KEY`-shaped values.
//!
//! `django.core.management.utils.get_random_secret_key()` draws 50 characters from
//! `abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)`, and `startproject` prefixes the
//! result with `django-insecure-`. Fifty characters from that alphabet could also be other
//! things, so the shape only counts under a settings-like or secret-like field name (the
//! caller's [`NameHint`](crate::NameHint)); and the bare 50-character form must contain a
//! digit, a letter and one of the symbols, which a generated key lacks with probability below
//! 10^-4 but a slug or a sentence fragment usually does not.

use crate::{Certainty, Detection, NameHint, ValueKind};

const INSECURE_PREFIX: &str = "django-insecure-";
const SYMBOLS: &[u8] = b"!@#$%^&*(-_=+)";

fn in_alphabet(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || SYMBOLS.contains(&b)
}

pub(crate) fn detect(s: &str, hint: NameHint) -> Option<Detection> {
    if !(hint.settings_like || hint.secret_like) {
        return None;
    }
    if let Some(rest) = s.strip_prefix(INSECURE_PREFIX) {
        // Keys made before Django 3.1's prefix was added and then prefixed by hand vary in
        // length; the generated ones are 50.
        if rest.len() >= 32 && rest.len() <= 100 && rest.bytes().all(in_alphabet) {
            return Some(Detection::new(
                ValueKind::DjangoSecretKey,
                Certainty::High,
                Some("shape=django-insecure".to_string()),
                INSECURE_PREFIX,
            ));
        }
        return None;
    }
    let b = s.as_bytes();
    if b.len() != 50 || !b.iter().all(|&c| in_alphabet(c)) {
        return None;
    }
    let digit = b.iter().any(u8::is_ascii_digit);
    let letter = b.iter().any(u8::is_ascii_lowercase);
    let symbol = b.iter().any(|c| SYMBOLS.contains(c));
    if !(digit && letter && symbol) {
        return None;
    }
    Some(Detection::new(
        ValueKind::DjangoSecretKey,
        Certainty::Medium,
        Some("shape=get_random_secret_key".to_string()),
        "",
    ))
}
