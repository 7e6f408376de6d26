//! What a JSON value looks like, as far as the rules care: its type, and whether it is empty or
//! a redaction placeholder.
//!
//! A `password: null`, `password: ""` or `api_key: "********"` exposes nothing: many APIs echo
//! a write-only field that way on purpose. Reporting it would teach users to ignore the tool.
//! Privilege state is the exception: `is_staff: false` and `groups: []` are the state itself.

use crate::rules::JsonType;
use serde_json::Value;

/// Strings that stand for a hidden value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "redacted",
    "hidden",
    "filtered",
    "masked",
    "removed",
    "omitted",
    "censored",
    "sensitive",
    "none",
    "null",
    "nil",
    "undefined",
    "n/a",
    "not set",
    "unset",
];

/// Bracketed markers that mean the value was redacted, wherever they appear
/// (`pbkdf2_sha256$…[redacted]` is overshare's own marker).
const MARKERS: &[&str] = &[
    "[redacted]",
    "<redacted>",
    "[filtered]",
    "<hidden>",
    "[hidden]",
];

/// The value says nothing: null, empty, a placeholder, or a container of such.
pub fn is_void(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(_) | Value::Number(_) => false,
        Value::String(s) => is_placeholder(s),
        Value::Array(items) => items.iter().all(is_void),
        Value::Object(map) => map.is_empty(),
    }
}

/// An empty string, or a string that stands for a hidden value (`***`, `<redacted>`,
/// `•••• 4242`, `sk_live_****abcd`, `XXXX-XXXX-XXXX-1234`).
///
/// Runs on every string of every response, so it is one pass without allocation; the word
/// and marker comparisons only run on the rare strings that could be them.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.is_ascii() {
        ascii_placeholder(t)
    } else {
        unicode_placeholder(t)
    }
}

/// The common case, on bytes: each test is a tight loop, and the rarer ones only run when a
/// cheap one says they could match.
fn ascii_placeholder(t: &str) -> bool {
    let b = t.as_bytes();
    if b.iter().all(|&c| is_mask_char(char::from(c))) || b.windows(3).any(|w| w == b"***") {
        return true;
    }
    let is_x = |c: &u8| matches!(c, b'x' | b'X');
    if b.windows(4).any(|w| w.iter().all(is_x)) {
        let readable = b
            .iter()
            .filter(|c| c.is_ascii_alphanumeric() && !is_x(c))
            .count();
        if readable <= 4 {
            return true;
        }
    }
    (b.len() <= 24 && !b.iter().any(u8::is_ascii_digit) && is_placeholder_word(t))
        || (b.iter().any(|&c| c == b'[' || c == b'<') && has_marker(t))
}

/// Strings with non-ASCII characters (`•••• 4242`, `●●●●`): one pass over the chars.
fn unicode_placeholder(t: &str) -> bool {
    let scan = Scan::of(t);
    if scan.all_mask {
        return true;
    }
    if scan.symbol_run >= 3 || (scan.x_run >= 4 && scan.readable <= 4) {
        return true;
    }
    if t.len() <= 24 && !scan.digit && is_placeholder_word(t) {
        return true;
    }
    scan.bracket && has_marker(t)
}

/// What one pass over a string learns.
#[derive(Default)]
struct Scan {
    /// Only mask characters (true for the empty string).
    all_mask: bool,
    /// Longest run of `*`, `•`, `●`, `∙`.
    symbol_run: usize,
    /// Longest run of `x`/`X`.
    x_run: usize,
    /// Letters and digits other than `x`/`X`.
    readable: usize,
    digit: bool,
    /// Contains `[` or `<` (a marker may follow).
    bracket: bool,
}

impl Scan {
    fn of(t: &str) -> Scan {
        let mut scan = Scan {
            all_mask: true,
            ..Scan::default()
        };
        let (mut symbols, mut xs) = (0, 0);
        let step = |c: char| {
            scan.all_mask &= is_mask_char(c);
            symbols = if matches!(c, '*' | '•' | '●' | '∙') {
                symbols + 1
            } else {
                0
            };
            xs = if matches!(c, 'x' | 'X') { xs + 1 } else { 0 };
            scan.symbol_run = scan.symbol_run.max(symbols);
            scan.x_run = scan.x_run.max(xs);
            scan.readable += usize::from(c.is_alphanumeric() && !matches!(c, 'x' | 'X'));
            scan.digit |= c.is_ascii_digit();
            scan.bracket |= matches!(c, '[' | '<');
        };
        t.chars().for_each(step);
        scan
    }
}

fn is_mask_char(c: char) -> bool {
    matches!(
        c,
        '*' | '•' | '●' | '∙' | '·' | '…' | 'x' | 'X' | '#' | '-' | '.' | ' '
    )
}

/// `redacted`, `<hidden>`, `[FILTERED]`, `N/A`, ... (case-insensitive, brackets ignored).
fn is_placeholder_word(t: &str) -> bool {
    let word = t.trim_matches(|c: char| {
        matches!(
            c,
            '<' | '>' | '[' | ']' | '(' | ')' | '{' | '}' | '*' | '_' | '"' | '\'' | ' '
        )
    });
    PLACEHOLDER_WORDS
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// A bracketed marker anywhere (`pbkdf2_sha256$…[redacted]`), case-insensitive.
fn has_marker(t: &str) -> bool {
    let bytes = t.as_bytes();
    MARKERS.iter().any(|m| {
        bytes
            .windows(m.len())
            .any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
    })
}

/// Does a rule restricted to `types` apply to `value`?
pub fn admits(types: &[JsonType], value: &Value) -> bool {
    match value {
        Value::Array(items) => {
            types.contains(&JsonType::Array)
                || (!items.is_empty() && items.iter().all(|item| admits_scalar(types, item)))
        }
        other => admits_scalar(types, other),
    }
}

fn admits_scalar(types: &[JsonType], value: &Value) -> bool {
    let has = |t| types.contains(&t);
    match value {
        Value::Null => has(JsonType::Null),
        Value::Bool(_) => has(JsonType::Boolean),
        Value::Number(n) => has(JsonType::Number) || (has(JsonType::Integer) && is_integer(n)),
        Value::String(s) => has(JsonType::String) || (has(JsonType::Integer) && is_digits(s)),
        Value::Array(_) => false,
        Value::Object(_) => has(JsonType::Object),
    }
}

fn is_integer(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64()
}

/// A stringified integer id: 1 to 19 decimal digits.
fn is_digits(s: &str) -> bool {
    (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders() {
        for s in [
            "",
            "  ",
            "***",
            "********",
            "<redacted>",
            "[REDACTED]",
            "[FILTERED]",
            "hidden",
            "•••• 4242",
            "**** **** **** 4242",
            "sk_live_****abcd",
            "XXXX-XXXX-XXXX-1234",
            "pbkdf2_sha256$…[redacted]",
            "N/A",
            "null",
            "-",
            "...",
            "j***@example.com",
        ] {
            assert!(is_placeholder(s), "{s:?} should be a placeholder");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for s in [
            "hunter2",
            "secret",
            "pbkdf2_sha256$870000$abc$def=",
            "4111111111111111",
            "alice@example.com",
            "Exxon Mobil",
            "xoxb-1234-5678-abcdef",
            "redacted by legal on 2024-01-01, see ticket",
        ] {
            assert!(!is_placeholder(s), "{s:?} is a real value");
        }
    }

    #[test]
    fn void_values() {
        assert!(is_void(&json!(null)));
        assert!(is_void(&json!([])));
        assert!(is_void(&json!({})));
        assert!(is_void(&json!(["***", ""])));
        assert!(!is_void(&json!(false)));
        assert!(!is_void(&json!(0)));
        assert!(!is_void(&json!({"a": null})));
    }

    #[test]
    fn types() {
        use JsonType::*;
        assert!(admits(&[Integer], &json!(5)));
        assert!(admits(&[Integer], &json!("42")));
        assert!(!admits(&[Integer], &json!(5.5)));
        assert!(!admits(&[Integer], &json!("a1")));
        assert!(admits(&[Integer], &json!([1, 2])));
        assert!(!admits(&[Integer], &json!([])));
        assert!(!admits(&[Integer], &json!([{"id": 1}])));
        assert!(admits(&[Array], &json!([{"id": 1}])));
        assert!(!admits(&[String], &json!(true)));
        assert!(admits(&[Boolean, Null], &json!(null)));
    }
}
