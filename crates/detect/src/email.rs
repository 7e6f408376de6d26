//! Email addresses.
//!
//! RFC 5321-ish: a dot-atom local part (no leading, trailing or doubled dots, at most 64
//! bytes), a domain of at least two LDH labels (no leading or trailing hyphen, at most 63 bytes
//! each), and a top-level label that is alphabetic (2 to 24 letters) or an IDN `xn--` label.
//! Quoted local parts and IP-literal domains are not looked for. Asset names such as
//! `logo@2x.png` have the same shape, so a TLD that is a common file extension is rejected.
//! The display form `Name <addr@example.com>` is accepted.

use crate::profile::{self, Profile};
use crate::{Certainty, Detection, ValueKind};

const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "tif", "tiff", "css", "js",
    "mjs", "ts", "json", "map", "txt", "pdf", "html", "htm", "xml", "woff", "woff2", "ttf", "mp3",
    "mp4", "webm", "wav", "csv", "gz", "tgz", "zip", "py", "rb", "go", "rs", "md", "yaml", "yml",
    "toml", "lock", "tar",
];

fn local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-.".contains(&b)
}

fn label_ok(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
}

/// Is `s` exactly one address?
pub(crate) fn is_email(s: &str) -> bool {
    if s.len() > 254 {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let lb = local.as_bytes();
    if lb.is_empty()
        || lb.len() > 64
        || lb[0] == b'.'
        || lb[lb.len() - 1] == b'.'
        || local.contains("..")
        || !lb.iter().all(|&c| local_byte(c))
    {
        return false;
    }
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    if !domain.split('.').all(label_ok) {
        return false;
    }
    let tld_ok = (2..=24).contains(&tld.len()) && tld.bytes().all(|c| c.is_ascii_alphabetic())
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case("xn--"));
    tld_ok && !FILE_EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e))
}

pub(crate) fn detect(v: &str, p: &Profile) -> Option<Detection> {
    let addr = if p.has(profile::SPACE) || p.has(profile::ANGLE) {
        // `Display Name <addr>`
        let inner = v.strip_suffix('>')?;
        let open = inner.rfind('<')?;
        &inner[open + 1..]
    } else {
        v
    };
    if !is_email(addr) {
        return None;
    }
    Some(Detection::new(ValueKind::Email, Certainty::High, None, ""))
}
