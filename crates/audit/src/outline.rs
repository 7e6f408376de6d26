//! A Python file's statement outline, found without parsing it: where each top-level statement
//! (and each member of a class body) starts and ends, and what it is (an import, a class with
//! its base names, a function, anything else).
//!
//! The audit uses it to decide what is worth parsing (see `select`): most of a large code base
//! is function bodies no rule reads. Written by hand because no crate gives Python statement
//! boundaries without a full parse (ruff's lexer would tokenize every byte, which is most of
//! what we want to avoid). It only has to find logical lines: it tracks strings (all prefixes,
//! triple quotes, escapes), comments, brackets and backslash continuations, and gives up
//! (`None`) on anything it cannot follow, in which case the file is parsed whole.

use memchr::{memchr2, memchr3};

/// One statement of a block (the module, or a class body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Byte offset of its first line (the first decorator's line for a decorated definition).
    pub start: u32,
    /// Byte offset of the first non-blank character of that line.
    pub first: u32,
    /// End of its first logical line (after the newline): for a definition, where the body
    /// starts.
    pub head_end: u32,
    /// End of its last line (after the newline).
    pub end: u32,
    /// First non-blank character of the body's first line, when the body is on lines of its
    /// own.
    pub body: Option<u32>,
    pub kind: Kind,
}

/// What a statement is. Small on purpose: an outline of a large tree holds hundreds of
/// thousands of statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `import …` / `from … import …`.
    Import,
    /// A class, with its members.
    Class(Box<[Statement]>),
    /// `def` / `async def`, with the byte range of its name.
    Def(u32, u32),
    Other,
}

impl Statement {
    /// The statement fits on one logical line (`x = 1`, `def f(): return 1`).
    pub fn is_one_line(&self) -> bool {
        self.end == self.head_end
    }
}

/// The statements of a module, or `None` when the text is not something the outline can follow
/// (an unterminated string or bracket, an unexpected dedent): parse such a file whole.
pub fn outline(text: &str) -> Option<Vec<Statement>> {
    let src = text.as_bytes();
    if src.len() >= u32::MAX as usize {
        return None;
    }
    thread_local! {
        // The lines of the file being outlined, in a vector every file of the thread reuses
        // (a fresh one per file would be regrown, and copied, a dozen times for a large file).
        static LINES: std::cell::RefCell<Vec<Line>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LINES.with_borrow_mut(|lines| {
        lines.clear();
        logical_lines(src, lines)?;
        let mut next = 0;
        let block = statements(src, lines, &mut next, 0)?;
        (next == lines.len()).then_some(block)
    })
}

/// A logical line: a physical line plus those its brackets, strings or backslashes continue
/// onto.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    indent: u32,
    content: usize,
    end: usize,
}

fn logical_lines(src: &[u8], out: &mut Vec<Line>) -> Option<()> {
    let mut specials = Specials::new(src);
    let mut i = 0;
    while i < src.len() {
        let start = i;
        let mut indent = 0u32;
        loop {
            // Spaces first: nearly every indentation is spaces only.
            let spaces = leading_spaces(&src[i..]);
            indent += spaces as u32;
            i += spaces;
            match src.get(i) {
                // Python's rule: a tab advances to the next multiple of 8.
                Some(b'\t') => indent = (indent / 8 + 1) * 8,
                Some(b'\x0c') => indent = 0,
                _ => break,
            }
            i += 1;
        }
        match src.get(i) {
            None => break,
            Some(b'#') => i = after_newline(src, end_of_line(src, i)),
            Some(b'\n' | b'\r') => i = after_newline(src, i),
            Some(_) => {
                let content = i;
                i = logical_end(&mut specials, i)?;
                out.push(Line {
                    start,
                    indent,
                    content,
                    end: i,
                });
            }
        }
    }
    Some(())
}

/// How many spaces `src` starts with, eight bytes at a time (a quarter of a file's bytes are
/// indentation).
fn leading_spaces(src: &[u8]) -> usize {
    let mut n = 0;
    while let Some(word) = src.get(n..n + 8) {
        let other = u64::from_le_bytes(word.try_into().expect("eight bytes"))
            ^ u64::from_ne_bytes([b' '; 8]);
        if other != 0 {
            return n + (other.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + src[n..].iter().take_while(|&&b| b == b' ').count()
}

fn end_of_line(src: &[u8], i: usize) -> usize {
    memchr2(b'\n', b'\r', &src[i..]).map_or(src.len(), |p| i + p)
}

fn after_newline(src: &[u8], mut i: usize) -> usize {
    if src.get(i) == Some(&b'\r') {
        i += 1;
    }
    if src.get(i) == Some(&b'\n') {
        i += 1;
    }
    i
}

/// Bytes that change the scanner's state; everything else is skipped in a tight loop.
const SPECIAL_BYTES: [u8; 12] = *b"#'\"()[]{}\\\n\r";
/// The same, as a table.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < SPECIAL_BYTES.len() {
        t[SPECIAL_BYTES[i] as usize] = true;
        i += 1;
    }
    t
};

/// Where the special bytes are, handed out in order: a 64-byte window of the text is compared
/// against the special values once, as a bit mask, and each query takes the next bit.
///
/// A file has a special byte every twelve bytes or so (brackets, quotes, newlines): searching
/// afresh from each one compared most bytes several times, and was most of the outline's time.
/// Written by hand because `memchr` looks for at most three bytes.
struct Specials<'s> {
    src: &'s [u8],
    /// Start of the window the mask describes (`usize::MAX`: none yet).
    at: usize,
    /// Bit `k` is set when `src[at + k]` is special (bits past the end of `src` are clear).
    mask: u64,
}

impl<'s> Specials<'s> {
    fn new(src: &'s [u8]) -> Self {
        Specials {
            src,
            at: usize::MAX,
            mask: 0,
        }
    }

    /// The first special byte at or after `i` (`src.len()` if none).
    fn next(&mut self, mut i: usize) -> usize {
        loop {
            if i >= self.at && i - self.at < 64 {
                let rest = self.mask >> (i - self.at);
                if rest != 0 {
                    return i + rest.trailing_zeros() as usize;
                }
                i = self.at + 64;
            }
            if i >= self.src.len() {
                return self.src.len();
            }
            self.at = i;
            self.mask = window_mask(self.src, i);
        }
    }
}

/// The special bytes as two tables, by low and by high nibble: a byte is special exactly when
/// its two entries share a bit (one bit per high nibble that special bytes have: `0x0_`,
/// `0x2_`, `0x5_`, `0x7_`), so a vector classifies 32 bytes with two table lookups instead of
/// twelve comparisons. Exact for any set of special bytes with at most 8 high nibbles: a low
/// nibble's entry holds a high nibble's bit only when that pair is a special byte.
const NIBBLES: ([u8; 16], [u8; 16]) = {
    let (mut low, mut high) = ([0u8; 16], [0u8; 16]);
    let mut bits = 0;
    let mut i = 0;
    while i < SPECIAL_BYTES.len() {
        let (lo, hi) = (
            (SPECIAL_BYTES[i] & 0x0f) as usize,
            (SPECIAL_BYTES[i] >> 4) as usize,
        );
        if high[hi] == 0 {
            assert!(bits < 8, "at most 8 high nibbles");
            high[hi] = 1 << bits;
            bits += 1;
        }
        low[lo] |= high[hi];
        i += 1;
    }
    (low, high)
};

/// The special bytes of `src[at..at + 64]` as a bit mask.
fn window_mask(src: &[u8], at: usize) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if at + 64 <= src.len() {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is present (checked just above); the window is in bounds.
            return unsafe { window_mask_avx2(src, at) };
        }
        return window_mask_sse2(src, at);
    }
    window_mask_scalar(src, at)
}

fn window_mask_scalar(src: &[u8], at: usize) -> u64 {
    let window = &src[at..src.len().min(at + 64)];
    window
        .iter()
        .enumerate()
        .filter(|(_, b)| SPECIAL[**b as usize])
        .fold(0u64, |mask, (k, _)| mask | 1 << k)
}

/// Twelve comparisons per 16 bytes: SSE2 is all x86_64 is sure to have.
#[cfg(target_arch = "x86_64")]
fn window_mask_sse2(src: &[u8], at: usize) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    assert!(at + 64 <= src.len());
    let mut mask = 0u64;
    for k in 0..4 {
        // SAFETY: SSE2 is part of x86_64; the load reads src[at + 16k..at + 16k + 16], in
        // bounds (asserted above).
        let bits = unsafe {
            let chunk = _mm_loadu_si128(src.as_ptr().add(at + 16 * k).cast::<__m128i>());
            let mut hits = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(SPECIAL_BYTES[0] as i8));
            for &b in &SPECIAL_BYTES[1..] {
                hits = _mm_or_si128(hits, _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b as i8)));
            }
            _mm_movemask_epi8(hits) as u16
        };
        mask |= u64::from(bits) << (16 * k);
    }
    mask
}

/// The nibble tables (see [`NIBBLES`]), 32 bytes at a time.
///
/// # Safety
/// The CPU must have AVX2, and `src[at..at + 64]` must be in bounds.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn window_mask_avx2(src: &[u8], at: usize) -> u64 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_loadu_si128, _mm256_and_si256, _mm256_broadcastsi128_si256,
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
        _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_srli_epi16,
    };
    debug_assert!(at + 64 <= src.len());
    // SAFETY: the tables are 16 bytes each; the caller guarantees AVX2 and that
    // src[at..at + 64] is in bounds, which the two 32-byte loads read.
    unsafe {
        let low =
            _mm256_broadcastsi128_si256(_mm_loadu_si128(NIBBLES.0.as_ptr().cast::<__m128i>()));
        let high =
            _mm256_broadcastsi128_si256(_mm_loadu_si128(NIBBLES.1.as_ptr().cast::<__m128i>()));
        let nibble = _mm256_set1_epi8(0x0f);
        let mut mask = 0u64;
        for k in 0..2 {
            let chunk = _mm256_loadu_si256(src.as_ptr().add(at + 32 * k).cast::<__m256i>());
            let lo = _mm256_and_si256(chunk, nibble);
            let hi = _mm256_and_si256(_mm256_srli_epi16(chunk, 4), nibble);
            let shared =
                _mm256_and_si256(_mm256_shuffle_epi8(low, lo), _mm256_shuffle_epi8(high, hi));
            let plain = _mm256_movemask_epi8(_mm256_cmpeq_epi8(shared, _mm256_setzero_si256()));
            mask |= u64::from(!(plain as u32)) << (32 * k);
        }
        mask
    }
}

/// The end (after the newline) of the logical line that starts at `i`.
fn logical_end(specials: &mut Specials<'_>, mut i: usize) -> Option<usize> {
    let src = specials.src;
    let mut depth = 0u32;
    loop {
        i = specials.next(i);
        let Some(&b) = src.get(i) else {
            return (depth == 0).then_some(src.len());
        };
        match b {
            b'#' => i = end_of_line(src, i),
            b'\'' | b'"' => i = string_end(src, i)?,
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            // A backslash outside a string continues the line.
            b'\\' => i = after_newline(src, i + 1).max(i + 2),
            _ => {
                i = after_newline(src, i);
                if depth == 0 {
                    return Some(i);
                }
            }
        }
    }
}

/// The end of the string literal whose opening quote is at `i`. Prefixes do not matter: in
/// every kind of string a backslash keeps the next character from closing it.
pub(crate) fn string_end(src: &[u8], i: usize) -> Option<usize> {
    let q = src[i];
    if src.get(i + 1) == Some(&q) && src.get(i + 2) == Some(&q) {
        let mut j = i + 3;
        loop {
            let p = j + memchr2(q, b'\\', &src[j..])?;
            if src[p] == b'\\' {
                j = p + 2;
            } else if src.get(p + 1) == Some(&q) && src.get(p + 2) == Some(&q) {
                return Some(p + 3);
            } else {
                j = p + 1;
            }
            if j > src.len() {
                return None;
            }
        }
    }
    let mut j = i + 1;
    loop {
        let p = j + memchr3(q, b'\\', b'\n', &src[j..])?;
        match src[p] {
            b'\\' => j = after_newline(src, p + 1).max(p + 2),
            b'\n' => return None,
            _ => return Some(p + 1),
        }
        if j > src.len() {
            return None;
        }
    }
}

/// The statements of a block whose lines are indented by `indent`, from `lines[*next]` on.
fn statements(src: &[u8], lines: &[Line], next: &mut usize, indent: u32) -> Option<Vec<Statement>> {
    let mut out: Vec<Statement> = Vec::new();
    let mut decorated: Option<(usize, usize)> = None;
    while let Some(line) = lines.get(*next).copied() {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            // Over-indented after a one-line statement: not valid Python; the parser will say
            // so (the whole file is parsed then).
            return None;
        }
        *next += 1;
        let head = &src[line.content..line.end];
        if head.starts_with(b"@") {
            decorated.get_or_insert((line.start, line.content));
            continue;
        }
        let (start, first) = decorated.take().unwrap_or((line.start, line.content));
        let mut kind = kind_of(src, line.content, line.end);
        let body = lines
            .get(*next)
            .filter(|l| l.indent > indent)
            .map(|l| l.content as u32);
        if let Some(body_line) = lines.get(*next).filter(|l| l.indent > indent) {
            match &mut kind {
                Kind::Class(members) => {
                    *members = statements(src, lines, next, body_line.indent)?.into();
                    if lines.get(*next).is_some_and(|l| l.indent > indent) {
                        return None;
                    }
                }
                _ => skip_deeper(lines, next, indent),
            }
        }
        // `elif` / `else` / `except` / `finally` clauses belong to the statement they follow.
        if matches!(kind, Kind::Other) {
            while let Some(l) = lines.get(*next).filter(|l| l.indent == indent) {
                if !is_clause(&src[l.content..l.end]) {
                    break;
                }
                *next += 1;
                skip_deeper(lines, next, indent);
            }
        }
        out.push(Statement {
            start: start as u32,
            first: first as u32,
            head_end: line.end as u32,
            end: lines[*next - 1].end as u32,
            body,
            kind,
        });
    }
    // Decorators with nothing after them: not valid Python.
    decorated.is_none().then_some(out)
}

fn skip_deeper(lines: &[Line], next: &mut usize, indent: u32) {
    while lines.get(*next).is_some_and(|l| l.indent > indent) {
        *next += 1;
    }
}

fn keyword(head: &[u8], word: &[u8]) -> bool {
    head.starts_with(word)
        && head
            .get(word.len())
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80))
}

fn is_clause(head: &[u8]) -> bool {
    ["elif", "else", "except", "finally"]
        .iter()
        .any(|k| keyword(head, k.as_bytes()))
}

fn kind_of(src: &[u8], start: usize, end: usize) -> Kind {
    let head = &src[start..end];
    if keyword(head, b"import") || keyword(head, b"from") {
        Kind::Import
    } else if keyword(head, b"def") {
        def_name(src, start + 3, end)
    } else if keyword(head, b"async") {
        let rest = head[5..].trim_ascii_start();
        if keyword(rest, b"def") {
            def_name(src, end - rest.len() + 3, end)
        } else {
            Kind::Other
        }
    } else if keyword(head, b"class") {
        Kind::Class(Box::default())
    } else {
        Kind::Other
    }
}

fn def_name(src: &[u8], mut at: usize, end: usize) -> Kind {
    while at < end && src[at].is_ascii_whitespace() {
        at += 1;
    }
    let name_end = (at..end).find(|&i| !is_name_byte(src[i])).unwrap_or(end);
    Kind::Def(at as u32, name_end as u32)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, stmts: &[Statement]) -> Vec<String> {
        stmts
            .iter()
            .map(|s| match &s.kind {
                Kind::Import => "import".to_string(),
                Kind::Def(a, b) => format!("def {}", &text[*a as usize..*b as usize]),
                Kind::Other => "other".to_string(),
                Kind::Class(members) => format!("class [{}]", kinds(text, members).join(";")),
            })
            .collect()
    }

    /// The special bytes of `src` at or after `from`, one by one, by the byte table.
    fn by_table(src: &[u8], from: usize) -> Vec<usize> {
        (from..src.len())
            .filter(|&i| SPECIAL[src[i] as usize])
            .collect()
    }

    /// The special bytes of `src` at or after `from`, one by one, by the windowed search.
    fn by_windows(src: &[u8], from: usize) -> Vec<usize> {
        let mut specials = Specials::new(src);
        let mut out = Vec::new();
        let mut i = specials.next(from);
        while i < src.len() {
            out.push(i);
            i = specials.next(i + 1);
        }
        out
    }

    #[test]
    fn the_windowed_special_byte_search_agrees_with_the_byte_table() {
        // Every special byte at every offset of a 150-byte run (both sides of the 16-byte
        // steps and of the 64-byte windows, and in the short window at the end), from every
        // start; then runs with several, and with none.
        for special in &SPECIAL_BYTES {
            for at in 0..150 {
                let mut src = vec![b'a'; 150];
                src[at] = *special;
                for from in 0..=at {
                    assert_eq!(
                        Specials::new(&src).next(from),
                        at,
                        "{special} at {at} from {from}"
                    );
                }
                assert_eq!(Specials::new(&src).next(at + 1), src.len());
            }
        }
        let mixed: Vec<u8> = (0..300u32)
            .map(|i| match i % 37 {
                0 | 5 | 6 => SPECIAL_BYTES[(i % 12) as usize],
                _ => b'x',
            })
            .collect();
        for from in [0, 1, 63, 64, 65, 130, 299] {
            assert_eq!(
                by_windows(&mixed, from),
                by_table(&mixed, from),
                "from {from}"
            );
        }
        let plain: Vec<u8> = (0u8..=255).filter(|b| !SPECIAL[*b as usize]).collect();
        assert_eq!(Specials::new(&plain).next(0), plain.len());
    }

    /// Every way of computing a window's mask agrees with the byte table: the nibble tables
    /// for each of the 256 bytes, and each vector path on text with every byte value at
    /// every position of the window.
    #[test]
    fn every_window_mask_agrees_with_the_byte_table() {
        for b in 0..=255u8 {
            let (low, high) = NIBBLES;
            let by_nibbles = low[(b & 0x0f) as usize] & high[(b >> 4) as usize] != 0;
            assert_eq!(by_nibbles, SPECIAL[b as usize], "byte {b:#04x}");
        }
        let text: Vec<u8> = (0..64 * 9).map(|i| (i * 7 + i / 64) as u8).collect();
        for at in 0..=text.len() - 64 {
            let expected = window_mask_scalar(&text, at);
            #[cfg(target_arch = "x86_64")]
            {
                assert_eq!(window_mask_sse2(&text, at), expected, "sse2 at {at}");
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 is present; the window is in bounds.
                    assert_eq!(
                        unsafe { window_mask_avx2(&text, at) },
                        expected,
                        "avx2 at {at}"
                    );
                }
            }
            assert_eq!(window_mask(&text, at), expected, "at {at}");
        }
    }

    #[test]
    fn leading_spaces_counts_across_words() {
        for n in 0..40 {
            let mut src = vec![b' '; n];
            src.extend_from_slice(b"x = 1   ");
            assert_eq!(leading_spaces(&src), n);
            assert_eq!(leading_spaces(&src[..n]), n);
        }
    }

    #[test]
    fn statements_with_strings_brackets_comments_and_clauses() {
        let src = r#"import os
from a import (
    b,  # ) not a bracket
    c,
)

@decorator(
    x=1,
)
async  def f(a):
    """A docstring with 'quotes' and
    a second line: def g():"""
    return a

class S(serializers.ModelSerializer, Generic[T], metaclass=M, ):
    x = r'\'' + "\"" + f"{a['b']}"
    class Meta:
        fields = '__all__'
    def get(self):
        s = '''
class NotAClass:
'''
        return s
if DEBUG:
    pass
elif x:
    y = 1
else:
    y = [1,
2]
z = 1 + \
    2
"#;
        let stmts = outline(src).expect("outlined");
        assert_eq!(
            kinds(src, &stmts),
            [
                "import",
                "import",
                "def f",
                "class [other;class [other];def get]",
                "other",
                "other",
            ]
        );
        let def = &stmts[2];
        assert_eq!(&src[def.start as usize..def.first as usize], "");
        assert!(src[def.start as usize..].starts_with("@decorator("));
        assert!(src[def.head_end as usize..].starts_with("    \"\"\"A docstring"));
        assert!(src[def.body.unwrap() as usize..].starts_with("\"\"\"A docstring"));
        assert!(src[..def.end as usize].ends_with("return a\n"));
        let if_stmt = &stmts[4];
        assert!(src[..if_stmt.end as usize].ends_with("2]\n"));
        assert!(stmts[5].is_one_line());
    }

    #[test]
    fn what_the_outline_cannot_follow_is_none() {
        assert_eq!(outline("x = 'unterminated\n"), None);
        assert_eq!(outline("x = (1,\n"), None);
        assert_eq!(outline("x = 1)\n"), None);
        assert_eq!(outline("x = '''never closed\n"), None);
        assert_eq!(outline("@decorator\n"), None);
    }

    #[test]
    fn crlf_tabs_and_a_missing_final_newline() {
        let src = "class A( pkg . B ):\r\n\tdef f(self):\r\n\t\treturn 1\r\n\tx = 2";
        let stmts = outline(src).expect("outlined");
        assert_eq!(kinds(src, &stmts), ["class [def f;other]"]);
        assert_eq!(stmts[0].end as usize, src.len());
    }
}
