//! A deliberately small Markdown-to-HTML converter for rule docs.
//!
//! Rule docs are written by the project (and by users who extend the rules file), so they are
//! trusted to be Markdown but not to be safe HTML: every character of the input is escaped, and
//! the only markup in the output is what this converter writes itself. There is no raw-HTML
//! pass-through and no `href`: a link is rendered as its text followed by its target in
//! parentheses, which keeps the report free of anything that could load or navigate away.
//!
//! Supported: ATX headings (`#`…`######`, shifted so that they nest under the rule's own
//! heading), paragraphs, fenced code blocks (```` ``` ```` or `~~~`, with an optional language),
//! bullet and numbered lists (one level), inline code, `**strong**`, `*emphasis*` and
//! `[text](target)`. Anything else is shown as text.

use super::escape;

/// The lowest heading level a doc heading may get: docs sit under the rule's `<h3>`.
const MIN_HEADING: usize = 4;

/// Convert `markdown` to an HTML fragment in which every piece of the input is escaped.
pub(crate) fn to_html(markdown: &str) -> String {
    let mut out = Blocks::default();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if let Some(fence) = fence(trimmed) {
            out.flush();
            let lang = trimmed[fence.len()..].trim();
            let mut code = String::new();
            for inner in lines.by_ref() {
                if inner.trim_start().starts_with(fence) && inner.trim() == fence {
                    break;
                }
                code.push_str(inner);
                code.push('\n');
            }
            out.code_block(lang, &code);
        } else if trimmed.is_empty() {
            out.flush();
        } else if let Some((level, text)) = heading(trimmed) {
            out.flush();
            let level = (level + 2).clamp(MIN_HEADING, 6);
            out.html
                .push_str(&format!("<h{level}>{}</h{level}>\n", inline(text)));
        } else if let Some((kind, text)) = list_item(trimmed) {
            out.flush_paragraph();
            if out.list.as_ref().is_some_and(|(k, _)| *k != kind) {
                out.flush_list();
            }
            out.list
                .get_or_insert_with(|| (kind, Vec::new()))
                .1
                .push(text.to_string());
        } else if let Some((_, items)) = out.list.as_mut() {
            // A continuation line (indented or lazy) belongs to the current item.
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(trimmed.trim_end());
            }
        } else {
            out.paragraph.push(trimmed.trim_end().to_string());
        }
    }
    out.flush();
    out.html
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Bullet,
    Numbered,
}

/// The HTML written so far and the block being collected.
#[derive(Default)]
struct Blocks {
    html: String,
    paragraph: Vec<String>,
    list: Option<(ListKind, Vec<String>)>,
}

impl Blocks {
    fn flush(&mut self) {
        self.flush_paragraph();
        self.flush_list();
    }

    fn flush_paragraph(&mut self) {
        if !self.paragraph.is_empty() {
            let text = self.paragraph.join(" ");
            self.paragraph.clear();
            self.html.push_str(&format!("<p>{}</p>\n", inline(&text)));
        }
    }

    fn flush_list(&mut self) {
        if let Some((kind, items)) = self.list.take() {
            let tag = match kind {
                ListKind::Bullet => "ul",
                ListKind::Numbered => "ol",
            };
            self.html.push_str(&format!("<{tag}>\n"));
            for item in items {
                self.html.push_str(&format!("<li>{}</li>\n", inline(&item)));
            }
            self.html.push_str(&format!("</{tag}>\n"));
        }
    }

    fn code_block(&mut self, lang: &str, code: &str) {
        // The language only becomes a class name: keep it to a harmless alphabet.
        let lang: String = lang
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
            .collect();
        let class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape(&lang.to_ascii_lowercase()))
        };
        self.html.push_str(&format!(
            "<pre><code{class}>{}</code></pre>\n",
            escape(code)
        ));
    }
}

/// The fence that opens a code block on this (left-trimmed) line.
fn fence(line: &str) -> Option<&'static str> {
    ["```", "~~~"].into_iter().find(|f| line.starts_with(f))
}

/// `## Title` → `(2, "Title")`; `#hashtag` is not a heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    // A closing `###` is dropped only when it stands apart (`## C#` keeps its `#`).
    let text = rest.trim();
    let unclosed = text.trim_end_matches('#');
    let text = if unclosed.is_empty() || unclosed.ends_with(' ') {
        unclosed.trim_end()
    } else {
        text
    };
    Some((level, text))
}

/// `- item`, `* item`, `+ item`, `1. item`, `2) item`.
fn list_item(line: &str) -> Option<(ListKind, &str)> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(text) = line.strip_prefix(bullet) {
            return Some((ListKind::Bullet, text.trim()));
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &line[digits..];
        if let Some(text) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((ListKind::Numbered, text.trim()));
        }
    }
    None
}

/// Escape one line of report text (a finding message, a skip reason), rendering only its
/// `code spans`: analyzers quote field names and code that way, and nothing else in such text
/// is meant as markup (a `*` in a message stays a `*`).
pub(crate) fn code_spans(text: &str) -> String {
    inline_with(text, false)
}

/// Inline markup: code spans first (their content is literal), then links, then emphasis.
fn inline(text: &str) -> String {
    inline_with(text, true)
}

fn inline_with(text: &str, markup: bool) -> String {
    let emphasis = |escaped: &str| {
        if markup {
            emphasis(escaped)
        } else {
            escaped.to_string()
        }
    };
    let mut out = String::new();
    let mut plain = String::new();
    let mut rest = text;
    let specials: &[char] = if markup { &['`', '['] } else { &['`'] };
    while let Some(pos) = rest.find(specials) {
        let (before, from) = rest.split_at(pos);
        plain.push_str(before);
        if from.starts_with('`') {
            let ticks = from.chars().take_while(|&c| c == '`').count();
            let marker = &from[..ticks];
            if let Some(end) = from[ticks..].find(marker) {
                let code = &from[ticks..ticks + end];
                // CommonMark strips one space on each side when both are there.
                let code = match (code.strip_prefix(' '), code.ends_with(' ')) {
                    (Some(inner), true) if !inner.trim().is_empty() => &inner[..inner.len() - 1],
                    _ => code,
                };
                out.push_str(&emphasis(&escape(&plain)));
                plain.clear();
                out.push_str(&format!("<code>{}</code>", escape(code)));
                rest = &from[ticks + end + ticks..];
            } else {
                plain.push_str(marker);
                rest = &from[ticks..];
            }
        } else if let Some((label, target, len)) = link(from) {
            out.push_str(&emphasis(&escape(&plain)));
            plain.clear();
            out.push_str(&emphasis(&escape(label)));
            if target != label {
                out.push_str(&format!(" (<span class=\"url\">{}</span>)", escape(target)));
            }
            rest = &from[len..];
        } else {
            plain.push('[');
            rest = &from[1..];
        }
    }
    plain.push_str(rest);
    out.push_str(&emphasis(&escape(&plain)));
    out
}

/// `[label](target)` at the start of `s`: label, target and the length consumed.
fn link(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find(']')?;
    let label = &s[1..close];
    let after = s[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let target = after[..end].trim();
    if label.is_empty() || label.contains('[') || target.is_empty() || target.contains(' ') {
        return None;
    }
    Some((label, target, close + 1 + 1 + end + 1))
}

/// `**strong**` and `*emphasis*` on already escaped text (escaping leaves `*` alone). A
/// delimiter only opens before a non-space and closes after one, so `a * b` stays as it is.
fn emphasis(escaped: &str) -> String {
    let strong = wrap_delimited(escaped, "**", "strong");
    wrap_delimited(&strong, "*", "em")
}

fn wrap_delimited(text: &str, delim: &str, tag: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(delim) {
        let inner_start = open + delim.len();
        let after = &rest[inner_start..];
        let opens = after
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '*');
        let close = opens
            .then(|| {
                after.match_indices(delim).map(|(i, _)| i).find(|&i| {
                    i > 0
                        && !after[..i].ends_with(char::is_whitespace)
                        && !after[..i].ends_with('*')
                })
            })
            .flatten();
        match close {
            Some(close) => {
                out.push_str(&rest[..open]);
                out.push_str(&format!("<{tag}>{}</{tag}>", &after[..close]));
                rest = &after[close + delim.len()..];
            }
            None => {
                out.push_str(&rest[..inner_start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_nest_under_the_rule_heading() {
        let html = to_html("# Top\n## What it finds\n### Detail\n");
        assert_eq!(
            html,
            "<h4>Top</h4>\n<h4>What it finds</h4>\n<h5>Detail</h5>\n"
        );
        assert_eq!(to_html("#hashtag"), "<p>#hashtag</p>\n");
        assert_eq!(to_html("## C# ##"), "<h4>C#</h4>\n");
    }

    #[test]
    fn paragraphs_join_lines_and_split_on_blank_lines() {
        let html = to_html("one\ntwo\n\nthree");
        assert_eq!(html, "<p>one two</p>\n<p>three</p>\n");
    }

    #[test]
    fn code_blocks_are_escaped_and_keep_their_lines() {
        let html = to_html("```python\nif a < b:\n    x = \"<b>\"\n```\nafter");
        assert_eq!(
            html,
            "<pre><code class=\"language-python\">if a &lt; b:\n    x = &quot;&lt;b&gt;&quot;\n\
             </code></pre>\n<p>after</p>\n"
        );
        // An unterminated fence runs to the end rather than swallowing nothing.
        assert!(to_html("~~~\nx").contains("<pre><code>x\n</code></pre>"));
        // A hostile language name cannot break out of the attribute.
        let html = to_html("```py\"><script>\nx\n```");
        assert!(
            html.starts_with("<pre><code class=\"language-py\">"),
            "{html}"
        );
    }

    #[test]
    fn inline_code_is_literal() {
        assert_eq!(
            to_html("use `fields = \"__all__\"` and `**x**`"),
            "<p>use <code>fields = &quot;__all__&quot;</code> and <code>**x**</code></p>\n"
        );
        assert_eq!(to_html("`` a`b ``"), "<p><code>a`b</code></p>\n");
        assert_eq!(to_html("a ` b"), "<p>a ` b</p>\n");
    }

    #[test]
    fn emphasis_needs_tight_delimiters() {
        assert_eq!(
            to_html("a **b** *c* d * e"),
            "<p>a <strong>b</strong> <em>c</em> d * e</p>\n"
        );
        assert_eq!(to_html("**** ****"), "<p>**** ****</p>\n");
    }

    #[test]
    fn links_become_text_with_their_target() {
        assert_eq!(
            to_html("see [OWASP](https://owasp.org/x) now"),
            "<p>see OWASP (<span class=\"url\">https://owasp.org/x</span>) now</p>\n"
        );
        assert_eq!(to_html("[a] b"), "<p>[a] b</p>\n");
        assert!(!to_html("[x](javascript:alert(1))").contains("href"));
    }

    #[test]
    fn code_spans_only_renders_code() {
        assert_eq!(
            code_spans("`user.password` is *here* [x](y) <b>"),
            "<code>user.password</code> is *here* [x](y) &lt;b&gt;"
        );
        assert_eq!(code_spans("`<script>`"), "<code>&lt;script&gt;</code>");
    }

    #[test]
    fn lists() {
        let html = to_html("- one\n  more\n- two\n1. first\n2) second\n\nend");
        assert_eq!(
            html,
            "<ul>\n<li>one more</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n\
             <li>second</li>\n</ol>\n<p>end</p>\n"
        );
    }

    #[test]
    fn raw_html_is_text() {
        let html = to_html("<script>alert(1)</script>\n## <img src=x onerror=alert(1)>");
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }
}
