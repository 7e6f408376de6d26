//! Source files: text, module name, parsed tree, and byte offset → line/column conversion.

use crate::syntax::{Module, Span};
use overshare_finding::SourceLocation;

/// Index of a file in [`crate::Project::files`].
pub type FileId = usize;

/// A place in the project: a file and a byte range in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// What the audit keeps of a file's text: the text it parsed (the whole file, or the file with
/// blocks no rule reads cut out, see `select`), where each piece of it is in the file, and the
/// file's line starts. Offsets everywhere else are the file's; this maps them.
#[derive(Debug)]
pub struct Text {
    text: String,
    /// `(offset in text, offset in the file)` of each piece, in order; empty when `text` is
    /// the whole file.
    pieces: Vec<(u32, u32)>,
    /// Byte offsets (in the file) of line starts.
    lines: Box<[u32]>,
    /// Length of the file.
    len: u32,
}

impl Text {
    /// A whole file.
    pub fn whole(text: String) -> Text {
        let lines = line_starts(&text);
        let len = text.len() as u32;
        Text {
            text,
            pieces: Vec::new(),
            lines,
            len,
        }
    }

    /// Pieces of `file` (see `select::Selection`).
    pub fn pieces(file: &str, text: String, pieces: Vec<(u32, u32)>) -> Text {
        Text {
            text,
            pieces,
            lines: line_starts(file),
            len: file.len() as u32,
        }
    }

    /// The parsed text: every piece of the file a rule can read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Where a file offset is in the parsed text (the end of the piece before it, for an
    /// offset in a block that was cut out).
    fn at(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        if self.pieces.is_empty() {
            return offset as usize;
        }
        let i = self.pieces.partition_point(|&(_, file)| file <= offset);
        let Some(&(at, file)) = i.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return 0;
        };
        let next = self
            .pieces
            .get(i)
            .map_or(self.text.len(), |&(next, _)| next as usize);
        (at as usize + (offset - file) as usize).min(next)
    }

    /// The text of a file range.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(self.at(span.start)..self.at(span.end))
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a file offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.len);
        let line = self.lines.partition_point(|&s| s <= offset) - 1;
        let (start, end) = (self.at(self.lines[line]), self.at(offset));
        let column = self
            .text
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    /// The file offset where 1-based `line` starts (the end of the file past the last line).
    fn start_of(&self, line: u32) -> u32 {
        self.lines
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(self.len)
    }

    /// Lines `first..=last` (at most five), trimmed.
    fn snippet(&self, first: u32, last: u32) -> String {
        let last = last.min(first + 4);
        let start = self.at(self.start_of(first));
        let end = self.at(self.start_of(last + 1)).max(start);
        self.text.get(start..end).unwrap_or("").trim().to_string()
    }
}

/// Offsets of line starts, exactly as many as there are (they are kept for every file: the
/// spare capacity of a growing vector would be a quarter of them). Found into the thread's
/// scratch vector, then copied.
fn line_starts(text: &str) -> Box<[u32]> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with_borrow_mut(|starts| {
        starts.clear();
        starts.push(0);
        push_after_newlines(text.as_bytes(), starts);
        starts.as_slice().into()
    })
}

/// Push the offset after each `\n` of `text`. Code has a newline every thirty-odd bytes, and
/// `memchr_iter` returns to its caller at each one: comparing 32 bytes at a time and walking
/// the bits of the mask is nearly twice as fast over a large project (every file's lines are
/// found). Written by hand because no crate gives all the positions of a byte in bulk.
fn push_after_newlines(text: &[u8], out: &mut Vec<u32>) {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        while i + 32 <= text.len() {
            // SAFETY: SSE2 is part of x86_64; the loads read text[i..i + 32], in bounds.
            let mut mask = unsafe {
                let newline = _mm_set1_epi8(b'\n' as i8);
                let low = _mm_loadu_si128(text.as_ptr().add(i).cast::<__m128i>());
                let high = _mm_loadu_si128(text.as_ptr().add(i + 16).cast::<__m128i>());
                (_mm_movemask_epi8(_mm_cmpeq_epi8(low, newline)) as u32)
                    | ((_mm_movemask_epi8(_mm_cmpeq_epi8(high, newline)) as u32) << 16)
            };
            while mask != 0 {
                out.push((i + mask.trailing_zeros() as usize + 1) as u32);
                mask &= mask - 1;
            }
            i += 32;
        }
    }
    out.extend(memchr::memchr_iter(b'\n', &text[i..]).map(|p| (i + p + 1) as u32));
}

/// A file's text with its tree: what can be made of a file before the walk knows its module
/// name.
#[derive(Debug)]
pub struct ParsedText {
    pub text: Text,
    pub ast: Module,
}

impl ParsedText {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.text.line_col(offset)
    }
}

/// One parsed Python file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reported: the audited root as given, joined with the path under it.
    pub path: String,
    /// Dotted module name (`accounts.serializers`), from the package directories above it.
    pub module: String,
    /// The file is a package's `__init__.py`.
    pub is_package: bool,
    /// What was parsed of the file (see [`Text`]): spans are the file's offsets, and
    /// [`SourceFile::slice`] maps them.
    pub text: Text,
    pub ast: Module,
}

impl SourceFile {
    pub fn new(path: String, module: String, is_package: bool, text: String, ast: Module) -> Self {
        let parsed = ParsedText {
            text: Text::whole(text),
            ast,
        };
        SourceFile::from_parsed(path, module, is_package, parsed)
    }

    /// A file from text parsed (and indexed) before its module name was known.
    pub fn from_parsed(path: String, module: String, is_package: bool, parsed: ParsedText) -> Self {
        SourceFile {
            path,
            module,
            is_package,
            text: parsed.text,
            ast: parsed.ast,
        }
    }

    /// The package relative imports start from (`accounts` for `accounts/views.py`).
    pub fn package(&self) -> &str {
        if self.is_package {
            &self.module
        } else {
            self.module.rsplit_once('.').map_or("", |(p, _)| p)
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.text.line_col(offset)
    }

    /// A finding location for a span: exact range, role, and the trimmed source lines.
    pub fn location(&self, span: Span, role: &str) -> SourceLocation {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end);
        SourceLocation {
            file: self.path.clone(),
            line,
            column: Some(column),
            end_line: Some(end_line),
            end_column: Some(end_column),
            role: Some(role.to_string()),
            snippet: Some(self.text.snippet(line, end_line)),
        }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text.slice(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "a = 1\nné = 'x'\n".to_string();
        let file = SourceFile::new("f.py".into(), "f".into(), false, text, Module::default());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        // `=` after the two-byte `é`: byte 10, character column 4.
        assert_eq!(file.line_col(10), (2, 4));
        let loc = file.location(Span { start: 6, end: 15 }, "view");
        assert_eq!(
            (loc.line, loc.column, loc.end_column),
            (2, Some(1), Some(9))
        );
        assert_eq!(loc.snippet.as_deref(), Some("né = 'x'"));
    }

    #[test]
    fn offsets_of_a_file_with_blocks_cut_out_map_to_its_pieces() {
        // The file, and what was parsed of it: lines 2-3 cut out and a `0` in their place.
        let file = "def f():\n    a = 1\n    b = 2\nx = 'é'\n";
        let parsed = "def f():\n    0\nx = 'é'\n".to_string();
        let text = Text::pieces(file, parsed, vec![(0, 0), (9, 9), (15, 29)]);
        let x = file.find("x =").unwrap() as u32;
        let end = x + "x = 'é'".len() as u32;
        assert_eq!(text.slice(Span { start: x, end }), "x = 'é'");
        assert_eq!(text.line_col(x), (4, 1));
        assert_eq!(text.line_col(end), (4, 8));
        assert_eq!(text.line_col(4), (1, 5));
        assert_eq!(text.snippet(4, 4), "x = 'é'");
        // An offset in the cut block lands at the end of the stand-in before it.
        assert_eq!(text.slice(Span { start: 0, end: 20 }), "def f():\n    0\n");
    }

    /// The bulk search finds what `memchr` finds: newlines at every offset of the 32-byte
    /// blocks and of the tail, next to each other and far apart, from every start.
    #[test]
    fn newlines_in_bulk_are_those_memchr_finds() {
        let mut text: Vec<u8> = (0..200u32).map(|i| b'a' + (i % 26) as u8).collect();
        for at in [
            0, 1, 15, 16, 17, 31, 32, 33, 34, 63, 64, 100, 101, 150, 190, 198, 199,
        ] {
            text[at] = b'\n';
        }
        for start in 0..text.len() {
            let text = &text[start..];
            let mut bulk = Vec::new();
            push_after_newlines(text, &mut bulk);
            let expected: Vec<u32> = memchr::memchr_iter(b'\n', text)
                .map(|p| p as u32 + 1)
                .collect();
            assert_eq!(bulk, expected, "from {start}");
        }
    }
}
