//! Small byte-level helpers shared by the detectors.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

pub(crate) fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && all(s, |b| b.is_ascii_digit())
}

pub(crate) fn is_lower_hex(s: &str) -> bool {
    !s.is_empty() && all(s, |b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(crate) fn is_hex(s: &str) -> bool {
    !s.is_empty() && all(s, |b| b.is_ascii_hexdigit())
}

pub(crate) fn is_alnum(s: &str) -> bool {
    !s.is_empty() && all(s, |b| b.is_ascii_alphanumeric())
}

/// URL-safe base64 alphabet byte (no padding).
pub(crate) fn is_b64_url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Decode standard base64, padded or not; `None` on any invalid character or length.
pub(crate) fn b64_std_decode(s: &str) -> Option<Vec<u8>> {
    if s.ends_with('=') {
        STANDARD.decode(s).ok()
    } else {
        STANDARD_NO_PAD.decode(s).ok()
    }
}

/// Decode URL-safe base64, padded or not.
pub(crate) fn b64_url_decode(s: &str) -> Option<Vec<u8>> {
    if s.ends_with('=') {
        URL_SAFE.decode(s).ok()
    } else {
        URL_SAFE_NO_PAD.decode(s).ok()
    }
}

/// Length in bytes that standard base64 `s` decodes to, if it is well-formed (cheaper than
/// decoding when only the length matters).
pub(crate) fn b64_std_decoded_len(s: &str) -> Option<usize> {
    b64_std_decode(s).map(|v| v.len())
}

/// Parse a decimal `u64` made only of ASCII digits (no sign, no leading `+`), at most 19 digits.
pub(crate) fn parse_u64(s: &str) -> Option<u64> {
    if !is_digits(s) || s.len() > 19 {
        return None;
    }
    s.parse().ok()
}

/// A password / secret slot that holds a mask or a template rather than a value: `****`,
/// `xxxx`, `<password>`, `${DB_PASSWORD}`, `{password}`, `%(password)s`, `%s`, `[REDACTED]`.
/// Reporting those would be crying wolf: the API already hid the value.
pub(crate) fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    let first = b[0];
    let last = b[b.len() - 1];
    if (first == b'<' && last == b'>')
        || (first == b'{' && last == b'}')
        || (first == b'[' && last == b']')
        || s.starts_with("${")
        || s.starts_with("$(")
        || s.starts_with("%(")
        || s == "%s"
        || s.starts_with("{{")
    {
        return true;
    }
    // One repeated mask character: `****`, `xxxxxxxx`, `••••`, `....`.
    let c0 = s.chars().next().unwrap_or('*');
    if s.chars().all(|c| c == c0)
        && (matches!(c0, '*' | '•' | '#')
            || (matches!(c0, 'x' | 'X' | '.' | '?' | '-' | '_') && s.len() >= 3))
    {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "redacted" | "filtered" | "hidden" | "masked" | "removed" | "null" | "none" | "undefined"
    )
}

/// Is this byte part of a "word" for token-boundary purposes?
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Shannon entropy in bits per byte.
pub(crate) fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// UUID in the canonical 8-4-4-4-12 hex layout (any version).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "****",
            "xxxxxxxx",
            "<password>",
            "${DB_PASSWORD}",
            "{password}",
            "%(password)s",
            "%s",
            "[REDACTED]",
            "REDACTED",
            "••••",
            "",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["hunter2", "s3cr3t", "password", "x", "xy"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn uuid() {
        assert!(is_uuid("550e8400-e29b-41d4-a716-446655440000"));
        assert!(!is_uuid("550e8400e29b41d4a716446655440000"));
    }
}
