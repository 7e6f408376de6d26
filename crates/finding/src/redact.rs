//! Redaction: evidence shows the shape of a value and a short prefix, never the value.
//!
//! A report is read by more people than the API's data was meant for (CI logs, PR comments,
//! ticket attachments), so overshare must not become the leak it reports. Every renderer goes
//! through these functions; none prints a raw response value.

use serde_json::Value;

/// Opens the marker that ends every redacted string: `…[redacted`.
pub const MARKER: &str = "…[redacted";

/// Redact one JSON value for evidence, when nothing is known about what it is.
///
/// - `null` and booleans are kept: `is_staff: true` is the point of the finding, not a secret.
/// - numbers become `<integer>` / `<number>` (a salary or a national id is personal data).
/// - strings keep a short prefix and say their length (see [`redact_str`]).
/// - objects and arrays become `{…N keys}` / `[…N items]`: their contents have their own pointers.
pub fn redact_value(value: &Value) -> String {
    redact_with(value, None, None)
}

/// Redact a value whose class a classifier decided (`credential`, `personal`, ...), with the
/// detector's non-identifying prefix when it has one (`pbkdf2_sha256$`, `4111 `, `eyJ`).
///
/// For personal, financial and credential data without such a prefix nothing of the value is
/// kept: even four letters of a name or an email can identify someone.
pub fn redact_classified(value: &Value, class: &str, safe_prefix: Option<&str>) -> String {
    redact_with(value, Some(class), safe_prefix)
}

fn redact_with(value: &Value, class: Option<&str>, safe_prefix: Option<&str>) -> String {
    let label = class.map(|c| format!(" {c}")).unwrap_or_default();
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("<integer{}>", tag(class)),
        Value::Number(_) => format!("<number{}>", tag(class)),
        Value::String(s) if s.is_empty() => "\"\"".to_string(),
        Value::String(s) => {
            let prefix = match (safe_prefix, class) {
                (Some(prefix), _) => prefix.to_string(),
                (None, Some("personal" | "financial" | "credential")) => {
                    scheme_prefix(s).unwrap_or("").to_string()
                }
                (None, _) => short_prefix(s).to_string(),
            };
            format!("{prefix}{MARKER}{label}, {} chars]", s.chars().count())
        }
        Value::Array(items) => format!("[…{} items]", items.len()),
        Value::Object(map) => format!("{{…{} keys}}", map.len()),
    }
}

fn tag(class: Option<&str>) -> String {
    class.map(|c| format!(", redacted {c}")).unwrap_or_default()
}

/// Redact a string: keep a scheme prefix such as `pbkdf2_sha256$` or `Bearer ` when there is
/// one, else at most a quarter of the string and never more than four characters; say its
/// length.
pub fn redact_str(s: &str) -> String {
    redact_value(&Value::String(s.to_string()))
}

fn short_prefix(s: &str) -> &str {
    scheme_prefix(s).unwrap_or_else(|| {
        let keep = (s.chars().count() / 4).min(4);
        let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
        &s[..end]
    })
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
        assert_eq!(redact_str(hash), "pbkdf2_sha256$…[redacted, 56 chars]");
    }

    #[test]
    fn crypt_hash_keeps_only_the_scheme() {
        assert_eq!(
            redact_str("$2b$12$abcdefghijklmnopqrstuv"),
            "$2b$…[redacted, 29 chars]"
        );
    }

    #[test]
    fn plain_string_keeps_at_most_a_quarter() {
        assert_eq!(redact_str("203.0.113.7"), "20…[redacted, 11 chars]");
        assert_eq!(redact_str("abc"), "…[redacted, 3 chars]");
        assert_eq!(
            redact_str("Mozilla/5.0 (X11; Linux x86_64)"),
            "Mozi…[redacted, 31 chars]"
        );
    }

    #[test]
    fn multibyte_value_shorter_than_a_scheme_does_not_panic() {
        // Slicing the first 7 bytes to compare with `Bearer ` split a character and panicked.
        assert_eq!(redact_str("ééééééééé"), "éé…[redacted, 9 chars]");
        assert_eq!(
            redact_str("日本語のテキストです"),
            "日本…[redacted, 10 chars]"
        );
    }

    #[test]
    fn classified_values_keep_only_the_safe_prefix() {
        let card = json!("4111 1111 1111 1111");
        assert_eq!(
            redact_classified(&card, "financial", Some("4111 ")),
            "4111 …[redacted financial, 19 chars]"
        );
        let email = json!("alice@partner-a.example");
        assert_eq!(
            redact_classified(&email, "personal", None),
            "…[redacted personal, 23 chars]"
        );
        assert_eq!(
            redact_classified(&json!(72000), "personal", None),
            "<integer, redacted personal>"
        );
        assert_eq!(redact_classified(&json!(true), "privilege", None), "true");
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
            "Bearer …[redacted, 18 chars]"
        );
        assert_eq!(
            redact_header("Accept", "application/json"),
            "application/json"
        );
        assert!(is_secret_header("X-Auth-Token"));
    }
}
