//! One parsed file: its value tree, its line map and where it lives (for relative `$ref`s).
//!
//! JSON or YAML is decided by the first non-space character: `{` means JSON. JSON is a subset of
//! YAML 1.2, but serde_json is faster and its errors speak JSON; anything else goes to
//! `yaml_serde`, which yields a `serde_json::Value` directly.

use crate::error::{Result, SpecError};
use crate::lines::LineMap;
use serde_json::Value;
use std::path::PathBuf;

/// A parsed spec file.
#[derive(Debug)]
pub struct Document {
    /// Index in load order; the root document is 0. Keys the schema memo.
    pub id: usize,
    /// How messages name the file (as the user or the `$ref` spelled it).
    pub name: String,
    /// Directory relative `$ref`s resolve against; `None` for text that came from a URL.
    pub dir: Option<PathBuf>,
    pub value: Value,
    pub lines: LineMap,
    /// Length of the text it was parsed from, a cheap measure of how big the tree is.
    pub size: usize,
}

impl Document {
    /// Parse `text` (JSON or YAML).
    pub fn parse(id: usize, text: &str, name: &str, dir: Option<PathBuf>) -> Result<Document> {
        // A byte order mark is legal at the start of both and trips both parsers' detection.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (value, lines) = if text.trim_start().starts_with('{') {
            match parse_json(text, name) {
                Ok(value) => (value, LineMap::json(text)),
                // `{openapi: 3.0.0, ...}` is YAML in flow style; only if YAML fails too is the
                // JSON error the one to show.
                Err(json_error) => parse_yaml_with_lines(text, name).map_err(|_| json_error)?,
            }
        } else {
            parse_yaml_with_lines(text, name)?
        };
        Ok(Document {
            id,
            name: name.to_owned(),
            dir,
            value,
            lines,
            size: text.len(),
        })
    }

    /// The node at `ptr`, if there is one.
    pub fn get(&self, ptr: &str) -> Option<&Value> {
        crate::pointer::get(&self.value, ptr)
    }

    /// How [`crate::Schema::origin`] and [`crate::Operation::pointer`] write a pointer into this
    /// document: bare for the root document, `file#pointer` for any other.
    pub fn origin(&self, ptr: &str) -> String {
        if self.id == 0 {
            ptr.to_owned()
        } else {
            format!("{}#{ptr}", self.name)
        }
    }
}

fn parse_json(text: &str, name: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|err| SpecError::Syntax {
        file: name.to_owned(),
        line: err.line(),
        column: err.column(),
        format: "JSON",
        message: strip_position(&err.to_string(), err.line(), err.column()),
    })
}

/// YAML is read twice (values by yaml_serde, lines by saphyr). The passes are independent, so on
/// a big spec the line pass runs on a second thread: the load then costs one parse, not two.
fn parse_yaml_with_lines(text: &str, name: &str) -> Result<(Value, LineMap)> {
    /// Below this, a thread costs more than it saves.
    const PARALLEL_FROM: usize = 256 * 1024;
    if text.len() < PARALLEL_FROM {
        return Ok((parse_yaml(text, name)?, LineMap::yaml(text)));
    }
    std::thread::scope(|scope| {
        let lines = scope.spawn(|| LineMap::yaml(text));
        let value = parse_yaml(text, name)?;
        // The line pass cannot panic on any input we know of; if it did, lines are a nicety.
        Ok((value, lines.join().unwrap_or_default()))
    })
}

fn parse_yaml(text: &str, name: &str) -> Result<Value> {
    if text.trim().is_empty() {
        // yaml_serde reads an empty stream as null; say plainly what is wrong instead.
        return Err(SpecError::Invalid {
            at: crate::error::Location {
                file: name.to_owned(),
                pointer: String::new(),
                line: None,
            },
            message: "the file is empty; expected an OpenAPI document".to_owned(),
        });
    }
    yaml_serde::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |at| (at.line(), at.column()));
        SpecError::Syntax {
            file: name.to_owned(),
            line,
            column,
            format: "YAML",
            message: strip_position(&err.to_string(), line, column),
        }
    })
}

/// Both parsers put "at line L column C" in their messages, which the error's prefix shows
/// already. Other positions stay: libyaml adds where the unclosed construct began ("while
/// parsing a flow mapping at line 8 column 18"), which is often where the mistake is.
fn strip_position(message: &str, line: usize, column: usize) -> String {
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_integer_keys_become_strings() {
        let doc = Document::parse(0, "responses:\n  200:\n    description: ok\n", "t", None)
            .expect("parses");
        assert!(doc.get("/responses/200/description").is_some());
        assert_eq!(doc.lines.exact("/responses/200"), Some(2));
    }

    #[test]
    fn json_syntax_error_names_line_and_column() {
        let err = Document::parse(0, "{\n  \"a\": 1,\n  \"b\" 2\n}", "s.json", None).unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().starts_with("s.json:3:"), "{err}");
    }

    #[test]
    fn flow_style_yaml_is_not_mistaken_for_broken_json() {
        let doc = Document::parse(0, "{openapi: 3.0.0,\n paths: {}}", "t", None).expect("parses");
        assert_eq!(doc.get("/openapi"), Some(&Value::from("3.0.0")));
        assert_eq!(doc.lines.exact("/paths"), Some(2));
    }

    #[test]
    fn bom_is_ignored() {
        let doc = Document::parse(0, "\u{feff}{\"a\": 1}", "t", None).expect("parses");
        assert_eq!(doc.get("/a"), Some(&Value::from(1)));
    }
}
