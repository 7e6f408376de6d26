//! IBANs (ISO 13616).
//!
//! Two letters, two digits and some alphanumerics describe many product codes; an IBAN's
//! country must be in the registry, its length must be that country's, its check digits must
//! be in 02..=98, and the ISO 7064 mod-97-10 remainder of the rearranged number must be 1 (which
//! a random string of the right shape passes about one time in 97). Printed grouping (blocks of
//! four separated by single spaces) is accepted.

use crate::{Certainty, Detection, ValueKind};

/// IBAN lengths per country, from the SWIFT IBAN registry.
#[rustfmt::skip]
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22),
    ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20),
    ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22),
    ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HN", 28), ("HR", 21),
    ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30),
    ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
    ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
    ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23),
    ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22),
    ("RU", 33), ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24),
    ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26),
    ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
];

/// The registry length for a country code (upper case), if it has IBANs.
pub(crate) fn country_length(country: &str) -> Option<usize> {
    LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, n)| *n)
}

/// Every country in the registry with its IBAN length.
pub(crate) fn lengths() -> &'static [(&'static str, usize)] {
    LENGTHS
}

/// ISO 7064 mod 97-10 of the IBAN rearranged (first four characters moved to the end, letters
/// as 10..=35). `None` on a character that is not alphanumeric.
pub(crate) fn mod97(compact: &[u8]) -> Option<u32> {
    let rearranged = compact[4..].iter().chain(&compact[..4]);
    let mut r = 0u32;
    for &c in rearranged {
        r = match c {
            b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (r * 100 + u32::from(c - b'A' + 10)) % 97,
            b'a'..=b'z' => (r * 100 + u32::from(c - b'a' + 10)) % 97,
            _ => return None,
        };
    }
    Some(r)
}

pub(crate) fn iban_valid(iban: &str) -> bool {
    let compact: Vec<u8> = iban.bytes().filter(|&b| b != b' ').collect();
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    let country = [
        compact[0].to_ascii_uppercase(),
        compact[1].to_ascii_uppercase(),
    ];
    let Ok(country) = std::str::from_utf8(&country) else {
        return false;
    };
    if country_length(country) != Some(compact.len()) {
        return false;
    }
    if !(compact[2].is_ascii_digit() && compact[3].is_ascii_digit()) {
        return false;
    }
    let check = (compact[2] - b'0') * 10 + (compact[3] - b'0');
    (2..=98).contains(&check) && mod97(&compact) == Some(1)
}

/// `v` holds only upper-case letters, digits and spaces (the dispatcher checked).
pub(crate) fn detect(v: &str) -> Option<Detection> {
    if v.len() < 15 || v.len() > 42 {
        return None;
    }
    let b = v.as_bytes();
    if !(b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase()) {
        return None;
    }
    if v.contains(' ') {
        let groups: Vec<usize> = v.split(' ').map(str::len).collect();
        let (last, rest) = groups.split_last()?;
        if !rest.iter().all(|&g| g == 4) || !(1..=4).contains(last) {
            return None;
        }
    }
    if !iban_valid(v) {
        return None;
    }
    Some(Detection::new(
        ValueKind::Iban,
        Certainty::High,
        Some(format!("country={}", &v[..2])),
        &v[..2],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_examples() {
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(iban_valid("GB29NWBK60161331926819"));
        assert!(iban_valid("gb29nwbk60161331926819"));
        assert!(!iban_valid("DE89 3704 0044 0532 0130 01"));
        assert!(!iban_valid("XX89 3704 0044 0532 0130 00"));
        assert!(!iban_valid("DE89 3704 0044 0532 0130 0"));
    }
}
