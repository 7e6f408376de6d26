//! PEM private keys: `-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----`
//! (and PGP private key blocks).
//!
//! The header alone is not a leak: error messages and docs quote it ("expected a
//! `-----BEGIN PRIVATE KEY-----` block"). A key needs a base64 body after it, so at least
//! [`MIN_BODY`] base64 characters must follow (RFC 1421 headers such as `Proc-Type:` of legacy
//! encrypted keys are skipped). With the matching `END` line the detection is certain; a body
//! cut off before it (a truncated log line) is still reported, with medium certainty. JSON
//! often carries the newlines double-escaped (`\\n`), which is accepted too.

use crate::{Certainty, Detection, ValueKind};

pub(crate) const BEGIN: &str = "-----BEGIN ";

/// The smallest real private key body (an Ed25519 PKCS#8 key) is 64 base64 characters.
const MIN_BODY: usize = 48;

/// Labels that carry a private key, and the `type=` detail for each.
const LABELS: &[(&str, &str)] = &[
    ("PRIVATE KEY", "pkcs8"),
    ("RSA PRIVATE KEY", "rsa"),
    ("EC PRIVATE KEY", "ec"),
    ("DSA PRIVATE KEY", "dsa"),
    ("OPENSSH PRIVATE KEY", "openssh"),
    ("ENCRYPTED PRIVATE KEY", "pkcs8-encrypted"),
    ("PGP PRIVATE KEY BLOCK", "pgp"),
];

/// `s` starts with `-----BEGIN `. Returns the detection and the length of the block consumed.
pub(crate) fn detect_at(s: &str) -> Option<(Detection, usize)> {
    let after_begin = s.strip_prefix(BEGIN)?;
    let label_end = after_begin.find("-----").filter(|&i| i <= 32)?;
    let label = &after_begin[..label_end];
    let kind = LABELS.iter().find(|(l, _)| *l == label)?.1;
    let body_start = BEGIN.len() + label_end + 5;
    let body = &s[body_start..];

    let end_marker = format!("-----END {label}-----");
    let (body, end) = match body.find(&end_marker) {
        Some(i) => (&body[..i], Some(body_start + i + end_marker.len())),
        None => (body, None),
    };
    let b64 = count_body_chars(body)?;
    if b64 < MIN_BODY {
        return None;
    }
    let mut detail = format!("type={kind}");
    if label.starts_with("ENCRYPTED") || body.contains("Proc-Type: 4,ENCRYPTED") {
        detail.push_str(", encrypted");
    }
    let (certainty, consumed) = match end {
        Some(e) => (Certainty::High, e),
        None => {
            detail.push_str(", truncated");
            (Certainty::Medium, s.len())
        }
    };
    Some((
        Detection::new(
            ValueKind::PemPrivateKey,
            certainty,
            Some(detail),
            "-----BEGIN ",
        ),
        consumed,
    ))
}

/// Count base64 characters in a PEM body, skipping whitespace, escaped newlines and RFC 1421
/// header lines; `None` if something else appears (then it is not a key body).
fn count_body_chars(body: &str) -> Option<usize> {
    let mut count = 0;
    for line in body.split(['\n', '\r']).flat_map(|l| l.split("\\n")) {
        let line = line.trim_matches([' ', '\t']);
        let line = line.strip_suffix("\\r").unwrap_or(line);
        if line.is_empty() || line.contains(": ") {
            continue;
        }
        if !line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        {
            return if count >= MIN_BODY { Some(count) } else { None };
        }
        count += line.len();
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MC4CAQAwBQYDK2VwBCIEIEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE";

    #[test]
    fn header_alone_is_not_a_key() {
        assert!(detect_at("-----BEGIN PRIVATE KEY-----").is_none());
        assert!(detect_at("-----BEGIN PRIVATE KEY----- block").is_none());
        assert!(
            detect_at("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").is_none()
        );
    }

    #[test]
    fn full_and_truncated() {
        let full = format!("-----BEGIN PRIVATE KEY-----\n{BODY}\n-----END PRIVATE KEY-----\n");
        let (d, n) = detect_at(&full).unwrap();
        assert_eq!(d.certainty, Certainty::High);
        assert_eq!(n, full.trim_end().len());
        let cut = format!("-----BEGIN PRIVATE KEY-----\\n{BODY}");
        let (d, _) = detect_at(&cut).unwrap();
        assert_eq!(d.certainty, Certainty::Medium);
    }
}
