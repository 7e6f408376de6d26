//! US Social Security numbers.
//!
//! The SSA never issues area `000`, `666` or `900`-`999`, group `00` or serial `0000`; numbers
//! from advertisements and wallets that were printed by the million (`078-05-1120`, the
//! Woolworth wallet card; `219-09-9999`, an SSA pamphlet; `457-55-5462`, a LifeLock
//! advertisement; `123-45-6789`) are test data, not someone's number.
//!
//! [`detect`] requires the dashed `AAA-GG-SSSS` form: nine bare digits are also zip+4 codes,
//! phone fragments and database ids, and the [`NameHint`](crate::NameHint) has no "this is an
//! SSN field" flag to lean on. A caller that knows the field holds an SSN can call
//! [`ssn_valid`](crate::ssn_valid), which also accepts nine bare digits.

use crate::{Certainty, Detection, ValueKind};

const KNOWN_FAKES: &[&str] = &["078051120", "219099999", "457555462", "123456789"];

pub(crate) fn ssn_valid(ssn: &str) -> bool {
    let b = ssn.as_bytes();
    let digits: [u8; 9] = match b.len() {
        11 if b[3] == b'-' && b[6] == b'-' => {
            let mut d = [0u8; 9];
            for (out, &c) in d
                .iter_mut()
                .zip(b[..3].iter().chain(&b[4..6]).chain(&b[7..]))
            {
                *out = c;
            }
            d
        }
        9 => b.try_into().unwrap_or([0; 9]),
        _ => return false,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = &digits[..3];
    let group = &digits[3..5];
    let serial = &digits[5..];
    if area == b"000" || area == b"666" || area[0] == b'9' || group == b"00" || serial == b"0000" {
        return false;
    }
    let Ok(text) = std::str::from_utf8(&digits) else {
        return false;
    };
    !KNOWN_FAKES.contains(&text)
}

/// `v` holds only digits, spaces and dashes (the dispatcher checked).
pub(crate) fn detect(v: &str) -> Option<Detection> {
    let b = v.as_bytes();
    if b.len() != 11 || b[3] != b'-' || b[6] != b'-' || !ssn_valid(v) {
        return None;
    }
    Some(Detection::new(
        ValueKind::UsSsn,
        Certainty::Medium,
        None,
        "",
    ))
}
