//! Provider tokens with a fixed prefix: AWS access key ids (and, by name, their secrets),
//! GitHub, Slack, Stripe, Google API and SendGrid keys.
//!
//! Each validator receives the exact candidate (a whole value, or a token cut out of a longer
//! text at word boundaries) and checks the provider's alphabet and length exactly: a prefix
//! followed by "some characters" would match prose such as `sk_live_mode_enabled`. GitHub's
//! current tokens carry a CRC32 of their random part in the last six base62 characters, so a
//! token whose checksum verifies is certain, one that only has the shape (documentation
//! examples, hand-made fakes) is medium.

use crate::util::{all, is_alnum, is_hex};
use crate::{Certainty, Detection, ValueKind};

/// The prefixes an embedded scan looks for, grouped per validator in `embedded`.
pub(crate) const AWS_PREFIXES: &[&str] = &["AKIA", "ASIA"];
pub(crate) const GITHUB_PREFIXES: &[&str] =
    &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
pub(crate) const SLACK_PREFIXES: &[&str] = &["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"];
pub(crate) const STRIPE_PREFIXES: &[&str] = &["sk_live_", "rk_live_", "sk_test_", "rk_test_"];
pub(crate) const GOOGLE_PREFIX: &str = "AIza";
pub(crate) const SENDGRID_PREFIX: &str = "SG.";

fn is_base32_upper(b: u8) -> bool {
    b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)
}

/// `AKIA` (long-term) or `ASIA` (temporary, STS) followed by 16 characters. Real key ids are
/// base32 (`[A-Z2-7]`, the encoding that also carries the account id) and are certain; AWS's
/// own documentation examples (`AKIAI44QH8DHBEXAMPLE`) use `[A-Z0-9]`, which is accepted with
/// medium certainty so that test data using them is still found.
pub(crate) fn aws_access_key_id(s: &str) -> Option<Detection> {
    if s.len() != 20 {
        return None;
    }
    let kind = match s.get(..4)? {
        "AKIA" => "long-term",
        "ASIA" => "temporary",
        _ => return None,
    };
    let rest = &s[4..];
    let (certainty, detail) = if all(rest, is_base32_upper) {
        (Certainty::High, format!("type={kind}"))
    } else if all(rest, |b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        (
            Certainty::Medium,
            format!("type={kind}, alphabet=not-base32"),
        )
    } else {
        return None;
    };
    Some(Detection::new(
        ValueKind::AwsAccessKeyId,
        certainty,
        Some(detail),
        &s[..4],
    ))
}

/// A 40-character AWS secret access key shape. It has no prefix, so it is only looked for
/// under a secret-like name (the caller checks) and needs all three of upper, lower and digit
/// (a random 40-character key lacks one with probability ~0.3%), and not to be hex (a SHA-1).
pub(crate) fn aws_secret_access_key(s: &str) -> Option<Detection> {
    if s.len() != 40
        || !all(s, |b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        || is_hex(s)
    {
        return None;
    }
    let has = |f: fn(&u8) -> bool| s.as_bytes().iter().any(f);
    if !(has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit)) {
        return None;
    }
    Some(Detection::new(
        ValueKind::AwsSecretAccessKey,
        Certainty::Medium,
        Some("length=40".to_string()),
        "",
    ))
}

/// GitHub tokens: `gh[pousr]_` + 36 base62 (30 random + 6 checksum), or the fine-grained
/// `github_pat_` + 22 + `_` + 59.
pub(crate) fn github(s: &str) -> Option<Detection> {
    if let Some(rest) = s.strip_prefix("github_pat_") {
        let (a, b) = rest.split_once('_')?;
        if a.len() != 22 || b.len() != 59 || !is_alnum(a) || !is_alnum(b) {
            return None;
        }
        return Some(Detection::new(
            ValueKind::GithubToken,
            Certainty::High,
            Some("type=fine-grained-pat".to_string()),
            "github_pat_",
        ));
    }
    if s.len() != 40 || !s.starts_with("gh") || s.as_bytes()[3] != b'_' {
        return None;
    }
    let kind = match s.as_bytes()[2] {
        b'p' => "personal-access-token",
        b'o' => "oauth",
        b'u' => "user-to-server",
        b's' => "server-to-server",
        b'r' => "refresh",
        _ => return None,
    };
    let body = &s[4..];
    if !is_alnum(body) {
        return None;
    }
    let checksum_ok = base62_decode(&body[30..]) == Some(u64::from(crc32(&body.as_bytes()[..30])));
    let (certainty, check) = if checksum_ok {
        (Certainty::High, "ok")
    } else {
        (Certainty::Medium, "mismatch")
    };
    Some(Detection::new(
        ValueKind::GithubToken,
        certainty,
        Some(format!("type={kind}, checksum={check}")),
        &s[..4],
    ))
}

/// Slack tokens: `xox[abprs]-` then dash-separated segments, the first numeric (a team or
/// app id) and the last a random run. Bot (`xoxb-<id>-<id>-<24>`) and user
/// (`xoxp-<id>-<id>-<id>-<32 hex>`) layouts are certain, other layouts medium.
pub(crate) fn slack(s: &str) -> Option<Detection> {
    let rest = s.strip_prefix("xox")?;
    let flavour = *rest.as_bytes().first()?;
    if !matches!(flavour, b'a' | b'b' | b'p' | b'r' | b's') || rest.as_bytes().get(1) != Some(&b'-')
    {
        return None;
    }
    let body = &rest[2..];
    if body.len() < 20 || body.len() > 255 || !all(body, |b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return None;
    }
    let segments: Vec<&str> = body.split('-').collect();
    let last = *segments.last()?;
    if segments.len() < 2
        || segments.iter().any(|s| s.is_empty())
        || !crate::util::is_digits(segments[0])
        || last.len() < 8
    {
        return None;
    }
    let exact = match flavour {
        b'b' => segments.len() == 3 && crate::util::is_digits(segments[1]) && last.len() == 24,
        b'p' => {
            segments.len() == 4
                && segments[1..3].iter().all(|s| crate::util::is_digits(s))
                && last.len() == 32
                && is_hex(last)
        }
        _ => false,
    };
    let kind = match flavour {
        b'a' => "app",
        b'b' => "bot",
        b'p' => "user",
        b'r' => "refresh",
        _ => "session",
    };
    Some(Detection::new(
        ValueKind::SlackToken,
        if exact {
            Certainty::High
        } else {
            Certainty::Medium
        },
        Some(format!("type={kind}")),
        &s[..5],
    ))
}

/// Stripe secret (`sk_`) and restricted (`rk_`) keys. Live keys are certain; test-mode keys
/// are low: they cannot move money, but still show that secrets leak.
pub(crate) fn stripe(s: &str) -> Option<Detection> {
    let (prefix, rest) = STRIPE_PREFIXES
        .iter()
        .find_map(|p| s.strip_prefix(p).map(|r| (*p, r)))?;
    if rest.len() < 16 || rest.len() > 255 || !is_alnum(rest) {
        return None;
    }
    let live = prefix.contains("live");
    let kind = if prefix.starts_with("sk") {
        "secret"
    } else {
        "restricted"
    };
    Some(Detection::new(
        ValueKind::StripeKey,
        if live {
            Certainty::High
        } else {
            Certainty::Low
        },
        Some(format!(
            "type={kind}, mode={}",
            if live { "live" } else { "test" }
        )),
        prefix,
    ))
}

/// Google API keys: `AIza` + 35 of `[A-Za-z0-9_-]`.
pub(crate) fn google(s: &str) -> Option<Detection> {
    let rest = s.strip_prefix(GOOGLE_PREFIX)?;
    if rest.len() != 35
        || !all(rest, |b| {
            b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
        })
    {
        return None;
    }
    Some(Detection::new(
        ValueKind::GoogleApiKey,
        Certainty::High,
        None,
        GOOGLE_PREFIX,
    ))
}

/// SendGrid API keys: `SG.` + 22 + `.` + 43, both parts base64url.
pub(crate) fn sendgrid(s: &str) -> Option<Detection> {
    let rest = s.strip_prefix(SENDGRID_PREFIX)?;
    let (id, secret) = rest.split_once('.')?;
    let b64url = |p: &str| all(p, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if id.len() != 22 || secret.len() != 43 || !b64url(id) || !b64url(secret) {
        return None;
    }
    Some(Detection::new(
        ValueKind::SendgridKey,
        Certainty::High,
        None,
        SENDGRID_PREFIX,
    ))
}

/// CRC-32 (IEEE 802.3, as zlib's `crc32`).
fn crc32(data: &[u8]) -> u32 {
    static TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Base62 (`0-9A-Za-z`) to integer.
fn base62_decode(s: &str) -> Option<u64> {
    s.bytes().try_fold(0u64, |acc, b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        acc.checked_mul(62)?.checked_add(u64::from(d))
    })
}

/// Base62-encode `n` left-padded with zeros to `width` (for tests and fixtures).
#[cfg(test)]
fn base62_encode(mut n: u64, width: usize) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(A[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_vectors() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_checksum_round_trip() {
        let random = "EXAMPLE0overshare0fixture00000";
        assert_eq!(random.len(), 30);
        let token = format!(
            "ghp_{random}{}",
            base62_encode(u64::from(crc32(random.as_bytes())), 6)
        );
        let d = github(&token).unwrap();
        assert_eq!(d.certainty, Certainty::High, "{token}");
        // GitHub's documentation example has the shape but not the checksum.
        let d = github("ghp_16C7e42F292c6912E7710c838347Ae178B4a").unwrap();
        assert_eq!(d.certainty, Certainty::Medium);
    }
}
