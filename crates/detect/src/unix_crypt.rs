//! bcrypt (`$2a$` / `$2b$` / `$2y$`) and crypt(3) SHA-2 (`$5$` / `$6$`) hashes.
//!
//! A regex for `\$2b\$\d\d\$[./A-Za-z0-9]{53}` also matches made-up strings; real bcrypt output
//! has more structure: the cost is 04..=31, the 22-character salt encodes 16 bytes so its last
//! character carries 4 unused zero bits (one of `.Oeu`), and the 31-character hash encodes 23
//! bytes so its last character has 2 unused zero bits. Checking those rejects three quarters of
//! random look-alikes on the hash alone.

use crate::{Certainty, Detection, ValueKind};

/// bcrypt's own base64 alphabet (not RFC 4648 order).
const BCRYPT_ALPHABET: &[u8; 64] =
    b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn bcrypt_index(b: u8) -> Option<usize> {
    BCRYPT_ALPHABET.iter().position(|&c| c == b)
}

pub(crate) fn is_crypt_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

/// `$2a$12$<22 salt><31 hash>`: 60 characters, validated as described in the module docs.
pub(crate) fn bcrypt_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 60 || b[0] != b'$' || b[1] != b'2' || b[3] != b'$' || b[6] != b'$' {
        return false;
    }
    if !matches!(b[2], b'a' | b'b' | b'y') {
        return false;
    }
    if !(b[4].is_ascii_digit() && b[5].is_ascii_digit()) {
        return false;
    }
    let cost = (b[4] - b'0') * 10 + (b[5] - b'0');
    if !(4..=31).contains(&cost) {
        return false;
    }
    if !b[7..].iter().all(|&c| is_crypt_char(c)) {
        return false;
    }
    // Unused low bits: 16 salt bytes in 22 chars (4 spare bits), 23 hash bytes in 31 (2 spare).
    let salt_last = bcrypt_index(b[28]).unwrap_or(1);
    let hash_last = bcrypt_index(b[59]).unwrap_or(1);
    salt_last.is_multiple_of(16) && hash_last.is_multiple_of(4)
}

pub(crate) fn detect_bcrypt(s: &str) -> Option<Detection> {
    if !bcrypt_valid(s) {
        return None;
    }
    Some(Detection::new(
        ValueKind::Bcrypt,
        Certainty::High,
        Some(format!("variant={}, cost={}", &s[1..3], &s[4..6])),
        &s[..4],
    ))
}

/// `$5$[rounds=N$]salt$hash` (SHA-256, 43-char hash) or `$6$...` (SHA-512, 86-char hash).
pub(crate) fn detect_sha_crypt(s: &str) -> Option<Detection> {
    let (hash_len, name) = if s.starts_with("$5$") {
        (43, "sha256-crypt")
    } else if s.starts_with("$6$") {
        (86, "sha512-crypt")
    } else {
        return None;
    };
    let mut rest = &s[3..];
    let mut rounds = None;
    if let Some(r) = rest.strip_prefix("rounds=") {
        let (n, after) = r.split_once('$')?;
        let n = crate::util::parse_u64(n)?;
        // glibc clamps the requested rounds into this range and writes the clamped value.
        if !(1000..=999_999_999).contains(&n) {
            return None;
        }
        rounds = Some(n);
        rest = after;
    }
    let (salt, hash) = rest.split_once('$')?;
    if salt.len() > 16 || !salt.bytes().all(is_crypt_char) || salt.contains('$') {
        return None;
    }
    if hash.len() != hash_len || !hash.bytes().all(is_crypt_char) {
        return None;
    }
    let mut detail = format!("algorithm={name}");
    if let Some(n) = rounds {
        detail.push_str(&format!(", rounds={n}"));
    }
    Some(Detection::new(
        ValueKind::CryptSha,
        Certainty::High,
        Some(detail),
        &s[..3],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_spare_bits() {
        let good = "$2b$12$Vet2jeXKaOqYn9AvB1Hgk.i8Od1hvNUzxB84BAdIutXnU47Fl6NRW";
        assert!(bcrypt_valid(good));
        // Last hash char 'X' (index 51) has non-zero spare bits.
        let bad = "$2b$12$Vet2jeXKaOqYn9AvB1Hgk.i8Od1hvNUzxB84BAdIutXnU47Fl6NRX";
        assert!(!bcrypt_valid(bad));
        // Salt's last char 'f' (index 31) has non-zero spare bits.
        let bad_salt = "$2b$12$Vet2jeXKaOqYn9AvB1Hgkfi8Od1hvNUzxB84BAdIutXnU47Fl6NRW";
        assert!(!bcrypt_valid(bad_salt));
        assert!(!bcrypt_valid(
            "$2b$03$Vet2jeXKaOqYn9AvB1Hgk.i8Od1hvNUzxB84BAdIutXnU47Fl6NRW"
        ));
        assert!(!bcrypt_valid(
            "$2c$12$Vet2jeXKaOqYn9AvB1Hgk.i8Od1hvNUzxB84BAdIutXnU47Fl6NRW"
        ));
    }
}
