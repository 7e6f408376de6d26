//! High-entropy strings under a secret-like name (`api_key`, `token`, `client_secret`, ...).
//!
//! Tokens without a known prefix (DRF's 40-hex `Token.key`, session keys, webhook secrets,
//! random passwords) can only be recognised by looking random. That test alone flags hashes of
//! content and ids everywhere, so it runs only when the field name already suggests a secret
//! (the caller's [`NameHint::secret_like`](crate::NameHint)), and the value must:
//!
//! - be 20 to 512 bytes of printable ASCII without whitespace,
//! - mix classes: a digit and a letter, or upper, lower and a symbol,
//! - have Shannon entropy of at least 3.0 bits per character if it is hex (at most 4 possible)
//!   or 3.5 otherwise (random base62 of 20 characters reaches about 4),
//! - not be a UUID, a URL, an email, a date or timestamp, or a dotted name.
//!
//! A bare 32-hex value is what Django's `identify_hasher` calls `unsalted_md5`; since a
//! secret-like name cannot tell a password column from a token, it is reported here (detail
//! `md5-sized`) rather than as a Django hash.

use crate::profile::{self, Profile};
use crate::util::{is_hex, is_uuid, shannon_entropy};
use crate::{Certainty, Detection, ValueKind};

pub(crate) fn detect(v: &str, p: &Profile) -> Option<Detection> {
    let b = v.as_bytes();
    if b.len() < 20 || b.len() > 512 {
        return None;
    }
    let p = if p.has(profile::TRUNCATED) {
        Profile::of(v)
    } else {
        *p
    };
    if p.has(profile::SPACE | profile::CONTROL | profile::NON_ASCII) {
        return None;
    }
    let digit = p.has(profile::DIGIT);
    let upper = p.has(profile::UPPER);
    let lower = p.has(profile::LOWER);
    let symbol = p.has(
        profile::DASH
            | profile::UNDERSCORE
            | profile::PLUS
            | profile::SLASH
            | profile::EQUALS
            | profile::OTHER_PUNCT
            | profile::DOLLAR
            | profile::DOT
            | profile::PERCENT,
    );
    let letter = upper || lower;
    if !((digit && letter) || (upper && lower && symbol)) {
        return None;
    }
    if is_uuid(v) || v.contains("://") || looks_like_timestamp(b) || dotted_name(v) {
        return None;
    }
    let hex = is_hex(v);
    let entropy = shannon_entropy(b);
    if entropy < if hex { 3.0 } else { 3.5 } {
        return None;
    }
    let charset = if hex {
        "hex"
    } else if !symbol {
        "alphanumeric"
    } else if b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || b"+/=".contains(&c))
    {
        "base64"
    } else if b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || b"-_=".contains(&c))
    {
        "base64url"
    } else {
        "mixed"
    };
    let mut detail = format!(
        "entropy={entropy:.2}, length={}, charset={charset}",
        b.len()
    );
    if hex && b.len() == 32 {
        detail.push_str(", md5-sized");
    }
    Some(Detection::new(
        ValueKind::HighEntropySecret,
        Certainty::Medium,
        Some(detail),
        "",
    ))
}

/// `2024-01-15`, `2024-01-15T10:30:00Z` and similar: starts with a four-digit year and a
/// dash.
fn looks_like_timestamp(b: &[u8]) -> bool {
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// `com.example.app.settings`, `module.Class.attr`: several dots between word parts.
fn dotted_name(v: &str) -> bool {
    v.matches('.').count() >= 2
        && v.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
        && !v.starts_with("eyJ")
}
