//! Payment card numbers (PANs).
//!
//! Sixteen digits are also order numbers, invoice ids and microsecond timestamps. A PAN must
//! pass three independent checks: the Luhn checksum (which any 16-digit id passes one time in
//! ten), an issuer's IIN range, and that issuer's lengths. Grouping must be the way cards are
//! printed (`4-4-4-4`, `4-6-5` for Amex, `4-6-4` for Diners, one kind of separator). An
//! ungrouped number that passes is reported with medium certainty: it validates, but nothing
//! in its presentation says "card".

use crate::{Certainty, Detection, ValueKind};

/// Luhn over digits; spaces and dashes ignored, anything else invalid, at least two digits.
pub(crate) fn luhn_valid(number: &str) -> bool {
    let mut sum = 0u32;
    let mut digits = 0usize;
    for b in number.bytes().rev() {
        match b {
            b'0'..=b'9' => {
                let mut d = u32::from(b - b'0');
                if digits % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                digits += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    digits >= 2 && sum.is_multiple_of(10)
}

/// The issuer whose IIN range `digits` falls in, with that issuer's valid lengths.
fn issuer(digits: &[u8]) -> Option<(&'static str, &'static [usize])> {
    let prefix = |n: usize| -> u32 {
        digits[..n.min(digits.len())]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    const ONE: &[usize] = &[15];
    const VISA: &[usize] = &[13, 16, 19];
    const SIXTEEN: &[usize] = &[16];
    const LONG: &[usize] = &[16, 17, 18, 19];
    const DINERS: &[usize] = &[14, 15, 16, 17, 18, 19];
    Some(match () {
        _ if p2 == 34 || p2 == 37 => ("amex", ONE),
        _ if p1 == 4 => ("visa", VISA),
        _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => ("mastercard", SIXTEEN),
        _ if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => ("discover", LONG),
        _ if (3528..=3589).contains(&p4) => ("jcb", LONG),
        _ if (300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39 => {
            ("diners", DINERS)
        }
        _ if p2 == 62 => ("unionpay", LONG),
        _ => return None,
    })
}

/// Group lengths as cards are printed; the last group of a 4-4-4-4(-3) layout may be short.
fn grouping_ok(groups: &[usize]) -> bool {
    match groups {
        [4, 6, 5] | [4, 6, 4] => true,
        [rest @ .., last] if rest.len() >= 3 => {
            rest.iter().all(|&g| g == 4) && (1..=4).contains(last)
        }
        _ => false,
    }
}

/// `v` holds only digits, spaces and dashes (the dispatcher checked).
pub(crate) fn detect(v: &str) -> Option<Detection> {
    let has_space = v.contains(' ');
    let has_dash = v.contains('-');
    let grouped = has_space || has_dash;
    if has_space && has_dash {
        return None;
    }
    if !(13..=23).contains(&v.len()) {
        return None;
    }
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) {
        return None;
    }
    if grouped {
        let sep = if has_space { ' ' } else { '-' };
        let groups: Vec<usize> = v.split(sep).map(str::len).collect();
        if groups.contains(&0) || !grouping_ok(&groups) {
            return None;
        }
    }
    let (name, lengths) = issuer(&digits)?;
    if !lengths.contains(&digits.len()) || !luhn_valid(v) {
        return None;
    }
    let prefix = format!("{} ", String::from_utf8_lossy(&digits[..4]));
    Some(Detection::new(
        ValueKind::CardNumber,
        if grouped {
            Certainty::High
        } else {
            Certainty::Medium
        },
        Some(format!("issuer={name}")),
        prefix,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid("0"));
        assert!(!luhn_valid("4111x1111"));
    }

    #[test]
    fn issuers() {
        for (pan, name) in [
            ("4111111111111111", "visa"),
            ("5555555555554444", "mastercard"),
            ("2223003122003222", "mastercard"),
            ("378282246310005", "amex"),
            ("6011111111111117", "discover"),
            ("3530111333300000", "jcb"),
            ("30569309025904", "diners"),
            ("6200000000000005", "unionpay"),
        ] {
            let d = detect(pan).unwrap_or_else(|| panic!("{pan}"));
            assert_eq!(
                d.detail.as_deref(),
                Some(&*format!("issuer={name}")),
                "{pan}"
            );
        }
    }
}
