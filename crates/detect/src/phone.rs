//! Phone numbers.
//!
//! The hard part is not matching phone numbers but *not* matching everything else made of
//! digits and separators: plain integers, dates (`2024-01-15`, `15.01.2024`), versions
//! (`1.2.3`), IP addresses, prices, card and order numbers. So only these layouts count:
//!
//! - **International**: `+` and 8 to 15 digits (E.164), bare or grouped by spaces, dashes,
//!   dots or a parenthesised trunk prefix (`+44 (0)20 7946 0958`). `+1` numbers must also
//!   satisfy the North American plan (10 digits, area and exchange codes starting 2-9, area
//!   code not `N11` or `N9X`). Certainty high: the `+` says "phone".
//! - **North American national**: `(415) 555-2671`, `415-555-2671`, `415.555.2671`,
//!   `1-415-555-2671`, with the same plan checks. Certainty medium.
//! - **National with trunk prefix 0**: `020 7946 0958`, `06 12 34 56 78`, `030 12345678`:
//!   9 to 12 digits, a first group of 2 to 5 digits starting with `0` (the trunk and area
//!   code), then groups of 2 to 8; not the `AAA-GG-SSSS` SSN layout. Certainty medium.
//!
//! Ungrouped digits without `+` are never phones: a 10-digit integer is far more often an id.
//! Separators must be single (or a parenthesis next to a space) and, when dots are used, dots
//! only.

use crate::{Certainty, Detection, ValueKind};

const SEP_SPACE: u8 = 1;
const SEP_DASH: u8 = 2;
const SEP_DOT: u8 = 4;

struct Shape<'a> {
    /// Digit runs, in order.
    groups: Vec<&'a str>,
    /// Union of the separators used between groups.
    seps: u8,
    /// Index of the group inside parentheses, if any.
    paren_group: Option<usize>,
}

/// Split into digit groups and check the separator grammar; `None` if it is not a plausible
/// phone layout at all. `s` has no leading `+`.
fn shape(s: &str) -> Option<Shape<'_>> {
    let b = s.as_bytes();
    let mut groups = Vec::new();
    let mut seps = 0u8;
    let mut paren_group = None;
    let mut open = false;
    let mut i = 0;
    let mut run_len = 0usize; // length of the current separator run
    let mut run_has_paren = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if open && paren_group.is_none() {
                paren_group = Some(groups.len());
            }
            groups.push(&s[start..i]);
            run_len = 0;
            run_has_paren = false;
            continue;
        }
        match c {
            b' ' => seps |= SEP_SPACE,
            b'-' => seps |= SEP_DASH,
            b'.' => seps |= SEP_DOT,
            b'(' => {
                if open || paren_group.is_some() {
                    return None;
                }
                open = true;
                run_has_paren = true;
            }
            b')' => {
                // Closes a parenthesis that holds exactly one digit group.
                if !open || paren_group != Some(groups.len().checked_sub(1)?) || run_len != 0 {
                    return None;
                }
                open = false;
                run_has_paren = true;
            }
            _ => return None,
        }
        run_len += 1;
        if run_len > 2 || (run_len == 2 && !run_has_paren) {
            return None;
        }
        i += 1;
    }
    // Must start and end with a digit (a leading parenthesis excepted).
    let first_ok = b.first().is_some_and(|c| c.is_ascii_digit() || *c == b'(');
    let last_ok = b.last().is_some_and(u8::is_ascii_digit);
    if open || !first_ok || !last_ok {
        return None;
    }
    if seps & SEP_DOT != 0 && (seps != SEP_DOT || paren_group.is_some()) {
        return None;
    }
    Some(Shape {
        groups,
        seps,
        paren_group,
    })
}

/// North American Numbering Plan: `NPA NXX XXXX`.
fn nanp_ok(ten: &[u8]) -> bool {
    if ten.len() != 10 {
        return false;
    }
    let n11 = |d: &[u8]| d[1] == b'1' && d[2] == b'1';
    let (npa, nxx) = (&ten[..3], &ten[3..6]);
    (b'2'..=b'9').contains(&npa[0])
        && npa[1] != b'9'
        && !n11(npa)
        && (b'2'..=b'9').contains(&nxx[0])
        && !n11(nxx)
}

fn digits_of(groups: &[&str]) -> Vec<u8> {
    groups.iter().flat_map(|g| g.bytes()).collect()
}

fn detection(certainty: Certainty, detail: &str, v: &str) -> Detection {
    // The country or area code is not identifying; keep at most the first three characters.
    let prefix: String = v.chars().take(3).collect();
    Detection::new(
        ValueKind::Phone,
        certainty,
        Some(detail.to_string()),
        prefix,
    )
}

/// `v` holds only digits, spaces, dashes, dots, parentheses and `+` (the dispatcher checked).
pub(crate) fn detect(v: &str) -> Option<Detection> {
    if v.len() < 10 || v.len() > 32 {
        return None;
    }
    if let Some(body) = v.strip_prefix('+') {
        return international(v, body);
    }
    if v.contains('+') {
        return None;
    }
    let sh = shape(v)?;
    if sh.groups.len() < 2 {
        return None; // a plain integer
    }
    let lens: Vec<usize> = sh.groups.iter().map(|g| g.len()).collect();
    let digits = digits_of(&sh.groups);
    let single_sep = sh.seps.count_ones() <= 1;

    // North American: (415) 555-2671, 415-555-2671, 415.555.2671, 1-415-555-2671.
    let nanp = match lens.as_slice() {
        [3, 3, 4] => {
            sh.paren_group.is_none_or(|g| g == 0) && (single_sep || sh.paren_group == Some(0))
        }
        [1, 3, 3, 4] => sh.groups[0] == "1" && single_sep && sh.paren_group.is_none_or(|g| g == 1),
        _ => false,
    };
    if nanp {
        let ten = &digits[digits.len() - 10..];
        return nanp_ok(ten).then(|| detection(Certainty::Medium, "format=north-american", v));
    }

    // National with trunk prefix 0. `AAA-GG-SSSS` is the SSN layout, never a phone.
    let trunk = sh.groups[0].starts_with('0')
        && (2..=5).contains(&lens[0])
        && lens[1..].iter().all(|l| (2..=8).contains(l))
        && lens != [3, 2, 4]
        && (9..=12).contains(&digits.len())
        && sh.paren_group.is_none_or(|g| g == 0)
        && (single_sep || sh.paren_group == Some(0))
        && digits.iter().any(|&d| d != b'0');
    trunk.then(|| detection(Certainty::Medium, "format=national", v))
}

fn international(v: &str, body: &str) -> Option<Detection> {
    let sh = shape(body)?;
    let digits = digits_of(&sh.groups);
    if !(8..=15).contains(&digits.len()) || digits[0] == b'0' {
        return None;
    }
    if sh.groups.len() > 1 {
        // The country code comes first and is at most three digits (four with a trunk or
        // area code run together, as in `+4420 ...`); each group stays short.
        if sh.groups[0].len() > 4 || sh.groups.iter().skip(1).any(|g| g.len() > 10) {
            return None;
        }
        if sh.paren_group == Some(0) {
            return None; // `+(44)` is not a layout anyone uses
        }
    }
    match digits[0] {
        b'1' if digits.len() != 11 || !nanp_ok(&digits[1..]) => return None,
        b'7' if digits.len() != 11 => return None,
        _ => {}
    }
    Some(detection(Certainty::High, "format=international", v))
}
