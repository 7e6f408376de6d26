//! Apache httpd: logical lines (a `\` that ends a line continues it), `#` comment lines,
//! `<Section args>` … `</Section>` nesting checked by name (case-insensitive), arguments split
//! as `ap_getword_conf` does (`"…"` and `'…'` quote, `\"` inside quotes), `Include` and
//! `IncludeOptional` resolved where they stand (globs, relative to `ServerRoot`).

use crate::load::{Loader, Pos, location, syntax_error};
use crate::{Directive, ProxyError};

/// Sections nest at most this deep.
const MAX_DEPTH: usize = 64;

/// A logical line: its characters with the position of each, continuations removed.
struct Line {
    chars: Vec<(char, Pos)>,
}

fn logical_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current = Vec::new();
    let mut pos = Pos::START;
    for c in text.chars() {
        let here = pos;
        pos = pos.after(c);
        match c {
            '\n' => {
                // `\` as the last character continues the line (a `\r` before the newline too).
                if matches!(current.last(), Some(('\r', _))) {
                    current.pop();
                }
                if matches!(current.last(), Some(('\\', _))) {
                    current.pop();
                    continue;
                }
                lines.push(Line {
                    chars: std::mem::take(&mut current),
                });
            }
            _ => current.push((c, here)),
        }
    }
    if !current.is_empty() {
        lines.push(Line { chars: current });
    }
    lines
}

/// Split arguments as `ap_getword_conf`: quotes group words, `\` escapes the quote character
/// inside quotes; unquoted backslashes are literal. Returns each word with its start.
fn words(chars: &[(char, Pos)]) -> Vec<(String, Pos)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].0.is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = chars[i].1;
        let mut word = String::new();
        let quote = chars[i].0;
        if quote == '"' || quote == '\'' {
            i += 1;
            while i < chars.len() && chars[i].0 != quote {
                if chars[i].0 == '\\' && i + 1 < chars.len() && chars[i + 1].0 == quote {
                    i += 1;
                }
                word.push(chars[i].0);
                i += 1;
            }
            i += 1; // the closing quote (an unterminated one runs to the end, as in httpd)
        } else {
            while i < chars.len() && !chars[i].0.is_whitespace() {
                word.push(chars[i].0);
                i += 1;
            }
        }
        out.push((word, start));
    }
    out
}

/// An open section: its directive (children filled as parsing goes) and opening position.
struct Open {
    directive: Directive,
    children: Vec<Directive>,
    at: Pos,
}

pub(crate) fn parse(
    loader: &mut Loader,
    file: &str,
    text: &str,
) -> Result<Vec<Directive>, ProxyError> {
    let mut top: Vec<Directive> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    for line in logical_lines(text) {
        let Some(first) = line.chars.iter().position(|(c, _)| !c.is_whitespace()) else {
            continue;
        };
        let body = &line.chars[first..];
        if body[0].0 == '#' {
            continue;
        }
        let last = body
            .iter()
            .rposition(|(c, _)| !c.is_whitespace())
            .unwrap_or(0);
        let body = &body[..=last];
        let start = body[0].1;
        let end = body[last].1.after(body[last].0);
        let source = location(file, text, start, end);
        if body[0].0 == '<' {
            if body[last].0 != '>' {
                return Err(syntax_error(
                    file,
                    start,
                    "section tag is not closed with \">\" on its line",
                ));
            }
            let inner = &body[1..last];
            if inner.first().map(|c| c.0) == Some('/') {
                let name: String = inner[1..].iter().map(|c| c.0).collect::<String>();
                let name = name.trim();
                let Some(open) = stack.pop() else {
                    return Err(syntax_error(
                        file,
                        start,
                        format!("</{name}> without matching <{name}> section"),
                    ));
                };
                if !open.directive.is(name) {
                    return Err(syntax_error(
                        file,
                        start,
                        format!(
                            "expected </{}> but saw </{name}> (the <{}> section opened at line {})",
                            open.directive.name, open.directive.name, open.at.line
                        ),
                    ));
                }
                let mut directive = open.directive;
                directive.block = Some(open.children);
                directive.block_end = Some(source);
                push(&mut stack, &mut top, directive);
                continue;
            }
            let mut parts = words(inner);
            if parts.is_empty() {
                return Err(syntax_error(file, start, "empty section tag \"<>\""));
            }
            if stack.len() >= MAX_DEPTH {
                return Err(syntax_error(
                    file,
                    start,
                    format!("sections nested more than {MAX_DEPTH} deep"),
                ));
            }
            let (name, _) = parts.remove(0);
            stack.push(Open {
                directive: Directive {
                    name,
                    args: parts.into_iter().map(|(w, _)| w).collect(),
                    block: None,
                    source,
                    block_end: None,
                },
                children: Vec::new(),
                at: start,
            });
            continue;
        }
        let mut parts = words(body);
        let (name, _) = parts.remove(0);
        let directive = Directive {
            name,
            args: parts.into_iter().map(|(w, _)| w).collect(),
            block: None,
            source,
            block_end: None,
        };
        let include = (directive.is("Include") || directive.is("IncludeOptional"))
            && directive.args.len() == 1;
        if include {
            let included = loader.include(&directive.args[0], &directive.source, file)?;
            push(&mut stack, &mut top, directive);
            for d in included {
                push(&mut stack, &mut top, d);
            }
        } else {
            push(&mut stack, &mut top, directive);
        }
    }
    if let Some(open) = stack.pop() {
        return Err(syntax_error(
            file,
            open.at,
            format!(
                "<{}> section is never closed (expected </{}> before the end of the file)",
                open.directive.name, open.directive.name
            ),
        ));
    }
    Ok(top)
}

fn push(stack: &mut [Open], top: &mut Vec<Directive>, directive: Directive) {
    match stack.last_mut() {
        Some(open) => open.children.push(directive),
        None => top.push(directive),
    }
}

/// The `ServerRoot` a config sets, if any (for resolving its relative includes).
pub(crate) fn server_root(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        let name = parts.next()?;
        if !name.eq_ignore_ascii_case("ServerRoot") {
            return None;
        }
        Some(parts.next()?.trim_matches(['"', '\'']).to_string())
    })
}
