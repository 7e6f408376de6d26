//! The path prefix every operation path is appended to: `basePath` (2.0) or the path of
//! `servers[0].url` (3.x), with server variables replaced by their defaults.
//!
//! Only the path matters: the scanner is told the origin separately (`--url`), and specs often
//! name a production host that is not the one being scanned.

use crate::model::SpecVersion;
use crate::normalize::Normalizer;
use serde_json::Value;

impl Normalizer {
    /// The base path, without a trailing `/` (so `"/"` becomes `""`).
    pub fn base_path(&self) -> String {
        let root = &self.docs.root;
        let path = match self.version {
            SpecVersion::Swagger2 => root
                .get("/basePath")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => root.get("/servers/0").map(server_path).unwrap_or_default(),
        };
        path.trim_end_matches('/').to_owned()
    }
}

/// The path part of one server object's URL.
fn server_path(server: &Value) -> String {
    let url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = substitute(url, server.get("variables"));
    // `//host/path` is absolute too (scheme-relative); give it a scheme so it parses.
    let absolute = if url.starts_with("//") {
        Some(format!("http:{url}"))
    } else if url.contains("://") {
        Some(url.clone())
    } else {
        None
    };
    match absolute {
        Some(absolute) => url::Url::parse(&absolute)
            .map(|parsed| parsed.path().to_owned())
            .unwrap_or_else(|_| path_after_authority(&absolute)),
        None => url,
    }
}

/// Replace `{name}` with the variable's `default`; unknown variables stay as written.
fn substitute(url: &str, variables: Option<&Value>) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        out.push_str(&rest[..start]);
        match variables.and_then(|v| v.get(name)?.get("default")?.as_str()) {
            Some(default) => out.push_str(default),
            None => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The path of a URL the `url` crate refused (an unknown variable left in the host, say).
fn path_after_authority(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or(String::new(), |at| after_scheme[at..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absolute_relative_and_templated_urls() {
        assert_eq!(
            server_path(&json!({"url": "https://api.example.com/v1/"})),
            "/v1/"
        );
        assert_eq!(server_path(&json!({"url": "https://api.example.com"})), "/");
        assert_eq!(server_path(&json!({"url": "/api"})), "/api");
        assert_eq!(server_path(&json!({"url": "//h.example/x"})), "/x");
        let templated = json!({
            "url": "https://{env}.example.com/{base}",
            "variables": {"env": {"default": "prod"}, "base": {"default": "api/v2"}}
        });
        assert_eq!(server_path(&templated), "/api/v2");
        assert_eq!(server_path(&json!({"url": "https://{host}/p"})), "/p");
    }
}
