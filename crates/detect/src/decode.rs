//! One level of decoding before matching: JSON text, URL-encoded JSON and base64.
//!
//! APIs wrap data: a `JSONField` serialised as a string, a cookie or state parameter that is
//! base64 of JSON, a `next=%7B%22token%22...` blob. A secret inside is still a secret. Each
//! value is decoded at most once (decoded text is not decoded again), only up to
//! [`MAX_INPUT`] bytes, and JSON contributes at most [`MAX_LEAVES`] string leaves, so a hostile
//! or huge value costs a bounded amount of work.
//!
//! Base64 is only tried on values that are entirely base64 (standard or URL-safe, not mixed),
//! at least 16 characters, not hex, not a UUID, and it only counts when the bytes decode to
//! printable UTF-8 text: random ids of the right alphabet almost never do.

use std::borrow::Cow;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use crate::profile::{self, Profile};
use crate::{Detection, MAX_SHAPED_LEN, NameHint, detect_plain};

/// Largest value that is decoded at all.
pub(crate) const MAX_INPUT: usize = 64 * 1024;
/// Most JSON string leaves examined in one decoded value.
pub(crate) const MAX_LEAVES: usize = 256;
/// Shortest base64 value that is decoded.
const MIN_BASE64: usize = 16;

const CONFIG: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const B64_STD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
const B64_URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);

pub(crate) fn detect_decoded(v: &str, p: &Profile, hint: NameHint) -> Option<Detection> {
    if v.len() > MAX_INPUT {
        return None;
    }
    let (text, how): (Cow<'_, str>, &str) = match v.as_bytes()[0] {
        b'{' | b'[' => {
            // JSON text: the whole string was already scanned, so only its leaves add anything.
            let mut d = json_leaves(v, hint)?;
            mark(&mut d, "json");
            return Some(d);
        }
        b'%' if is_url_encoded_json(v) => {
            let spaced = v.replace('+', " ");
            let bytes = percent_decode(spaced.as_bytes());
            (Cow::Owned(String::from_utf8(bytes).ok()?), "url-json")
        }
        _ => (Cow::Owned(base64_text(v, p)?), "base64"),
    };
    let text = text.trim();
    let found = if text.starts_with('{') || text.starts_with('[') {
        json_leaves(text, hint)
    } else {
        None
    };
    let mut d = found.or_else(|| {
        let inner = Profile::of_prefix(text, MAX_SHAPED_LEN);
        detect_plain(text, &inner, hint)
    })?;
    mark(&mut d, how);
    Some(d)
}

fn mark(d: &mut Detection, how: &str) {
    d.decoded = true;
    d.add_detail(&format!("decoded={how}"));
}

fn is_url_encoded_json(v: &str) -> bool {
    let head = v.get(..3).unwrap_or("");
    head.eq_ignore_ascii_case("%7B") || head.eq_ignore_ascii_case("%5B")
}

/// Parse JSON and run the plain detectors over its string leaves (depth-first, bounded).
fn json_leaves(text: &str, hint: NameHint) -> Option<Detection> {
    let value: Value = serde_json::from_str(text).ok()?;
    let mut stack = vec![&value];
    let mut leaves = 0;
    while let Some(node) = stack.pop() {
        match node {
            Value::String(s) => {
                leaves += 1;
                if leaves > MAX_LEAVES {
                    return None;
                }
                let s = s.trim_ascii();
                if s.len() >= crate::MIN_LEN {
                    let p = Profile::of_prefix(s, MAX_SHAPED_LEN);
                    if let Some(d) = detect_plain(s, &p, hint) {
                        return Some(d);
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => stack.extend(map.values().rev()),
            _ => {}
        }
    }
    None
}

/// The decoded text of a value that is plausibly base64 of text, else `None`.
///
/// Decided from the profile before touching the bytes again: only base64 characters, a letter
/// that is not a hex digit (which excludes hex digests, UUIDs and numbers, whose alphabet base64
/// of text practically never stays within), standard or URL-safe but not both.
fn base64_text(v: &str, p: &Profile) -> Option<String> {
    if v.len() < MIN_BASE64 {
        return None;
    }
    let p = if p.has(profile::TRUNCATED) {
        Profile::of(v)
    } else {
        *p
    };
    if !p.has(profile::NONHEX_ALPHA) {
        return None;
    }
    let letters_digits = profile::DIGIT | profile::LETTER;
    let std_only = letters_digits | profile::PLUS | profile::SLASH | profile::EQUALS;
    let url_only = letters_digits | profile::DASH | profile::UNDERSCORE | profile::EQUALS;
    let engine = if p.only(std_only) {
        &B64_STD
    } else if p.only(url_only) {
        &B64_URL
    } else {
        return None;
    };
    // Padding only at the end, at most two.
    let body = if p.has(profile::EQUALS) {
        let body = v.trim_end_matches('=');
        if v.len() - body.len() > 2 || body.contains('=') {
            return None;
        }
        body
    } else {
        v
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let bytes = engine.decode(body).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (printable && !text.trim().is_empty()).then_some(text)
}

/// `%XX` decoding; malformed escapes are kept literally.
pub(crate) fn percent_decode(b: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent() {
        assert_eq!(percent_decode(b"%7B%22a%22%3A1%7D"), b"{\"a\":1}");
        assert_eq!(percent_decode(b"100%"), b"100%");
        assert_eq!(percent_decode(b"%zz%4"), b"%zz%4");
    }
}
