//! Credentials in URLs (`scheme://user:password@host`) and connection strings (database URLs,
//! ADO.NET `Server=…;Password=…`, libpq `host=… password=…`).
//!
//! The rule that keeps this precise: **a URL or connection string without a password is never
//! flagged** (`postgres://app@db.internal:5432/app` names a user, nothing secret). A password
//! that is a mask or a template (`****`, `${DB_PASSWORD}`, `<password>`) is not one either:
//! Django's debug page and most config dumps already replace secrets that way.
//!
//! Database and broker schemes are reported as [`ValueKind::ConnectionString`], everything
//! else (`https`, `ftp`, `git+ssh`, ...) as [`ValueKind::UrlCredentials`].

use crate::util::is_placeholder;
use crate::{Certainty, Detection, ValueKind};

/// Schemes whose URLs are connection strings (lowercase; `+driver` suffixes are stripped).
const DB_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "pgsql",
    "mysql",
    "mysqlx",
    "mariadb",
    "mssql",
    "sqlserver",
    "oracle",
    "db2",
    "mongodb",
    "redis",
    "rediss",
    "valkey",
    "memcached",
    "amqp",
    "amqps",
    "kafka",
    "nats",
    "clickhouse",
    "cockroachdb",
    "cassandra",
    "couchdb",
    "neo4j",
    "bolt",
    "snowflake",
    "sqlite",
    "ldap",
    "ldaps",
    "jdbc",
    "odbc",
];

/// Query parameters that carry a password.
const PASSWORD_PARAMS: &[&str] = &["password", "passwd", "pwd", "pass"];

/// A scheme character (RFC 3986 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`).
pub(crate) fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
}

/// A byte that ends a URL embedded in text.
pub(crate) fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\')
}

/// `s` is exactly one URL: `scheme://authority[/path][?query][#fragment]` (cut out of the
/// value by the embedded scan, so it holds no whitespace).
pub(crate) fn detect_url(s: &str) -> Option<Detection> {
    let b = s.as_bytes();
    let sep = b.iter().position(|&c| !is_scheme_byte(c))?;
    if sep == 0 || sep > 32 || !b[0].is_ascii_alphabetic() || !b[sep..].starts_with(b"://") {
        return None;
    }
    let rest_start = sep + 3;
    // One pass over the authority: where it ends and its last `@`.
    let mut authority_end = b.len();
    let mut at = None;
    for (i, &c) in b.iter().enumerate().skip(rest_start) {
        match c {
            b'/' | b'?' | b'#' => {
                authority_end = i;
                break;
            }
            b'@' => at = Some(i),
            c if c.is_ascii_whitespace() => return None,
            _ => {}
        }
    }

    let mut found_in = None;
    if let Some(at) = at {
        let (userinfo, host) = (&s[rest_start..at], &s[at + 1..authority_end]);
        if let Some((_, password)) = userinfo.split_once(':')
            && !host.is_empty()
            && !is_placeholder(&percent_decode_lossy(password))
        {
            found_in = Some("userinfo");
        }
    }
    if found_in.is_none()
        && let Some(q) = s[authority_end..].find('?')
    {
        let query = &s[authority_end + q + 1..];
        let query = &query[..query.find('#').unwrap_or(query.len())];
        if query_has_password(query) {
            found_in = Some("query");
        }
    }
    let found_in = found_in?;

    let scheme = &s[..sep];
    let lower = scheme.to_ascii_lowercase();
    let base = lower.split('+').next().unwrap_or("");
    let kind = if DB_SCHEMES.contains(&base) {
        ValueKind::ConnectionString
    } else {
        ValueKind::UrlCredentials
    };
    let mut detail = format!("scheme={lower}");
    if found_in == "query" {
        detail.push_str(", password-in=query");
    }
    Some(Detection::new(
        kind,
        Certainty::High,
        Some(detail),
        &s[..rest_start],
    ))
}

fn query_has_password(query: &str) -> bool {
    query.split(['&', ';']).any(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        PASSWORD_PARAMS.iter().any(|p| k.eq_ignore_ascii_case(p))
            && !is_placeholder(&percent_decode_lossy(v))
    })
}

/// `%XX` decoding for placeholder checks (`%2A%2A%2A` is `***`); invalid escapes stay as is.
fn percent_decode_lossy(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    String::from_utf8_lossy(&crate::decode::percent_decode(s.as_bytes())).into_owned()
}

/// Keys of key=value connection strings, normalised (lowercase, spaces and underscores
/// removed), that show the string is a connection string.
const KV_KEYS: &[&str] = &[
    "server",
    "datasource",
    "host",
    "hostaddr",
    "address",
    "addr",
    "networkaddress",
    "database",
    "initialcatalog",
    "dbname",
    "userid",
    "uid",
    "user",
    "username",
    "port",
    "driver",
    "provider",
    "dsn",
    "sslmode",
    "service",
    "servicename",
    "integratedsecurity",
    "trustservercertificate",
    "encrypt",
    "protocol",
];

/// Markers that make the embedded scan try [`detect_kv`].
pub(crate) const KV_MARKERS: &[&str] = &[
    "Password=",
    "password=",
    "PASSWORD=",
    "Pwd=",
    "pwd=",
    "PWD=",
];

/// ADO.NET / ODBC (`Server=x;Database=y;User Id=u;Password=p;`) or libpq
/// (`host=x dbname=y user=u password=p`) connection strings. Every segment must be `key=value`
/// with a plain key, so prose that merely mentions `password=` is not one.
pub(crate) fn detect_kv(s: &str) -> Option<Detection> {
    if s.len() > 4096 {
        return None;
    }
    let (format, pairs) = if s.contains(';') {
        ("ado", split_pairs(s, b';')?)
    } else {
        ("libpq", split_pairs(s, b' ')?)
    };
    let mut password = false;
    let mut other = false;
    for (key, value) in &pairs {
        let norm: String = key
            .chars()
            .filter(|c| *c != ' ' && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if norm == "password" || norm == "pwd" {
            if !is_placeholder(value) {
                password = true;
            }
        } else if KV_KEYS.contains(&norm.as_str()) {
            other = true;
        }
    }
    if !(password && other) {
        return None;
    }
    let first_key = pairs.first()?.0;
    let prefix = if first_key.len() <= 16 {
        format!("{first_key}=")
    } else {
        String::new()
    };
    Some(Detection::new(
        ValueKind::ConnectionString,
        Certainty::High,
        Some(format!("format={format}")),
        prefix,
    ))
}

/// Split `k=v<sep>k=v...`; values may be quoted with `"`, `'` or `{...}`. `None` if a segment
/// is not a `key=value` pair with a key of letters, spaces and underscores.
fn split_pairs(s: &str, sep: u8) -> Option<Vec<(&str, &str)>> {
    let b = s.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == sep || b[i] == b' ') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let key_start = i;
        while i < b.len() && b[i] != b'=' && b[i] != sep {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            return None;
        }
        let key = s[key_start..i].trim();
        if key.is_empty()
            || key.len() > 40
            || !key
                .bytes()
                .all(|c| c.is_ascii_alphabetic() || c == b' ' || c == b'_')
        {
            return None;
        }
        i += 1;
        let value_start = i;
        let close = match b.get(i) {
            Some(b'"') => Some(b'"'),
            Some(b'\'') => Some(b'\''),
            Some(b'{') => Some(b'}'),
            _ => None,
        };
        let value = if let Some(close) = close {
            let end = s[i + 1..].find(close as char)? + i + 1;
            i = end + 1;
            &s[value_start + 1..end]
        } else {
            while i < b.len() && b[i] != sep {
                i += 1;
            }
            s[value_start..i].trim()
        };
        pairs.push((key, value));
    }
    (pairs.len() >= 2).then_some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_without_password_is_clean() {
        assert!(detect_url("postgres://app@db.internal:5432/app").is_none());
        assert!(detect_url("https://example.com/a?b=c").is_none());
        assert!(detect_url("postgres://app:****@db/app").is_none());
    }

    #[test]
    fn url_with_password() {
        let d = detect_url("postgres://app:s3cr3t@db.internal:5432/app").unwrap();
        assert_eq!(d.kind, ValueKind::ConnectionString);
        assert_eq!(d.safe_prefix, "postgres://");
        let d = detect_url("https://deploy:hunter22@git.example.com/repo.git").unwrap();
        assert_eq!(d.kind, ValueKind::UrlCredentials);
    }

    #[test]
    fn kv_strings() {
        let d = detect_kv("Server=db;Database=app;User Id=sa;Password=Pa55word!;").unwrap();
        assert_eq!(d.detail.as_deref(), Some("format=ado"));
        assert!(detect_kv("host=db dbname=app user=app password=s3cr3t").is_some());
        assert!(detect_kv("Please set password=something in your config").is_none());
        assert!(detect_kv("Server=db;Database=app;User Id=sa;").is_none());
    }
}
