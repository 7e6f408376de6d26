//! JSON Pointer (RFC 6901) helpers, plus the URI-fragment decoding a `$ref` needs before its
//! fragment is a pointer (`#/components/schemas/My%20Type` → `/components/schemas/My Type`).
//!
//! Pointers are kept as escaped strings throughout the crate: they are what error messages and
//! [`crate::Schema::origin`] show, and what `serde_json::Value::pointer` takes.

use serde_json::Value;
use std::borrow::Cow;

/// The node at `ptr` under `root`, like `Value::pointer` but without allocating for tokens that
/// need no unescaping: lookups run once per node visited, so this is on the hot path.
pub fn get<'v>(root: &'v Value, ptr: &str) -> Option<&'v Value> {
    if ptr.is_empty() {
        return Some(root);
    }
    let rest = ptr.strip_prefix('/')?;
    rest.split('/').try_fold(root, |node, token| match node {
        Value::Object(map) => map.get(unescape(token).as_ref()),
        Value::Array(items) => {
            // RFC 6901: no leading zeros, no sign.
            if token.len() > 1 && token.starts_with('0') {
                return None;
            }
            items.get(token.parse::<usize>().ok()?)
        }
        _ => None,
    })
}

/// Escape one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Undo [`escape`]. The order matters: `~01` is `~1` literally, not `/`.
pub fn unescape(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// `ptr` with one more (unescaped) token appended.
pub fn child(ptr: &str, segment: &str) -> String {
    let segment = escape(segment);
    let mut out = String::with_capacity(ptr.len() + 1 + segment.len());
    out.push_str(ptr);
    out.push('/');
    out.push_str(&segment);
    out
}

/// `ptr` with an array index appended.
pub fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

/// The pointer without its last token (`""` for the root and for top-level members).
pub fn parent(ptr: &str) -> &str {
    ptr.rfind('/').map_or("", |at| &ptr[..at])
}

/// The last token, unescaped; `None` for the root.
pub fn last(ptr: &str) -> Option<Cow<'_, str>> {
    ptr.rfind('/').map(|at| unescape(&ptr[at + 1..]))
}

/// Decode `%XX` escapes of a URI fragment or path. Malformed escapes are kept as written (a
/// spec author who writes `%` literally should still get a useful "no such component" error).
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            let h = std::str::from_utf8(h).ok()?;
            u8::from_str_radix(h, 16).ok()
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        assert_eq!(escape("/api/{id}/"), "~1api~1{id}~1");
        assert_eq!(escape("a~b"), "a~0b");
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(unescape("~1api~1"), "/api/");
        assert_eq!(child("/paths", "/x/"), "/paths/~1x~1");
    }

    #[test]
    fn parent_and_last() {
        assert_eq!(parent("/a/b~1c"), "/a");
        assert_eq!(parent("/a"), "");
        assert_eq!(last("/a/b~1c").as_deref(), Some("b/c"));
        assert_eq!(last(""), None);
    }

    #[test]
    fn lookup() {
        let doc = serde_json::json!({"a/b": {"c~d": [10, 20]}, "": 1});
        assert_eq!(get(&doc, "/a~1b/c~0d/1"), Some(&serde_json::json!(20)));
        assert_eq!(get(&doc, ""), Some(&doc));
        assert_eq!(get(&doc, "/"), Some(&serde_json::json!(1)));
        assert_eq!(get(&doc, "/a~1b/c~0d/01"), None);
        assert_eq!(get(&doc, "a"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/My%20Type"), "/My Type");
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }
}
