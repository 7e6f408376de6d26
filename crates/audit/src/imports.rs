//! Module-level import statements, read without the parser.
//!
//! Imports are a fifth of what the audit parses on a large project (every module starts with
//! a dozen), and the index only needs their names. Their grammar is two short productions:
//!
//! ```text
//! import a.b [as c], d
//! from [.]* [a.b] import (* | x [as y], … | ( x [as y], … [,] ))
//! ```
//!
//! so they are read here, straight into the tree the lowering of ruff's would give (same
//! names, levels and spans; a test holds the two together). Anything else on the logical line
//! (a `;`, a keyword where a name goes, a non-ASCII name, a syntax error) makes the reader
//! give up, and the statement is left to the parser, which also reports the error.

use crate::syntax::{Ident, ImportName, Span, Stmt};

/// The import statement on `src[start..end]` (a logical line, as the outline found it), or
/// `None` when it is not one this reader follows.
pub fn read(src: &str, start: usize, end: usize) -> Option<Stmt> {
    let mut tokens = Tokens {
        src,
        bytes: &src.as_bytes()[..end],
        at: start,
        depth: 0,
        last_end: start,
        peeked: None,
    };
    let first = tokens.next()?;
    let stmt = match tokens.text(first) {
        "import" => {
            let mut names = Vec::new();
            loop {
                names.push(tokens.alias(true)?);
                if !tokens.eat(",") {
                    break;
                }
            }
            Stmt::Import {
                names: names.into(),
                span: Span {
                    start: first.0 as u32,
                    end: tokens.last_end as u32,
                },
            }
        }
        "from" => from_import(&mut tokens, first.0)?,
        _ => return None,
    };
    // Nothing may follow but a comment and the end of the line.
    tokens.next().is_none().then_some(())?;
    (tokens.at == tokens.bytes.len()).then_some(stmt)
}

fn from_import(tokens: &mut Tokens<'_>, start: usize) -> Option<Stmt> {
    let mut level = 0;
    let mut token = tokens.next()?;
    while tokens.text(token) == "." {
        level += 1;
        token = tokens.next()?;
    }
    let module = if tokens.text(token) == "import" {
        (level > 0).then_some(None)?
    } else {
        let mut module = String::from(tokens.name(token)?);
        while tokens.eat(".") {
            let part = tokens.next()?;
            module.push('.');
            module.push_str(tokens.name(part)?);
        }
        let import = tokens.next()?;
        (tokens.text(import) == "import").then_some(())?;
        Some(module.into_boxed_str())
    };
    let mut names = Vec::new();
    if tokens.eat("*") {
        let star = tokens.last_end - 1;
        names.push(ImportName {
            name: Ident::from("*"),
            asname: None,
            span: Span {
                start: star as u32,
                end: star as u32 + 1,
            },
        });
    } else {
        let parenthesized = tokens.eat("(");
        tokens.depth = u32::from(parenthesized);
        loop {
            names.push(tokens.alias(false)?);
            if !tokens.eat(",") {
                break;
            }
            // A trailing comma only inside brackets.
            if parenthesized && tokens.peek_is(")") {
                break;
            }
        }
        if parenthesized {
            tokens.eat(")").then_some(())?;
            tokens.depth = 0;
        }
    }
    Some(Stmt::ImportFrom {
        module,
        level,
        names: names.into(),
        span: Span {
            start: start as u32,
            end: tokens.last_end as u32,
        },
    })
}

/// The tokens of one import statement: names, and the punctuation imports use.
struct Tokens<'s> {
    src: &'s str,
    /// The file up to the statement's end.
    bytes: &'s [u8],
    at: usize,
    /// Inside the parentheses of `from … import (…)`: newlines and comments are blanks.
    depth: u32,
    /// End of the last token read (statement and name spans end there).
    last_end: usize,
    /// The next token, once looked at.
    peeked: Option<Option<Token>>,
}

/// A token's byte range.
type Token = (usize, usize);

impl<'s> Tokens<'s> {
    fn text(&self, (start, end): Token) -> &'s str {
        &self.src[start..end]
    }

    /// The next token, `None` at the end of the statement (or on a byte no import has).
    fn next(&mut self) -> Option<Token> {
        let token = self.peek();
        self.peeked = None;
        if let Some((_, end)) = token {
            self.last_end = end;
        }
        token
    }

    fn peek(&mut self) -> Option<Token> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex());
        }
        self.peeked.flatten()
    }

    fn lex(&mut self) -> Option<Token> {
        self.skip_blanks();
        let bytes = self.bytes;
        let start = self.at;
        let end = match *bytes.get(start)? {
            b'.' | b',' | b'(' | b')' | b'*' => start + 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                // ASCII names only: a non-ASCII one is normalized by the parser (NFKC), which
                // this reader leaves to it.
                let mut end = start + 1;
                while end < bytes.len() && NAME_BYTE[bytes[end] as usize] {
                    end += 1;
                }
                end
            }
            _ => return None,
        };
        self.at = end;
        Some((start, end))
    }

    /// Whether the next token is `text`; it is read only when it is.
    fn eat(&mut self, text: &str) -> bool {
        let is = self.peek_is(text);
        if is {
            self.next();
        }
        is
    }

    fn peek_is(&mut self, text: &str) -> bool {
        self.peek().is_some_and(|t| self.text(t) == text)
    }

    /// A name token that is not a keyword.
    fn name(&self, token: Token) -> Option<&'s str> {
        let text = self.text(token);
        let first = *text.as_bytes().first()?;
        (first.is_ascii_alphabetic() || first == b'_').then_some(())?;
        (!is_keyword(text)).then_some(text)
    }

    /// `name [as alias]`, or with `dotted`, `a.b.c [as alias]`.
    fn alias(&mut self, dotted: bool) -> Option<ImportName> {
        let first = self.next()?;
        let mut name = Ident::from(self.name(first)?);
        while dotted && self.eat(".") {
            let part = self.next()?;
            name.push('.');
            name.push_str(self.name(part)?);
        }
        let asname = if self.eat("as") {
            let alias = self.next()?;
            Some(Ident::from(self.name(alias)?))
        } else {
            None
        };
        Some(ImportName {
            name,
            asname,
            span: Span {
                start: first.0 as u32,
                end: self.last_end as u32,
            },
        })
    }

    /// Spaces, tabs, form feeds, backslash continuations; inside parentheses also newlines
    /// and comments; at the end, the comment and the newline that close the line.
    fn skip_blanks(&mut self) {
        let bytes = self.bytes;
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b' ' | b'\t' | b'\x0c' => self.at += 1,
                b'\\' if matches!(bytes.get(self.at + 1), Some(b'\n' | b'\r')) => {
                    self.at += 2;
                    if bytes[self.at - 1] == b'\r' && bytes.get(self.at) == Some(&b'\n') {
                        self.at += 1;
                    }
                }
                b'\n' | b'\r' if self.depth > 0 => self.at += 1,
                b'#' => {
                    let rest = &bytes[self.at..];
                    self.at += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
                    if self.depth == 0 {
                        self.skip_line_end();
                        return;
                    }
                }
                b'\n' | b'\r' => {
                    self.skip_line_end();
                    return;
                }
                _ => return,
            }
        }
    }

    /// The newline that ends the statement: the statement's end, when nothing follows it.
    fn skip_line_end(&mut self) {
        let bytes = self.bytes;
        if bytes.get(self.at) == Some(&b'\r') {
            self.at += 1;
        }
        if bytes.get(self.at) == Some(&b'\n') {
            self.at += 1;
        }
    }
}

/// ASCII letters, digits and `_`.
static NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// Python's keywords: never a name (`from x import class` is a syntax error, left to the
/// parser). Soft keywords (`match`, `case`, `type`, `_`) are names here.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statement as ruff's parser and our lowering make it.
    fn by_the_parser(src: &str) -> Stmt {
        let (module, errors) = crate::python::parse(src);
        assert!(errors.is_empty(), "{src:?}: {errors:?}");
        assert_eq!(module.body.len(), 1, "{src:?}");
        module.body.into_iter().next().expect("one statement")
    }

    fn read_all(src: &str) -> Option<Stmt> {
        read(src, 0, src.len())
    }

    #[test]
    fn imports_read_as_the_parser_reads_them() {
        for src in [
            "import os\n",
            "import os.path\n",
            "import a . b as c, d\n",
            "import a.b.c as d  # comment\n",
            "from . import views\n",
            "from .. import (a, b as c,)\n",
            "from ...pkg.mod import x\n",
            "from .models import *\n",
            "from rest_framework import serializers as s, viewsets\n",
            "from django.db import (\n    models,  # the ORM\n    transaction\n)\n",
            "from a import b, \\\n    c\n",
            "import x\\\n.y\n",
            "from __future__ import annotations\r\n",
            "from x import match, type, case, _\n",
            "import\tos\n",
            "from x import (a)  # trailing\n",
            "from x import y",
        ] {
            assert_eq!(read_all(src), Some(by_the_parser(src)), "{src:?}");
        }
    }

    #[test]
    fn what_the_reader_does_not_follow_is_left_to_the_parser() {
        for src in [
            "import os; x = 1\n",
            "from x import y; z\n",
            "from x import class\n",
            "import (os)\n",
            "from x import\n",
            "from x import a,\n",
            "from import y\n",
            "from x import ()\n",
            "from x import (a b)\n",
            "import ünïcode\n",
            "from x import y z\n",
            "import os as\n",
            "from x import *, y\n",
            "x = 1\n",
        ] {
            assert_eq!(read_all(src), None, "{src:?}");
        }
    }

    #[test]
    fn a_statement_is_read_where_it_is_in_the_file() {
        let src = "x = 1\nfrom a import b\ny = 2\n";
        let (start, end) = (6, 22);
        let Some(Stmt::ImportFrom { span, names, .. }) = read(src, start, end) else {
            panic!("not read");
        };
        assert_eq!(
            &src[span.start as usize..span.end as usize],
            "from a import b"
        );
        assert_eq!(
            &src[names[0].span.start as usize..names[0].span.end as usize],
            "b"
        );
    }
}
