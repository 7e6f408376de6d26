//! Value detectors: does this string look like a secret or a personal value, and can that be
//! validated (checksum, structure, decodable header) rather than only pattern-matched?
//!
//! [`detect`] runs on every string leaf of every response the scanner sees and, later, of every
//! response the guard proxies, so two things matter as much as recall: **precision** (a finding
//! that turns out to be an order number teaches users to ignore the tool) and **speed** (the
//! common leaf is an ordinary word or sentence and must be dismissed after a few byte checks).
//!
//! # Why regex alone is not enough
//!
//! A regex says "sixteen digits"; so do order numbers, timestamps in microseconds and invoice
//! ids. A regex says "three base64url segments"; so do many dotted identifiers. Each detector
//! here therefore *validates* what the shape only suggests:
//!
//! | kind | module | validated by |
//! |---|---|---|
//! | [`ValueKind::DjangoPasswordHash`] | `django_hash` | every Django 5.2 hasher layout (`hashers.py`): algorithm tag, numeric work factors, base64 field decoding to the digest length, hex lengths |
//! | [`ValueKind::Bcrypt`], [`ValueKind::CryptSha`] | `unix_crypt` | cost range, exact lengths, bcrypt's unused low bits in the last salt and hash characters, `rounds=` range |
//! | [`ValueKind::Jwt`] | `jwt` | the header base64url-decodes to a JSON object with a string `alg`; the payload's `exp` is read and compared to now |
//! | [`ValueKind::PemPrivateKey`] | `pem` | a private-key `BEGIN` label followed by a base64 body (and its `END` line) |
//! | AWS, GitHub, Slack, Stripe, Google, SendGrid | `tokens` | fixed prefixes, alphabets and lengths; GitHub's CRC32 checksum in the last six characters |
//! | [`ValueKind::UrlCredentials`], [`ValueKind::ConnectionString`] | `url_creds` | a parsed authority with a non-empty, non-placeholder password (a URL without one is never flagged); ADO / libpq key-value strings with `Password=` and a host or user key |
//! | [`ValueKind::DjangoSecretKey`] | `secret_key` | `get_random_secret_key()`'s 50-character alphabet or the `django-insecure-` prefix, only under a settings- or secret-like name |
//! | [`ValueKind::CardNumber`] | `card` | Luhn, issuer IIN ranges, per-issuer lengths, digit grouping |
//! | [`ValueKind::Iban`] | `iban` | country code, the registry's length for that country, ISO 7064 mod-97 |
//! | [`ValueKind::UsSsn`] | `ssn` | area / group / serial rules and well-known fake numbers |
//! | [`ValueKind::Email`] | `email` | local-part and domain label rules, an alphabetic TLD that is not a file extension |
//! | [`ValueKind::Phone`] | `phone` | E.164 digit counts, North American area and exchange rules, separator grammar that rejects dates, versions and prices |
//! | [`ValueKind::PublicIp`], [`ValueKind::PrivateIp`] | `ip` | `std::net` parsing, then the special-purpose range tables |
//! | [`ValueKind::HighEntropySecret`] | `entropy` | Shannon entropy and character-class mix, only under a secret-like name |
//!
//! # How a value is examined
//!
//! 1. **Whole value, by shape.** One pass over the bytes builds a small bit set of the character
//!    classes present (`profile`). That alone rules out most detectors: a lowercase word cannot
//!    be a card, a phone, an IP or an IBAN, and nothing secret is shorter than 15 bytes except IPs
//!    and emails. Only the detectors whose alphabet fits run.
//! 2. **Marked tokens, anywhere in the value.** Secrets with a distinctive marker (`-----BEGIN`,
//!    `://`, `eyJ`, `AKIA`, `ghp_`, `pbkdf2_sha256$`, `$2b$`, ...) are found by one Aho-Corasick
//!    pass, so they are caught inside stack traces, settings dumps and `Bearer ...` headers too.
//!    A hit must sit on a token boundary and then pass the same validator as a whole value; the
//!    detail then says `embedded`.
//! 3. **Decoded, one level.** A value that is JSON text, URL-encoded JSON or base64 (standard or
//!    URL-safe, at least 16 characters, decoding to printable UTF-8) is decoded once, bounded in
//!    size, and its text (and, for JSON, its string leaves) goes through steps 1 and 2. Such a
//!    detection has `decoded: true` and a `decoded=...` detail.
//! 4. **Name-dependent fallback.** Under a secret-like name, a high-entropy string is reported.
//!
//! Regexes are not used on the hot path: every check is a hand-written byte loop, and the one
//! automaton is built once (`LazyLock`). `benches/detect.rs` measures the cost against
//! `serde_json` parsing of the same strings (`cargo bench -p overshare-detect --bench detect`).
//!
//! # Decisions
//!
//! - **Unsalted MD5.** `md5$$<32 hex>` is reported as a Django hash (`hasher=unsalted_md5`), as
//!   Django's `identify_hasher` does. A *bare* 32-hex value is also every MD5 etag and
//!   checksum, and [`NameHint`] cannot tell a password column from a token column, so it is
//!   never a Django hash: under a secret-like name it is a [`ValueKind::HighEntropySecret`]
//!   with `md5-sized` in the detail; otherwise nothing.
//! - **Legacy hashers.** Django 5.2 ships pbkdf2_sha256, pbkdf2_sha1, argon2, bcrypt_sha256,
//!   bcrypt, scrypt and md5; `sha1`, `unsalted_sha1` and `crypt` hashes written by older
//!   versions still sit in migrated databases and are detected too.
//! - **SSN.** Only the dashed `AAA-GG-SSSS` form is detected; nine bare digits are too often
//!   ids and zip+4 codes, and no name hint says "SSN". [`ssn_valid`] accepts both forms for
//!   callers that know the field.
//! - **Documentation IP ranges** (RFC 5737, RFC 3849, `3fff::/20`) are
//!   [`ValueKind::PublicIp`] with `range=documentation`, so demo and test data are found.
//!   Four single-digit octets (`1.2.3.4`) are not reported: they are version strings.
//! - **Phones** need a `+`, parentheses or separators; bare digit runs never are phones.
//! - **AWS key ids** in base32 are certain; AWS's documentation examples use `[A-Z0-9]` and are
//!   medium. **GitHub** tokens whose CRC32 checksum verifies are certain, others medium.
//!   **Stripe** test keys are low.
//! - **Embedded and decoded** detections keep the inner token's safe prefix (what it *is*);
//!   the detail says `embedded` or `decoded=base64|url-json|json`.

mod card;
mod decode;
mod django_hash;
mod email;
mod embedded;
mod entropy;
mod iban;
mod ip;
mod jwt;
mod pem;
mod phone;
mod profile;
mod secret_key;
mod ssn;
mod time;
mod tokens;
mod unix_crypt;
mod url_creds;
mod util;

use profile::Profile;

/// What a value was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueKind {
    /// Any of Django's hasher formats (`pbkdf2_sha256$…`, `argon2$…`, `bcrypt_sha256$…`, …).
    DjangoPasswordHash,
    /// `$2a$` / `$2b$` / `$2y$`.
    Bcrypt,
    /// crypt(3) `$5$` / `$6$`.
    CryptSha,
    Jwt,
    PemPrivateKey,
    AwsAccessKeyId,
    AwsSecretAccessKey,
    GithubToken,
    SlackToken,
    StripeKey,
    GoogleApiKey,
    SendgridKey,
    /// `scheme://user:password@host`.
    UrlCredentials,
    /// A DSN / connection string with a password (`postgres://…`, `Server=…;Password=…`).
    ConnectionString,
    /// A Django `SECRET_KEY`-shaped value (only with a settings-like name hint).
    DjangoSecretKey,
    CardNumber,
    Iban,
    UsSsn,
    Email,
    Phone,
    PublicIp,
    PrivateIp,
    /// A high-entropy string where the field name suggests a secret.
    HighEntropySecret,
}

impl ValueKind {
    /// Stable kebab-case name, used in rules files (`value = "django-password-hash"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::DjangoPasswordHash => "django-password-hash",
            ValueKind::Bcrypt => "bcrypt",
            ValueKind::CryptSha => "crypt-sha",
            ValueKind::Jwt => "jwt",
            ValueKind::PemPrivateKey => "pem-private-key",
            ValueKind::AwsAccessKeyId => "aws-access-key-id",
            ValueKind::AwsSecretAccessKey => "aws-secret-access-key",
            ValueKind::GithubToken => "github-token",
            ValueKind::SlackToken => "slack-token",
            ValueKind::StripeKey => "stripe-key",
            ValueKind::GoogleApiKey => "google-api-key",
            ValueKind::SendgridKey => "sendgrid-key",
            ValueKind::UrlCredentials => "url-credentials",
            ValueKind::ConnectionString => "connection-string",
            ValueKind::DjangoSecretKey => "django-secret-key",
            ValueKind::CardNumber => "card-number",
            ValueKind::Iban => "iban",
            ValueKind::UsSsn => "us-ssn",
            ValueKind::Email => "email",
            ValueKind::Phone => "phone",
            ValueKind::PublicIp => "public-ip",
            ValueKind::PrivateIp => "private-ip",
            ValueKind::HighEntropySecret => "high-entropy-secret",
        }
    }

    /// Parse a kebab-case name.
    pub fn from_name(name: &str) -> Option<ValueKind> {
        ValueKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// Every kind, for listings and rules-file validation.
    pub const ALL: &'static [ValueKind] = &[
        ValueKind::DjangoPasswordHash,
        ValueKind::Bcrypt,
        ValueKind::CryptSha,
        ValueKind::Jwt,
        ValueKind::PemPrivateKey,
        ValueKind::AwsAccessKeyId,
        ValueKind::AwsSecretAccessKey,
        ValueKind::GithubToken,
        ValueKind::SlackToken,
        ValueKind::StripeKey,
        ValueKind::GoogleApiKey,
        ValueKind::SendgridKey,
        ValueKind::UrlCredentials,
        ValueKind::ConnectionString,
        ValueKind::DjangoSecretKey,
        ValueKind::CardNumber,
        ValueKind::Iban,
        ValueKind::UsSsn,
        ValueKind::Email,
        ValueKind::Phone,
        ValueKind::PublicIp,
        ValueKind::PrivateIp,
        ValueKind::HighEntropySecret,
    ];
}

impl std::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a detection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    Low,
    Medium,
    High,
}

/// What the field name says, which some detectors need (high entropy is only a secret under a
/// secret-like name; a `SECRET_KEY` shape only in a settings-like object).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameHint {
    pub secret_like: bool,
    pub settings_like: bool,
}

/// One detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub kind: ValueKind,
    pub certainty: Certainty,
    /// Facts worth reporting that are not the value (`alg=HS256, exp=2026-12-01T00:00:00Z`,
    /// `issuer=visa`, `hasher=pbkdf2_sha256`).
    pub detail: Option<String>,
    /// Found after decoding base64 or URL-encoded JSON.
    pub decoded: bool,
    /// A short non-identifying prefix to show in evidence (`pbkdf2_sha256$`, `4111 `, `eyJ`).
    pub safe_prefix: String,
}

impl Detection {
    /// A detection of the whole (trimmed) value; `decoded` is set by the decoding step.
    pub(crate) fn new(
        kind: ValueKind,
        certainty: Certainty,
        detail: Option<String>,
        safe_prefix: impl Into<String>,
    ) -> Detection {
        Detection {
            kind,
            certainty,
            detail,
            decoded: false,
            safe_prefix: safe_prefix.into(),
        }
    }

    /// Append a `key=value` or flag to the detail.
    pub(crate) fn add_detail(&mut self, fact: &str) {
        match &mut self.detail {
            Some(d) => {
                d.push_str(", ");
                d.push_str(fact);
            }
            None => self.detail = Some(fact.to_string()),
        }
    }
}

/// Values shorter than this are never anything (`::1` is the shortest thing detected).
pub(crate) const MIN_LEN: usize = 3;

/// Longest value whose characters are profiled for the whole-value detectors. Every
/// whole-value shape (email at most 254 bytes, IPv6, card, IBAN, phone, SSN, `SECRET_KEY`) fits;
/// longer values only go through the marker scan, decoding and the entropy fallback.
pub(crate) const MAX_SHAPED_LEN: usize = 256;

/// Detect the most specific kind for a string value, or `None`. Cheap for ordinary strings.
///
/// Order: whole-value shapes and marked tokens first (a validated specific kind beats
/// everything), then one level of decoding, then the name-dependent high-entropy fallback.
pub fn detect(value: &str, hint: NameHint) -> Option<Detection> {
    let v = value.trim_ascii();
    if v.len() < MIN_LEN {
        return None;
    }
    let profile = Profile::of_prefix(v, MAX_SHAPED_LEN);
    if let Some(d) = detect_plain(v, &profile, hint) {
        return Some(d);
    }
    if let Some(d) = decode::detect_decoded(v, &profile, hint) {
        return Some(d);
    }
    if hint.secret_like {
        return entropy::detect(v, &profile);
    }
    None
}

/// Steps 1 and 2 of the overview: whole-value shapes, then marked tokens. Also used on decoded
/// text (which is never decoded again).
pub(crate) fn detect_plain(v: &str, p: &Profile, hint: NameHint) -> Option<Detection> {
    if v.len() <= MAX_SHAPED_LEN
        && let Some(d) = whole_value(v, p, hint)
    {
        return Some(d);
    }
    if embedded::worth_scanning(v, p) {
        return embedded::scan(v);
    }
    None
}

/// Dispatch on the character classes present: each detector runs only if its alphabet fits.
fn whole_value(v: &str, p: &Profile, hint: NameHint) -> Option<Detection> {
    use profile::*;
    let bits = p.bits;

    // Digits with card / SSN / phone separators only: `4111 1111 1111 1111`, `078-05-1120`,
    // `(415) 555-2671`, `+44 20 7946 0958`. Plain words never get here.
    if bits & DIGIT != 0 && bits & !(DIGIT | SPACE | DASH | DOT | PAREN | PLUS) == 0 {
        if bits & (DOT | PAREN | PLUS) == 0 {
            if let Some(d) = ssn::detect(v) {
                return Some(d);
            }
            if let Some(d) = card::detect(v) {
                return Some(d);
            }
        }
        if bits & (DOT | DASH | SPACE) == DOT
            && v.bytes().filter(|&b| b == b'.').count() == 3
            && let Some(d) = ip::detect(v)
        {
            return Some(d);
        }
        return phone::detect(v);
    }

    // IPv6 (and IPv4-mapped IPv6): hex digits, colons, perhaps dots.
    if bits & COLON != 0 && bits & NONHEX_ALPHA == 0 && bits & !(DIGIT | LETTER | COLON | DOT) == 0
    {
        return ip::detect(v);
    }

    // AWS and Google keys as whole values: an all-letter key has none of the digits or
    // punctuation the marker-scan gate looks for.
    if v.len() == 20
        && bits & LOWER == 0
        && bits & !(DIGIT | LETTER) == 0
        && let Some(d) = tokens::aws_access_key_id(v)
    {
        return Some(d);
    }
    if v.len() == 39
        && v.starts_with(tokens::GOOGLE_PREFIX)
        && let Some(d) = tokens::google(v)
    {
        return Some(d);
    }

    // IBAN: upper-case letters and digits, optionally grouped by spaces.
    if bits & UPPER != 0
        && bits & DIGIT != 0
        && bits & LOWER == 0
        && bits & !(LETTER | DIGIT | SPACE) == 0
        && let Some(d) = iban::detect(v)
    {
        return Some(d);
    }

    if bits & AT != 0
        && let Some(d) = email::detect(v, p)
    {
        return Some(d);
    }

    if (hint.secret_like || hint.settings_like)
        && bits & SPACE == 0
        && let Some(d) = secret_key::detect(v, hint)
    {
        return Some(d);
    }

    if hint.secret_like && bits & SPACE == 0 && v.len() == 40 {
        return tokens::aws_secret_access_key(v);
    }
    None
}

/// Luhn checksum over the digits of `number` (spaces and dashes ignored).
///
/// Any other character makes the number invalid, and so does having fewer than two digits
/// (a single `0` would otherwise "validate").
pub fn luhn_valid(number: &str) -> bool {
    card::luhn_valid(number)
}

/// ISO 13616 IBAN: country length table and mod-97.
///
/// Spaces are ignored and letters may be of either case; the country must be in the IBAN
/// registry, the length must be that country's, and the check digits must be 02..=98 and make
/// the mod-97 remainder 1.
pub fn iban_valid(iban: &str) -> bool {
    iban::iban_valid(iban)
}

/// The IBAN registry as this crate knows it: `(country code, IBAN length)` pairs.
pub fn iban_lengths() -> &'static [(&'static str, usize)] {
    iban::lengths()
}

/// US SSN `AAA-GG-SSSS`: not area 000, 666 or 9xx, not group 00, not serial 0000.
///
/// Accepts `AAA-GG-SSSS` or nine bare digits (a caller that knows the field is an SSN may pass
/// either; [`detect`] itself only reports the dashed form, see the `ssn` module). Well-known
/// fake numbers (`078-05-1120`, `219-09-9999`, `457-55-5462`, `123-45-6789`) are rejected.
pub fn ssn_valid(ssn: &str) -> bool {
    ssn::ssn_valid(ssn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for kind in ValueKind::ALL {
            assert_eq!(ValueKind::from_name(kind.as_str()), Some(*kind));
            assert!(seen.insert(kind.as_str()));
            assert!(
                kind.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            );
        }
        assert_eq!(seen.len(), 23);
        assert_eq!(ValueKind::from_name("nope"), None);
    }

    #[test]
    fn ordinary_strings_are_clean() {
        for v in [
            "",
            "a",
            "hello",
            "shipped",
            "The quick brown fox jumps over the lazy dog.",
            "en-US",
            "2024-01-15",
            "2024-01-15T10:30:00Z",
            "550e8400-e29b-41d4-a716-446655440000",
            "1.2.3",
            "19.99",
            "true",
        ] {
            assert_eq!(detect(v, NameHint::default()), None, "{v:?}");
        }
    }
}
