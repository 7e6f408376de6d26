//! Django password hashes, in the exact layouts of `django/contrib/auth/hashers.py` (5.2).
//!
//! | hasher | encoded form | checked |
//! |---|---|---|
//! | `pbkdf2_sha256` | `pbkdf2_sha256$<iterations>$<salt>$<b64 hash>` | iterations numeric > 0, salt, hash = base64 of 32 bytes |
//! | `pbkdf2_sha1` | `pbkdf2_sha1$<iterations>$<salt>$<b64 hash>` | as above, 20 bytes |
//! | `argon2` | `argon2$argon2id$v=19$m=102400,t=2,p=8$<b64 salt>$<b64 hash>` | variety `argon2i/d/id`, optional `v=`, numeric `m,t,p`, unpadded base64 salt (>= 8 bytes) and hash (>= 4 bytes) |
//! | `bcrypt_sha256`, `bcrypt` | `bcrypt_sha256$$2b$12$<53 chars>` | the embedded bcrypt string (see `unix_crypt`) |
//! | `scrypt` | `scrypt$<n>$<salt>$<r>$<p>$<b64 hash>` | `n` a power of two, `r`, `p` > 0, hash = base64 of 64 bytes |
//! | `md5` | `md5$<salt>$<32 hex>` | lowercase hex digest |
//! | `unsalted_md5` | `md5$$<32 hex>` | what `identify_hasher` recognises |
//!
//! Django 5.2 still *identifies* older layouts that databases migrated from earlier versions keep
//! (`sha1$<salt>$<40 hex>`, `unsalted_sha1` as `sha1$$<40 hex>`, `crypt$$<13 chars>`); they are
//! detected too, named after the hasher that wrote them.
//!
//! A bare 32-hex string is what `identify_hasher` calls `unsalted_md5`, but it is also every
//! MD5 etag and content checksum, so it is never reported as a Django hash here: under a
//! secret-like name it is reported by the entropy detector instead (see `entropy`).

use crate::unix_crypt;
use crate::util::{b64_std_decoded_len, is_lower_hex, parse_u64};
use crate::{Certainty, Detection, ValueKind};

/// The algorithm tags this module recognises, with the prefix an embedded scan looks for.
pub(crate) const TAGS: &[&str] = &[
    "pbkdf2_sha256$",
    "pbkdf2_sha1$",
    "argon2$",
    "bcrypt_sha256$",
    "bcrypt$",
    "scrypt$",
    "md5$",
    "sha1$",
    "crypt$",
];

/// Django's `make_password` output is "fewer than 128 characters"; allow some slack for
/// custom iteration counts and salts, but bound the work.
const MAX_LEN: usize = 256;

/// A Django salt: non-empty, no `$` (Django refuses it), printable ASCII without whitespace.
fn salt_ok(salt: &str) -> bool {
    !salt.is_empty()
        && salt.len() <= 128
        && salt
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'$' && b != b'"' && b != b'\'')
}

pub(crate) fn detect(s: &str) -> Option<Detection> {
    if s.len() > MAX_LEN {
        return None;
    }
    let (algorithm, rest) = s.split_once('$')?;
    let facts = match algorithm {
        "pbkdf2_sha256" => pbkdf2(rest, 32)?,
        "pbkdf2_sha1" => pbkdf2(rest, 20)?,
        "argon2" => argon2(rest)?,
        "bcrypt_sha256" | "bcrypt" => bcrypt(rest)?,
        "scrypt" => scrypt(rest)?,
        "md5" => return hex_digest(s, rest, 32, "md5", "unsalted_md5"),
        "sha1" => return hex_digest(s, rest, 40, "sha1", "unsalted_sha1"),
        "crypt" => crypt(rest)?,
        _ => return None,
    };
    let mut detail = format!("hasher={algorithm}");
    if !facts.is_empty() {
        detail.push_str(", ");
        detail.push_str(&facts);
    }
    Some(hash_detection(detail, &s[..algorithm.len() + 1]))
}

fn hash_detection(detail: String, prefix: &str) -> Detection {
    Detection::new(
        ValueKind::DjangoPasswordHash,
        Certainty::High,
        Some(detail),
        prefix,
    )
}

/// `<iterations>$<salt>$<hash>` with the hash decoding to `digest_len` bytes.
fn pbkdf2(rest: &str, digest_len: usize) -> Option<String> {
    let mut parts = rest.split('$');
    let (iterations, salt, hash) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let n = parse_u64(iterations)?;
    if n == 0 || !salt_ok(salt) || b64_std_decoded_len(hash)? != digest_len {
        return None;
    }
    Some(format!("iterations={n}"))
}

/// `argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>` (the `v=` part is absent in hashes made by
/// argon2 1.0, which `argon2.extract_parameters` still reads).
fn argon2(rest: &str) -> Option<String> {
    let parts: Vec<&str> = rest.split('$').collect();
    let (variety, version, params, salt, hash) = match parts.as_slice() {
        [variety, version, params, salt, hash] => (*variety, Some(*version), *params, *salt, *hash),
        [variety, params, salt, hash] => (*variety, None, *params, *salt, *hash),
        _ => return None,
    };
    if !matches!(variety, "argon2i" | "argon2d" | "argon2id") {
        return None;
    }
    if let Some(v) = version {
        parse_u64(v.strip_prefix("v=")?)?;
    }
    let mut seen = 0;
    for (param, name) in params.split(',').zip(["m=", "t=", "p="]) {
        if parse_u64(param.strip_prefix(name)?)? == 0 {
            return None;
        }
        seen += 1;
    }
    if seen != 3 || params.split(',').count() != 3 {
        return None;
    }
    // argon2 encodes salt and hash as unpadded standard base64.
    let salt_len = b64_std_decoded_len(salt)?;
    let hash_len = b64_std_decoded_len(hash)?;
    if salt.ends_with('=') || hash.ends_with('=') || salt_len < 8 || hash_len < 4 {
        return None;
    }
    Some(format!("variety={variety}"))
}

/// `$2b$12$...`: the part after `bcrypt_sha256$` / `bcrypt$` starts with the empty field.
fn bcrypt(rest: &str) -> Option<String> {
    if !unix_crypt::bcrypt_valid(rest) {
        return None;
    }
    Some(format!("cost={}", &rest[4..6]))
}

/// `<n>$<salt>$<r>$<p>$<hash>`, hash = base64 of 64 bytes (`dklen=64`).
fn scrypt(rest: &str) -> Option<String> {
    let mut parts = rest.split('$');
    let (n, salt, r, p, hash) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() {
        return None;
    }
    let n = parse_u64(n)?;
    // hashlib.scrypt requires n to be a power of two greater than 1.
    if n < 2 || !n.is_power_of_two() {
        return None;
    }
    if parse_u64(r)? == 0 || parse_u64(p)? == 0 || !salt_ok(salt) {
        return None;
    }
    if b64_std_decoded_len(hash)? != 64 {
        return None;
    }
    Some(format!("work_factor={n}"))
}

/// `md5$<salt>$<hex>` / `sha1$<salt>$<hex>`; an empty salt is the unsalted variant, which
/// `identify_hasher` only recognises at the exact length (`md5$$` + 32, `sha1$$` + 40).
fn hex_digest(
    whole: &str,
    rest: &str,
    hex_len: usize,
    salted: &str,
    unsalted: &str,
) -> Option<Detection> {
    let (salt, hash) = rest.split_once('$')?;
    if hash.len() != hex_len || !is_lower_hex(hash) {
        return None;
    }
    let hasher = if salt.is_empty() {
        unsalted
    } else if salt_ok(salt) {
        salted
    } else {
        return None;
    };
    Some(hash_detection(
        format!("hasher={hasher}"),
        &whole[..salted.len() + 1],
    ))
}

/// Legacy `CryptPasswordHasher` (removed in Django 5.0): `crypt$$<13-char DES crypt>`.
fn crypt(rest: &str) -> Option<String> {
    let (salt, data) = rest.split_once('$')?;
    if !salt.is_empty() && !salt_ok(salt) {
        return None;
    }
    if data.len() != 13 || !data.bytes().all(unix_crypt::is_crypt_char) {
        return None;
    }
    Some(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_detail() {
        let d =
            detect("pbkdf2_sha256$20000$EXAMPLEsalt$hiu4ddLjD9+31P7/7kPz7CeFxsR2ahy3+okdix+pwxk=")
                .unwrap();
        assert_eq!(
            d.detail.as_deref(),
            Some("hasher=pbkdf2_sha256, iterations=20000")
        );
        assert_eq!(d.safe_prefix, "pbkdf2_sha256$");
    }

    #[test]
    fn wrong_digest_length_is_rejected() {
        // A sha1-sized digest under the sha256 tag.
        assert!(detect("pbkdf2_sha256$1$abc$Uvua5IVE7eHHDbcSfmEfGbPzerQ=").is_none());
    }

    #[test]
    fn unsalted() {
        let d = detect("md5$$ade6f4c69547af4c917e92d6548c229a").unwrap();
        assert_eq!(d.detail.as_deref(), Some("hasher=unsalted_md5"));
        assert_eq!(d.safe_prefix, "md5$");
    }
}
