//! nginx: a tokenizer that follows `ngx_conf_read_token`, and a parser into [`Directive`]s.
//!
//! - Words end at whitespace, `;` or `{` (`${var}` keeps its brace); `}` and `#` are special
//!   only at the start of a word (`a#b` is one word, as in nginx).
//! - `"…"` and `'…'` quote; `\"`, `\'`, `\\`, `\n`, `\r`, `\t` are unescaped in and out of
//!   quotes; a quoted word must be followed by whitespace, `;`, `{` or `)`.
//! - `*_by_lua_block { … }` bodies are Lua, skipped as raw text with balanced braces.
//! - Template placeholders: a lone `@NAME@` word that starts a line and is followed by a new
//!   line (the `@USER@` of `nginx.conf.in`) is dropped; placeholders inside arguments are kept
//!   as written (`listen 127.0.0.1:@PORT@ ssl;`).
//! - `include` is resolved where it stands, in any context.

use crate::load::{Loader, Pos, location, syntax_error};
use crate::{Directive, ProxyError};

/// Blocks nest at most this deep (nginx configs rarely pass 5).
const MAX_DEPTH: usize = 64;

pub(crate) fn parse(
    loader: &mut Loader,
    file: &str,
    text: &str,
) -> Result<Vec<Directive>, ProxyError> {
    let mut parser = Parser {
        lexer: Lexer {
            text,
            pos: Pos::START,
        },
        file,
        text,
    };
    let (directives, _) = parser.block(loader, None, 0)?;
    Ok(directives)
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
    Eof,
}

struct Token {
    tok: Tok,
    start: Pos,
    end: Pos,
}

struct Lexer<'a> {
    text: &'a str,
    pos: Pos,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos.byte..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos = self.pos.after(c);
        Some(c)
    }

    fn next(&mut self, file: &str) -> Result<Token, ProxyError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let Some(c) = self.bump() else {
            return Ok(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let tok = match c {
            ';' => Tok::Semi,
            '{' => Tok::Open,
            '}' => Tok::Close,
            '"' | '\'' => {
                let mut value = String::new();
                loop {
                    match self.bump() {
                        None => {
                            return Err(syntax_error(
                                file,
                                start,
                                format!("unterminated quoted string (no closing {c})"),
                            ));
                        }
                        Some('\\') => match self.bump() {
                            Some(e) => unescape(&mut value, e),
                            None => continue,
                        },
                        Some(q) if q == c => break,
                        Some(other) => value.push(other),
                    }
                }
                match self.peek() {
                    None | Some(';' | '{' | ')') => {}
                    Some(w) if w.is_whitespace() => {}
                    Some(other) => {
                        return Err(syntax_error(
                            file,
                            self.pos,
                            format!(
                                "unexpected \"{other}\" after a quoted string: expected a space, \";\" or \"{{\""
                            ),
                        ));
                    }
                }
                Tok::Word(value)
            }
            first => {
                let mut value = String::new();
                let mut c = first;
                loop {
                    if c == '\\' {
                        match self.bump() {
                            Some(e) => unescape(&mut value, e),
                            None => value.push('\\'),
                        }
                    } else {
                        value.push(c);
                    }
                    let variable = c == '$';
                    match self.peek() {
                        None | Some(';') => break,
                        Some('{') if !variable => break,
                        Some(w) if w.is_whitespace() => break,
                        Some(_) => c = self.bump().unwrap_or_default(),
                    }
                }
                Tok::Word(value)
            }
        };
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    /// Skip a raw (Lua) block body after its `{`; returns the position after the closing `}`.
    fn skip_raw_block(&mut self, file: &str, open: Pos) -> Result<Pos, ProxyError> {
        let mut depth = 1usize;
        while let Some(c) = self.bump() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(self.pos);
                    }
                }
                '"' | '\'' => {
                    while let Some(d) = self.bump() {
                        if d == '\\' {
                            self.bump();
                        } else if d == c || d == '\n' {
                            break;
                        }
                    }
                }
                '-' if self.peek() == Some('-') => {
                    while let Some(d) = self.peek() {
                        if d == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => {}
            }
        }
        Err(syntax_error(
            file,
            open,
            "unexpected end of file: this block is never closed with \"}\"",
        ))
    }
}

/// nginx's unescaping (`ngx_conf_read_token`): `\"` `\'` `\\` `\t` `\r` `\n`; any other
/// escaped character keeps its backslash.
fn unescape(out: &mut String, escaped: char) {
    match escaped {
        '"' | '\'' | '\\' => out.push(escaped),
        't' => out.push('\t'),
        'r' => out.push('\r'),
        'n' => out.push('\n'),
        other => {
            out.push('\\');
            out.push(other);
        }
    }
}

fn is_placeholder(word: &str) -> bool {
    word.len() > 2
        && word.starts_with('@')
        && word.ends_with('@')
        && word[1..word.len() - 1]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Start and end of a piece of text (the closing brace of a block).
type Range = (Pos, Pos);

struct Word {
    value: String,
    start: Pos,
    end: Pos,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    file: &'a str,
    text: &'a str,
}

impl Parser<'_> {
    /// Parse directives until the `}` that closes `open` (or the end of the file at the top).
    /// Returns them and the closing brace's range.
    fn block(
        &mut self,
        loader: &mut Loader,
        open: Option<(&str, Pos)>,
        depth: usize,
    ) -> Result<(Vec<Directive>, Option<Range>), ProxyError> {
        let mut out = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        loop {
            let token = self.lexer.next(self.file)?;
            match token.tok {
                Tok::Word(value) => {
                    // A lone template placeholder on its own line is not a directive.
                    if words.len() == 1
                        && is_placeholder(&words[0].value)
                        && token.start.line > words[0].end.line
                    {
                        words.clear();
                    }
                    words.push(Word {
                        value,
                        start: token.start,
                        end: token.end,
                    });
                }
                Tok::Semi => {
                    if words.is_empty() {
                        return Err(syntax_error(self.file, token.start, "unexpected \";\""));
                    }
                    let directive = self.directive(&words, token.end, None, None);
                    words.clear();
                    if directive.name == "include" && directive.args.len() == 1 {
                        let included =
                            loader.include(&directive.args[0], &directive.source, self.file)?;
                        out.push(directive);
                        out.extend(included);
                    } else {
                        out.push(directive);
                    }
                }
                Tok::Open => {
                    if words.is_empty() {
                        return Err(syntax_error(self.file, token.start, "unexpected \"{\""));
                    }
                    if depth + 1 > MAX_DEPTH {
                        return Err(syntax_error(
                            self.file,
                            token.start,
                            format!("blocks nested more than {MAX_DEPTH} deep"),
                        ));
                    }
                    let name = words[0].value.clone();
                    let (children, close) = if name.ends_with("_by_lua_block") {
                        let end = self.lexer.skip_raw_block(self.file, words[0].start)?;
                        (
                            Vec::new(),
                            Some((
                                Pos {
                                    col: end.col - 1,
                                    byte: end.byte - 1,
                                    ..end
                                },
                                end,
                            )),
                        )
                    } else {
                        self.block(loader, Some((&name, words[0].start)), depth + 1)?
                    };
                    let directive = self.directive(&words, token.end, Some(children), close);
                    words.clear();
                    out.push(directive);
                }
                Tok::Close => {
                    if words.len() == 1 && is_placeholder(&words[0].value) {
                        words.clear();
                    }
                    if let Some(w) = words.first() {
                        return Err(syntax_error(
                            self.file,
                            token.start,
                            format!(
                                "unexpected \"}}\": the directive \"{}\" at line {} is not terminated by \";\"",
                                w.value, w.start.line
                            ),
                        ));
                    }
                    if open.is_none() {
                        return Err(syntax_error(self.file, token.start, "unexpected \"}\""));
                    }
                    return Ok((out, Some((token.start, token.end))));
                }
                Tok::Eof => {
                    if words.len() == 1 && is_placeholder(&words[0].value) {
                        words.clear();
                    }
                    if let Some(w) = words.first() {
                        return Err(syntax_error(
                            self.file,
                            w.start,
                            format!(
                                "unexpected end of file, expecting \";\" or \"}}\": the directive \"{}\" is not terminated",
                                w.value
                            ),
                        ));
                    }
                    if let Some((name, at)) = open {
                        return Err(syntax_error(
                            self.file,
                            at,
                            format!(
                                "unexpected end of file, expecting \"}}\": the \"{name}\" block opened here is never closed"
                            ),
                        ));
                    }
                    return Ok((out, None));
                }
            }
        }
    }

    fn directive(
        &self,
        words: &[Word],
        end: Pos,
        block: Option<Vec<Directive>>,
        close: Option<Range>,
    ) -> Directive {
        Directive {
            name: words[0].value.clone(),
            args: words[1..].iter().map(|w| w.value.clone()).collect(),
            block,
            source: location(self.file, self.text, words[0].start, end),
            block_end: close.map(|(s, e)| location(self.file, self.text, s, e)),
        }
    }
}
