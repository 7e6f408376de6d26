//! A bit set of the character classes present in a value, built in one table-driven pass.
//!
//! This is what makes the common case cheap: "which detectors could possibly match?" becomes
//! a few AND/compare instructions instead of a regex per detector.

pub(crate) const DIGIT: u32 = 1 << 0;
/// `A-Z`.
pub(crate) const UPPER: u32 = 1 << 1;
/// `a-z`.
pub(crate) const LOWER: u32 = 1 << 2;
/// Letters that are also hex digits (`a-f`, `A-F`); set together with UPPER / LOWER.
pub(crate) const HEX_ALPHA: u32 = 1 << 3;
/// Letters that are not hex digits (`g-z`, `G-Z`); set together with UPPER / LOWER.
pub(crate) const NONHEX_ALPHA: u32 = 1 << 4;
/// Every bit a letter can set.
pub(crate) const LETTER: u32 = UPPER | LOWER | HEX_ALPHA | NONHEX_ALPHA;
/// Any ASCII whitespace.
pub(crate) const SPACE: u32 = 1 << 5;
pub(crate) const DASH: u32 = 1 << 6;
pub(crate) const DOT: u32 = 1 << 7;
pub(crate) const COLON: u32 = 1 << 8;
pub(crate) const AT: u32 = 1 << 9;
pub(crate) const PLUS: u32 = 1 << 10;
/// `(` or `)`.
pub(crate) const PAREN: u32 = 1 << 11;
pub(crate) const SLASH: u32 = 1 << 12;
pub(crate) const UNDERSCORE: u32 = 1 << 13;
pub(crate) const DOLLAR: u32 = 1 << 14;
pub(crate) const EQUALS: u32 = 1 << 15;
pub(crate) const SEMICOLON: u32 = 1 << 16;
pub(crate) const PERCENT: u32 = 1 << 17;
/// `{ } [ ]`.
pub(crate) const BRACE: u32 = 1 << 18;
/// `< >`.
pub(crate) const ANGLE: u32 = 1 << 19;
/// Any other printable ASCII punctuation.
pub(crate) const OTHER_PUNCT: u32 = 1 << 20;
/// Control characters other than whitespace.
pub(crate) const CONTROL: u32 = 1 << 21;
/// Any byte >= 0x80 (part of a multi-byte UTF-8 character).
pub(crate) const NON_ASCII: u32 = 1 << 22;
/// Set when the value was longer than the profiled prefix: the bits then describe only that
/// prefix, so "no X present" cannot be concluded.
pub(crate) const TRUNCATED: u32 = 1 << 31;

const fn class_of(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => DIGIT,
        b'a'..=b'f' => LOWER | HEX_ALPHA,
        b'g'..=b'z' => LOWER | NONHEX_ALPHA,
        b'A'..=b'F' => UPPER | HEX_ALPHA,
        b'G'..=b'Z' => UPPER | NONHEX_ALPHA,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => SPACE,
        b'-' => DASH,
        b'.' => DOT,
        b':' => COLON,
        b'@' => AT,
        b'+' => PLUS,
        b'(' | b')' => PAREN,
        b'/' => SLASH,
        b'_' => UNDERSCORE,
        b'$' => DOLLAR,
        b'=' => EQUALS,
        b';' => SEMICOLON,
        b'%' => PERCENT,
        b'{' | b'}' | b'[' | b']' => BRACE,
        b'<' | b'>' => ANGLE,
        0x00..=0x1f | 0x7f => CONTROL,
        0x80..=0xff => NON_ASCII,
        _ => OTHER_PUNCT,
    }
}

static TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class_of(i as u8);
        i += 1;
    }
    t
};

/// Character classes of a value (or of its first `limit` bytes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    pub bits: u32,
}

impl Profile {
    /// Profile at most the first `limit` bytes; longer values get [`TRUNCATED`].
    pub(crate) fn of_prefix(v: &str, limit: usize) -> Profile {
        let bytes = v.as_bytes();
        let (head, truncated) = if bytes.len() > limit {
            (&bytes[..limit], TRUNCATED)
        } else {
            (bytes, 0)
        };
        Profile {
            bits: bits_of(head) | truncated,
        }
    }

    /// Profile the whole value.
    pub(crate) fn of(v: &str) -> Profile {
        Profile {
            bits: bits_of(v.as_bytes()),
        }
    }

    /// True when every class present is in `allowed` (and the whole value was profiled).
    pub(crate) fn only(&self, allowed: u32) -> bool {
        self.bits & !allowed == 0
    }

    pub(crate) fn has(&self, class: u32) -> bool {
        self.bits & class != 0
    }
}

fn bits_of(bytes: &[u8]) -> u32 {
    // Four independent accumulators let the loop run without a dependency chain on one OR.
    let mut acc = [0u32; 4];
    let mut chunks = bytes.chunks_exact(4);
    for c in &mut chunks {
        acc[0] |= TABLE[c[0] as usize];
        acc[1] |= TABLE[c[1] as usize];
        acc[2] |= TABLE[c[2] as usize];
        acc[3] |= TABLE[c[3] as usize];
    }
    for &b in chunks.remainder() {
        acc[0] |= TABLE[b as usize];
    }
    acc[0] | acc[1] | acc[2] | acc[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let p = Profile::of("ab-Z9 ");
        assert!(p.has(LOWER) && p.has(UPPER) && p.has(DIGIT) && p.has(DASH) && p.has(SPACE));
        assert!(p.has(HEX_ALPHA) && p.has(NONHEX_ALPHA));
        assert!(Profile::of("0123").only(DIGIT));
        assert!(Profile::of("deadBEEF").only(LOWER | UPPER | HEX_ALPHA));
        assert!(Profile::of_prefix("abcdef", 3).has(TRUNCATED));
        assert!(Profile::of("é").has(NON_ASCII));
    }
}
