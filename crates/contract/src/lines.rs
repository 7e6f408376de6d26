//! Where each JSON pointer of a document is written, so that errors and operations can name a
//! line.
//!
//! The value tree comes from `yaml_serde` / `serde_json`, which keep no positions, so the text is
//! scanned a second time just for lines:
//!
//! * YAML: the `saphyr-parser` event stream, whose events carry markers. This is best effort:
//!   `yaml_serde` (libyaml, YAML 1.1) decides what is valid; should saphyr (YAML 1.2) stop
//!   earlier, the map simply knows fewer pointers and lookups fall back to an ancestor.
//! * JSON: a small hand-written scanner rather than a second full parser. It runs only after
//!   `serde_json` accepted the text, so it need not validate anything, and its recursion is
//!   bounded by serde_json's own depth limit (128). serde_json's error line is used for syntax
//!   errors; it has no way to report positions of valid nodes, hence this scanner.
//!
//! A member's line is the line of its key (`get:` rather than the first line of its body); an
//! array element's line is where the element starts.

use crate::pointer;
use saphyr_parser::{Event, Parser};
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

/// JSON pointer → 1-based line.
///
/// Keyed by a 64-bit FNV-1a hash of the pointer rather than the pointer itself: a 5 MB spec has
/// hundreds of thousands of nodes, and one allocation per node was most of the map's cost. A
/// collision (odds around 2^-64 per pair) could only give a wrong line number, never a wrong
/// contract.
#[derive(Debug, Default)]
pub struct LineMap {
    lines: HashMap<u64, usize, BuildHasherDefault<PreHashed>>,
    /// Mapping keys written twice: `(pointer, line of the later one)`. Both parsers keep the
    /// last value silently, which can hide a whole operation, so they are reported as warnings.
    pub duplicates: Vec<(String, usize)>,
}

/// FNV-1a, 64 bits: tiny, fast on short keys, and stable across runs.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A `Hasher` for keys that are hashes already.
#[derive(Debug, Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `u64` keys; fold anything else in rather than panic.
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl LineMap {
    /// The line of `ptr`, or of its nearest ancestor the map knows (a pointer into an expanded
    /// YAML alias has no line of its own, its alias does).
    pub fn line(&self, ptr: &str) -> Option<usize> {
        let mut ptr = ptr;
        loop {
            if let Some(&line) = self.lines.get(&fnv1a(ptr)) {
                return Some(line);
            }
            if ptr.is_empty() {
                return None;
            }
            ptr = pointer::parent(ptr);
        }
    }

    /// The line of exactly `ptr`.
    pub fn exact(&self, ptr: &str) -> Option<usize> {
        self.lines.get(&fnv1a(ptr)).copied()
    }

    fn record(&mut self, ptr: &str, line: usize) {
        self.lines.entry(fnv1a(ptr)).or_insert(line);
    }

    /// Record a mapping key, noting it when the same key was already written.
    fn record_key(&mut self, ptr: &str, line: usize) {
        match self.lines.entry(fnv1a(ptr)) {
            Entry::Occupied(_) => self.duplicates.push((ptr.to_owned(), line)),
            Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
    }

    /// Lines of a YAML text (first document only).
    pub fn yaml(text: &str) -> LineMap {
        let mut walker = YamlWalker::default();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            if !walker.event(&event, span.start.line()) {
                break;
            }
        }
        walker.map
    }

    /// Lines of a JSON text that serde_json has already accepted.
    pub fn json(text: &str) -> LineMap {
        let mut scan = JsonScan {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            map: LineMap::default(),
        };
        scan.skip_ws();
        scan.map.record("", scan.line);
        let mut ptr = String::new();
        scan.value(&mut ptr);
        scan.map
    }
}

/// One open YAML collection.
#[derive(Debug)]
enum Frame {
    /// A mapping; `base` is the length of its own pointer in the walker's `ptr`.
    Map {
        base: usize,
        expect_key: bool,
    },
    Seq {
        base: usize,
        next: usize,
    },
}

/// Turns the event stream into pointer → line, keeping the current pointer in one `String` that
/// grows and shrinks, so the work is linear in the size of the document.
#[derive(Debug, Default)]
struct YamlWalker {
    map: LineMap,
    ptr: String,
    stack: Vec<Frame>,
    /// Depth inside a node that has no pointer: a non-scalar mapping key (`? [a, b]: …`) or
    /// the value that belongs to such a key.
    skip: usize,
    /// What is being skipped is a key (its value is skipped next).
    skip_is_key: bool,
    /// The next value belongs to a skipped key.
    skip_next_value: bool,
    /// The first document is over.
    done: bool,
}

impl YamlWalker {
    /// Feed one event; `false` once there is nothing more to learn.
    fn event(&mut self, event: &Event<'_>, line: usize) -> bool {
        if self.skip > 0 {
            self.skipped(event);
            return true;
        }
        match event {
            Event::Alias(_) | Event::MappingStart(..) | Event::SequenceStart(..)
                if self.at_key() =>
            {
                // A complex key has no pointer; skip it and then its value.
                self.start_skip(event, true);
            }
            Event::Scalar(text, ..) if self.at_key() => self.key(text, line),
            Event::Scalar(..) | Event::Alias(_) if self.skip_next_value => {
                self.skip_next_value = false;
                self.value_done();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) if self.skip_next_value => {
                self.skip_next_value = false;
                self.start_skip(event, false);
            }
            Event::Scalar(..) | Event::Alias(_) => {
                self.node_start(line);
                self.value_done();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                self.node_start(line);
                let base = self.ptr.len();
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Map {
                        base,
                        expect_key: true,
                    },
                    _ => Frame::Seq { base, next: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            Event::DocumentEnd => self.done = true,
            _ => {}
        }
        !self.done
    }

    /// Begin skipping a node without a pointer (an alias or scalar key is over at once).
    fn start_skip(&mut self, event: &Event<'_>, is_key: bool) {
        self.skip_is_key = is_key;
        if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
            self.skip = 1;
        } else {
            self.skip_done();
        }
    }

    fn skipped(&mut self, event: &Event<'_>) {
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => self.skip += 1,
            Event::MappingEnd | Event::SequenceEnd => {
                self.skip -= 1;
                if self.skip == 0 {
                    self.skip_done();
                }
            }
            _ => {}
        }
    }

    /// A skipped key is followed by its (skipped) value; a skipped value ends the member.
    fn skip_done(&mut self) {
        if self.skip_is_key {
            if let Some(Frame::Map { expect_key, .. }) = self.stack.last_mut() {
                *expect_key = false;
            }
            self.skip_next_value = true;
        } else {
            self.value_done();
        }
    }

    fn at_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                expect_key: true,
                ..
            })
        )
    }

    /// A mapping key: the member's pointer is now current, at the key's line.
    fn key(&mut self, text: &str, line: usize) {
        if let Some(Frame::Map { base, expect_key }) = self.stack.last_mut() {
            self.ptr.truncate(*base);
            *expect_key = false;
            self.ptr.push('/');
            self.ptr.push_str(&pointer::escape(text));
            self.map.record_key(&self.ptr, line);
        }
    }

    /// A value node starts: sequence elements get their pointer here, the root its line.
    fn node_start(&mut self, line: usize) {
        match self.stack.last_mut() {
            Some(Frame::Seq { base, next }) => {
                self.ptr.truncate(*base);
                // Writing to a String cannot fail.
                let _ = write!(self.ptr, "/{next}");
                *next += 1;
                self.map.record(&self.ptr, line);
            }
            Some(Frame::Map { .. }) => {}
            None => self.map.record("", line),
        }
    }

    /// A value node ended: the enclosing mapping expects a key again.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { base, expect_key }) => {
                self.ptr.truncate(*base);
                *expect_key = true;
            }
            Some(Frame::Seq { base, .. }) => self.ptr.truncate(*base),
            None => self.done = true,
        }
    }
}

/// The JSON scanner: recursive descent over bytes that are known to be valid JSON.
struct JsonScan<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    map: LineMap,
}

impl<'a> JsonScan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn value(&mut self, ptr: &mut String) {
        match self.peek() {
            Some(b'{') => self.object(ptr),
            Some(b'[') => self.array(ptr),
            Some(b'"') => {
                self.string();
            }
            _ => {
                while let Some(byte) = self.peek() {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.pos += 1;
                }
            }
        }
    }

    fn object(&mut self, ptr: &mut String) {
        self.pos += 1;
        let base = ptr.len();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => break,
            }
            let line = self.line;
            let key = self.string();
            ptr.push('/');
            ptr.push_str(&pointer::escape(&key));
            self.map.record_key(ptr, line);
            self.skip_ws();
            self.pos += 1; // the ':'
            self.skip_ws();
            self.value(ptr);
            ptr.truncate(base);
        }
        self.pos += 1; // the '}'
    }

    fn array(&mut self, ptr: &mut String) {
        self.pos += 1;
        let base = ptr.len();
        let mut next = 0usize;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b']') | None => break,
                Some(_) => {}
            }
            let _ = write!(ptr, "/{next}");
            self.map.record(ptr, self.line);
            self.value(ptr);
            ptr.truncate(base);
            next += 1;
        }
        self.pos += 1; // the ']'
    }

    /// Consume a string token and return its decoded text (borrowed unless it has escapes).
    fn string(&mut self) -> Cow<'a, str> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        while let Some(byte) = self.peek() {
            self.pos += 1;
            match byte {
                b'\\' => {
                    escaped = true;
                    self.pos += 1;
                }
                b'"' => break,
                _ => {}
            }
        }
        let bytes: &'a [u8] = self.bytes;
        let raw = &bytes[start..self.pos.min(bytes.len())];
        let raw = std::str::from_utf8(raw).unwrap_or("\"\"");
        if escaped {
            Cow::Owned(serde_json::from_str(raw).unwrap_or_default())
        } else {
            Cow::Borrowed(raw.trim_matches('"'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_lines_of_keys_and_items() {
        let text = "openapi: 3.0.3\npaths:\n  /a/:\n    get:\n      tags: [x, y]\n      parameters:\n        - name: id\n          in: path\n        - $ref: '#/p'\n";
        let map = LineMap::yaml(text);
        assert_eq!(map.exact(""), Some(1));
        assert_eq!(map.exact("/openapi"), Some(1));
        assert_eq!(map.exact("/paths/~1a~1/get"), Some(4));
        assert_eq!(map.exact("/paths/~1a~1/get/tags/1"), Some(5));
        assert_eq!(map.exact("/paths/~1a~1/get/parameters/0"), Some(7));
        assert_eq!(map.exact("/paths/~1a~1/get/parameters/0/in"), Some(8));
        assert_eq!(map.exact("/paths/~1a~1/get/parameters/1/$ref"), Some(9));
        assert_eq!(map.line("/paths/~1a~1/get/nothing/here"), Some(4));
    }

    #[test]
    fn yaml_complex_keys_are_skipped() {
        let map = LineMap::yaml("? [a, b]\n: 1\nc:\n  d: 2\n? {x: 1}\n: {y: [2]}\ne: 3\n");
        assert_eq!(map.exact("/c/d"), Some(4));
        assert_eq!(map.exact("/e"), Some(7));
        assert_eq!(map.exact("/y"), None);
    }

    #[test]
    fn json_lines_of_keys_and_items() {
        let text = "{\n  \"swagger\": \"2.0\",\n  \"paths\": {\n    \"/a/\": {\"get\": {\n      \"x\": [1,\n        {\"k\\\"q\": null}]}}}\n}";
        let map = LineMap::json(text);
        assert_eq!(map.exact(""), Some(1));
        assert_eq!(map.exact("/swagger"), Some(2));
        assert_eq!(map.exact("/paths/~1a~1/get"), Some(4));
        assert_eq!(map.exact("/paths/~1a~1/get/x/0"), Some(5));
        assert_eq!(map.exact("/paths/~1a~1/get/x/1/k\"q"), Some(6));
        assert!(map.duplicates.is_empty());
    }

    #[test]
    fn duplicate_keys_are_noted() {
        let map = LineMap::yaml("paths:\n  /a/:\n    get: {}\n  /a/:\n    post: {}\n");
        assert_eq!(map.duplicates, vec![("/paths/~1a~1".to_owned(), 4)]);
        let map = LineMap::json("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(map.duplicates, vec![("/a".to_owned(), 2)]);
    }
}
