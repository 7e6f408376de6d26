//! Redaction: evidence shows the shape of a value and a short prefix, never the value.
//!
//! A report is read by more people than the API's data was meant for (CI logs, PR comments,
//! ticket attachments), so overshare must not become the leak it reports. Every renderer goes
//! through these functions; none prints a raw response value.

use serde_json::Value;

/// The marker that ends every redacted string.
pub const MARKER: &str = "…[redacted]";

/// Redact one JSON value for evidence.
///
/// - `null` and booleans are kept: `is_staff: true` is the point of the finding, not a secret.
/// - numbers become `<integer>` / `<number>` (a salary or a national id is personal data).
/// - strings keep a short prefix (see [`redact_str`]).
/// - objects and arrays become `{…N keys}` / `[…N items]`: their contents have their own pointers.
pub fn redact_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_i64() || n.is_u64() => "<integer>".to_string(),
        Value::Number(_) => "<number>".to_string(),
        Value::String(s) => redact_str(s),
        Value::Array(items) => format!("[…{} items]", items.len()),
        Value::Object(map) => format!("{{…{} keys}}", map.len()),
    }
}

/// Redact a string: keep a scheme prefix such as `pbkdf2_sha256$` or `Bearer ` when there is
/// one, else at most a quarter of the string and never more than four characters.
pub fn redact_str(s: &str) -> String {
    if s.is_empty() {
        return "\"\"".to_string();
    }
    let prefix = scheme_prefix(s).unwrap_or_else(|| {
        let keep = (s.chars().count() / 4).min(4);
        let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
        &s[..end]
    });
    format!("{prefix}{MARKER}")
}

/// A leading algorithm or scheme tag, kept because it classifies the value without revealing
/// it: `pbkdf2_sha256$`, `argon2$`, `$2b$`, `Bearer `, `Basic `.
fn scheme_prefix(s: &str) -> Option<&str> {
    let head: String = s.chars().take(32).collect();
    if let Some(rest) = head.strip_prefix('$') {
        // crypt-style: `$2b$`, `$6$`, `$argon2id$`
        let end = rest.find('$')?;
        return Some(&s[..end + 2]);
    }
    if let Some(end) = head.find('$') {
        let tag = &head[..end];
        if !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Some(&s[..end + 1]);
        }
    }
    for scheme in ["Bearer ", "Basic ", "Token ", "Digest "] {
        if head
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        {
            return Some(&s[..scheme.len()]);
        }
    }
    None
}

/// Headers whose values are credentials: redacted wherever a request is shown.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key" | "api-key"
    ) || name.contains("token")
        || name.contains("secret")
        || name.contains("password")
        || name.ends_with("-key")
}

/// A header value as it may appear in a report.
pub fn redact_header(name: &str, value: &str) -> String {
    if is_secret_header(name) {
        redact_str(value)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn django_hash_keeps_only_the_algorithm() {
        let hash = "pbkdf2_sha256$720000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA=";
        assert_eq!(redact_str(hash), "pbkdf2_sha256$…[redacted]");
    }

    #[test]
    fn crypt_hash_keeps_only_the_scheme() {
        assert_eq!(
            redact_str("$2b$12$abcdefghijklmnopqrstuv"),
            "$2b$…[redacted]"
        );
    }

    #[test]
    fn plain_string_keeps_at_most_a_quarter() {
        assert_eq!(redact_str("203.0.113.7"), "20…[redacted]");
        assert_eq!(redact_str("abc"), "…[redacted]");
        assert_eq!(
            redact_str("Mozilla/5.0 (X11; Linux x86_64)"),
            "Mozi…[redacted]"
        );
    }

    #[test]
    fn multibyte_value_shorter_than_a_scheme_does_not_panic() {
        // Slicing the first 7 bytes to compare with `Bearer ` split a character and panicked.
        assert_eq!(redact_str("ééééééééé"), "éé…[redacted]");
        assert_eq!(redact_str("日本語のテキストです"), "日本…[redacted]");
    }

    #[test]
    fn structure_is_summarised_not_copied() {
        assert_eq!(redact_value(&json!({"a": 1, "b": 2})), "{…2 keys}");
        assert_eq!(redact_value(&json!([1, 2, 3])), "[…3 items]");
        assert_eq!(redact_value(&json!(85000)), "<integer>");
        assert_eq!(redact_value(&json!(true)), "true");
    }

    #[test]
    fn credentials_in_headers_are_redacted() {
        assert_eq!(
            redact_header("Authorization", "Bearer abc.def.ghi"),
            "Bearer …[redacted]"
        );
        assert_eq!(
            redact_header("Accept", "application/json"),
            "application/json"
        );
        assert!(is_secret_header("X-Auth-Token"));
    }
}
