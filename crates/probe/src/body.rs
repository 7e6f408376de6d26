//! Bounded body handling: decompression with a cap, JSON parsing with a depth cap.
//!
//! A hostile or broken server must not exhaust the scanner: a 10 KB gzip bomb that inflates to
//! 10 GB, or `[[[[…]]]]` nested a million deep, must end as a truncated or rejected body, never
//! as an OOM or a stack overflow. reqwest's own decompression has no output cap, so the probe
//! asks for raw bytes and decodes here with `Read::take`.

use overshare_exchange::{is_json_media_type, media_type_of};
use serde_json::Value;
use std::io::Read;

/// Limits applied to every response body.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Bytes read from the wire (compressed).
    pub max_wire_bytes: usize,
    /// Bytes after `Content-Encoding` is undone.
    pub max_decoded_bytes: usize,
    /// Nesting depth of arrays and objects.
    pub max_json_depth: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_wire_bytes: 10 * 1024 * 1024,
            max_decoded_bytes: 50 * 1024 * 1024,
            max_json_depth: 64,
        }
    }
}

/// A decoded body and what happened on the way.
#[derive(Debug)]
pub struct Decoded {
    pub body: Vec<u8>,
    pub truncated: bool,
    /// Set when the encoding is unknown or the stream is corrupt.
    pub error: Option<String>,
}

/// Undo `Content-Encoding` (`gzip`, `x-gzip`, `deflate`, `br`, `identity`), within the cap.
pub fn decode(raw: Vec<u8>, encoding: Option<&str>, wire_truncated: bool, cap: usize) -> Decoded {
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    let reader: Box<dyn Read + '_> = match encoding.as_deref() {
        None | Some("") | Some("identity") => {
            let truncated = wire_truncated || raw.len() > cap;
            let mut body = raw;
            body.truncate(cap);
            return Decoded {
                body,
                truncated,
                error: None,
            };
        }
        Some("gzip") | Some("x-gzip") => Box::new(flate2::read::MultiGzDecoder::new(&raw[..])),
        // RFC 9110 says zlib-wrapped; some servers send raw deflate. Try zlib first.
        Some("deflate") if raw.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(flate2::read::ZlibDecoder::new(&raw[..]))
        }
        Some("deflate") => Box::new(flate2::read::DeflateDecoder::new(&raw[..])),
        Some("br") => Box::new(brotli::Decompressor::new(&raw[..], 8192)),
        Some(other) => {
            return Decoded {
                body: Vec::new(),
                truncated: wire_truncated,
                error: Some(format!(
                    "unsupported Content-Encoding `{other}`; body not analysed"
                )),
            };
        }
    };
    read_capped(reader, cap, wire_truncated)
}

fn read_capped(reader: Box<dyn Read + '_>, cap: usize, wire_truncated: bool) -> Decoded {
    let mut body = Vec::new();
    // One byte past the cap tells "exactly at the cap" from "over it".
    let result = reader.take(cap as u64 + 1).read_to_end(&mut body);
    let over = body.len() > cap;
    body.truncate(cap);
    let error = match result {
        // A cut-off compressed stream fails to decode at its end; that is the truncation.
        Err(_) if wire_truncated => None,
        Err(err) => Some(format!("corrupt compressed body: {err}")),
        Ok(_) => None,
    };
    Decoded {
        body,
        truncated: over || wire_truncated,
        error,
    }
}

/// Parse a body as JSON when its media type says JSON (or it has none and looks like JSON).
///
/// Returns `(json, error)`; both `None` means "not JSON, not an error".
pub fn parse_json(
    body: &[u8],
    content_type: Option<&str>,
    truncated: bool,
    max_depth: usize,
) -> (Option<Value>, Option<String>) {
    let looks_json = match content_type.map(media_type_of) {
        Some(media) => is_json_media_type(&media),
        None => body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'['),
    };
    if !looks_json || body.iter().all(u8::is_ascii_whitespace) {
        return (None, None);
    }
    if truncated {
        return (
            None,
            Some(format!(
                "body truncated at {} bytes; not parsed",
                body.len()
            )),
        );
    }
    if let Some(depth) = exceeds_depth(body, max_depth) {
        return (
            None,
            Some(format!(
                "JSON nesting deeper than {max_depth} (reached {depth}); not parsed"
            )),
        );
    }
    match serde_json::from_slice(body) {
        Ok(value) => (Some(value), None),
        Err(err) => (None, Some(format!("invalid JSON: {err}"))),
    }
}

/// Scan brackets outside strings; `Some(depth)` as soon as `max` is exceeded.
///
/// Hand-written because serde_json's own recursion guard is fixed at 128 and reports a generic
/// error; this check is one pass over bytes, costs nothing next to parsing, and lets the user's
/// `--max-json-depth` mean what it says.
fn exceeds_depth(body: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_bomb_stops_at_the_decoded_cap() {
        let bomb = gzip(&vec![b'a'; 20 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024, "the bomb is small on the wire");
        let decoded = decode(bomb, Some("gzip"), false, 1024 * 1024);
        assert!(decoded.truncated);
        assert_eq!(decoded.body.len(), 1024 * 1024);
        assert!(decoded.error.is_none());
    }

    #[test]
    fn brotli_and_deflate_round_trip() {
        let data = br#"{"a":1}"#;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            w.write_all(data).unwrap();
        }
        assert_eq!(decode(br, Some("br"), false, 100).body, data);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(data).unwrap();
        assert_eq!(
            decode(z.finish().unwrap(), Some("deflate"), false, 100).body,
            data
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(data).unwrap();
        assert_eq!(
            decode(raw.finish().unwrap(), Some("deflate"), false, 100).body,
            data
        );
    }

    #[test]
    fn unknown_encoding_is_reported_not_guessed() {
        let decoded = decode(b"xx".to_vec(), Some("zstd"), false, 100);
        assert!(decoded.error.unwrap().contains("zstd"));
    }

    #[test]
    fn deep_json_is_rejected_before_parsing() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (json, error) = parse_json(deep.as_bytes(), Some("application/json"), false, 64);
        assert!(json.is_none());
        assert!(error.unwrap().contains("deeper than 64"));
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let body = br#"{"a": "[[[[[[[[[[\"[[[[[["}"#;
        let (json, error) = parse_json(body, Some("application/json"), false, 2);
        assert!(error.is_none(), "{error:?}");
        assert!(json.is_some());
    }

    #[test]
    fn truncated_json_is_not_parsed() {
        let (json, error) = parse_json(b"{\"a\":", Some("application/json"), true, 64);
        assert!(json.is_none());
        assert!(error.unwrap().contains("truncated"));
    }

    #[test]
    fn html_is_not_json() {
        assert_eq!(
            parse_json(b"<html>", Some("text/html"), false, 64),
            (None, None)
        );
    }
}
