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

/// A file's text with its tree and line index: what can be made of a file before the walk
/// knows its module name.
#[derive(Debug)]
pub struct ParsedText {
    pub text: String,
    pub ast: Module,
    lines: LineIndex,
}

impl ParsedText {
    pub fn index(text: String, ast: Module) -> ParsedText {
        let lines = LineIndex::new(&text);
        ParsedText { text, ast, lines }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.lines.line_col(&self.text, offset)
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
    pub text: String,
    pub ast: Module,
    lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: String, module: String, is_package: bool, text: String, ast: Module) -> Self {
        SourceFile::from_parsed(path, module, is_package, ParsedText::index(text, ast))
    }

    /// A file from text parsed (and indexed) before its module name was known.
    pub fn from_parsed(path: String, module: String, is_package: bool, parsed: ParsedText) -> Self {
        let ParsedText { text, ast, lines } = parsed;
        SourceFile {
            path,
            module,
            is_package,
            text,
            ast,
            lines,
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
        self.lines.line_col(&self.text, offset)
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
            snippet: Some(self.snippet(line, end_line)),
        }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Lines `first..=last` (at most five), trimmed.
    fn snippet(&self, first: u32, last: u32) -> String {
        let last = last.min(first + 4);
        let start = self.lines.start_of(first);
        let end = self
            .lines
            .start_of(last + 1)
            .min(self.text.len() as u32)
            .max(start);
        self.text[start as usize..end as usize].trim().to_string()
    }
}

/// Byte offsets of line starts.
#[derive(Debug, Default)]
struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { starts }
    }

    fn line_col(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = offset.min(text.len() as u32);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line] as usize;
        let column = text
            .get(start..offset as usize)
            .map_or(offset as usize - start, |s| s.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    /// The offset where 1-based `line` starts (the end of the text past the last line).
    fn start_of(&self, line: u32) -> u32 {
        self.starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(u32::MAX)
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
}
