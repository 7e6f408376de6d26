//! JSON Web Tokens (JWS compact serialisation: `header.payload.signature`).
//!
//! Three dot-separated base64url runs are common (dotted ids, some cache keys), so the shape is
//! only a candidate: the header must decode to a JSON object with a string `alg`. The payload
//! is then read for `exp`, reported as RFC 3339 together with `expired` when it is in the past
//! (a leaked token that still works is worse). `alg: none` is called out: such a token is
//! unsigned and anyone can mint one.
//!
//! Found by the `eyJ` marker (`{"` in base64url), which every header that starts with a quoted
//! key has; a header written with leading whitespace (`{ "alg"`) is not looked for.

use serde_json::Value;

use crate::time::{now_unix, rfc3339};
use crate::util::{b64_url_decode, is_b64_url};
use crate::{Certainty, Detection, ValueKind};

/// Bound the decoding work: headers are tiny, payloads rarely above a few KiB.
const MAX_HEADER_B64: usize = 4 * 1024;
const MAX_PAYLOAD_B64: usize = 32 * 1024;

/// A JWT byte: base64url or the separating dot.
pub(crate) fn is_jwt_byte(b: u8) -> bool {
    is_b64_url(b) || b == b'.'
}

pub(crate) fn detect(s: &str) -> Option<Detection> {
    let mut parts = s.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || header.is_empty() || payload.is_empty() {
        return None;
    }
    if header.len() > MAX_HEADER_B64 || !s.bytes().all(is_jwt_byte) {
        return None;
    }
    // An HMAC-SHA256 signature is 43 characters; anything signed is at least a few.
    if !signature.is_empty() && signature.len() < 8 {
        return None;
    }
    let header: Value = serde_json::from_slice(&b64_url_decode(header)?).ok()?;
    let alg = header.as_object()?.get("alg")?.as_str()?;
    if alg.is_empty() || alg.len() > 32 || !alg.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut detail = if alg.eq_ignore_ascii_case("none") {
        "alg=none (unsigned)".to_string()
    } else {
        format!("alg={alg}")
    };
    if let Some(exp) = payload_exp(payload) {
        match rfc3339(exp) {
            Some(when) => detail.push_str(&format!(", exp={when}")),
            None => detail.push_str(&format!(", exp={exp}")),
        }
        if exp < now_unix() {
            detail.push_str(", expired");
        }
    }
    Some(Detection::new(
        ValueKind::Jwt,
        Certainty::High,
        Some(detail),
        &s[..3],
    ))
}

/// `exp` from the payload, when the payload is a JSON object and `exp` a number.
fn payload_exp(payload: &str) -> Option<i64> {
    if payload.len() > MAX_PAYLOAD_B64 {
        return None;
    }
    let payload: Value = serde_json::from_slice(&b64_url_decode(payload)?).ok()?;
    let exp = payload.as_object()?.get("exp")?;
    exp.as_i64().or_else(|| {
        let f = exp.as_f64()?;
        // Saturating float-to-int conversion; the range check in rfc3339 handles the rest.
        f.is_finite().then_some(f as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7519_example() {
        // The example from RFC 7519 section 3.1 (HS256, exp 1300819380 = 2011-03-22).
        let t = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let d = detect(t).unwrap();
        assert_eq!(
            d.detail.as_deref(),
            Some("alg=HS256, exp=2011-03-22T18:43:00Z, expired")
        );
        assert_eq!(d.safe_prefix, "eyJ");
    }

    #[test]
    fn header_without_alg_is_not_a_jwt() {
        // {"typ":"JWT"}
        assert!(detect("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2ln").is_none());
    }
}
