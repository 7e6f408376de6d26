//! `$ref` resolution: inside the document and to relative files, which are read once and cached.
//!
//! A reference resolves to a [`Node`]: a document plus a pointer into it. Nodes are cheap (an
//! `Rc` and a string), so the normaliser walks the parsed trees in place and never clones a
//! subtree, which keeps big specs linear. References written inside another file resolve
//! relative to that file, because each [`Document`] carries its own directory.

use crate::document::Document;
use crate::error::{Location, Result, SpecError};
use crate::pointer;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// A place in one of the loaded documents.
#[derive(Debug, Clone)]
pub struct Node {
    pub doc: Rc<Document>,
    pub ptr: String,
}

impl Node {
    pub fn new(doc: &Rc<Document>, ptr: impl Into<String>) -> Node {
        Node {
            doc: Rc::clone(doc),
            ptr: ptr.into(),
        }
    }

    /// The value here. Nodes are only made for pointers that exist; `Null` guards the rest.
    pub fn value(&self) -> &Value {
        self.doc.get(&self.ptr).unwrap_or(&Value::Null)
    }

    /// The member `segment` of this node (which need not exist).
    pub fn child(&self, segment: &str) -> Node {
        Node::new(&self.doc, pointer::child(&self.ptr, segment))
    }

    /// Element `i` of this node.
    pub fn index(&self, i: usize) -> Node {
        Node::new(&self.doc, pointer::index(&self.ptr, i))
    }

    pub fn location(&self) -> Location {
        location(&self.doc, &self.ptr)
    }

    /// `(document, pointer)`: what identifies a node for memoisation and cycle detection.
    pub fn key(&self) -> (usize, String) {
        (self.doc.id, self.ptr.clone())
    }
}

/// A node with its value, when the caller already holds the value (the common case: a walk
/// hands each child's value down) or after following `$ref`s to somewhere else. Saves looking
/// the pointer up again from the root, which on big specs was a good part of the load time.
#[derive(Debug)]
pub enum Target<'v> {
    /// Not a reference: the node and the value the caller had.
    Here(Node, &'v Value),
    /// Reached through `$ref`s: the value is looked up in the node's document.
    There(Node),
}

impl Target<'_> {
    pub fn node(&self) -> &Node {
        match self {
            Target::Here(node, _) | Target::There(node) => node,
        }
    }

    pub fn value(&self) -> &Value {
        match self {
            Target::Here(_, value) => value,
            Target::There(node) => node.value(),
        }
    }
}

/// The location of `ptr` in `doc`, with its line.
pub fn location(doc: &Document, ptr: &str) -> Location {
    Location {
        file: doc.name.clone(),
        pointer: ptr.to_owned(),
        line: doc.lines.line(ptr),
    }
}

/// The root document and every file reached from it.
#[derive(Debug)]
pub struct Docs {
    pub root: Rc<Document>,
    /// Canonical path → document, so each file is read and parsed once.
    by_path: HashMap<PathBuf, Rc<Document>>,
    /// Every document in load order, the root first.
    loaded: Vec<Rc<Document>>,
}

impl Docs {
    /// `root_path` is the canonical path of the root file, when it is a file: a `$ref` from
    /// another file back into it must land in the same document (same schema ids).
    pub fn new(root: Document, root_path: Option<PathBuf>) -> Docs {
        let root = Rc::new(root);
        let mut by_path = HashMap::new();
        if let Some(path) = root_path {
            by_path.insert(path, Rc::clone(&root));
        }
        Docs {
            loaded: vec![Rc::clone(&root)],
            root,
            by_path,
        }
    }

    /// Every document read so far, the root first.
    pub fn all(&self) -> &[Rc<Document>] {
        &self.loaded
    }

    /// Free the parsed trees. Dropping the tree of a multi-megabyte spec takes tens of
    /// milliseconds of pure deallocation, so big ones are handed to a short-lived thread and
    /// the caller gets its contract sooner. Call once every [`Node`] is gone.
    pub fn release(self) {
        /// Below this much text, a thread costs more than it saves.
        const IN_BACKGROUND_FROM: usize = 1024 * 1024;
        drop(self.by_path);
        drop(self.root);
        // `try_unwrap` fails only if a node outlived the walk; that document is freed here.
        let docs: Vec<Document> = self
            .loaded
            .into_iter()
            .filter_map(|doc| Rc::try_unwrap(doc).ok())
            .collect();
        if docs.iter().map(|doc| doc.size).sum::<usize>() >= IN_BACKGROUND_FROM {
            // If no thread can be started, the closure and the documents drop right here.
            let _ = std::thread::Builder::new()
                .name("overshare-contract-free".to_owned())
                .spawn(move || drop(docs));
        }
    }

    /// Resolve `reference`, written at `ref_ptr` (the pointer of the `$ref` member) in `from`,
    /// to a node that exists.
    pub fn resolve(&mut self, from: &Rc<Document>, ref_ptr: &str, reference: &str) -> Result<Node> {
        let fail = |reason: String| SpecError::Ref {
            at: location(from, ref_ptr),
            reference: reference.to_owned(),
            reason,
        };
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let fragment = pointer::percent_decode(fragment);
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(fail(format!(
                "`#{fragment}` is a plain-name fragment ($anchor / $id); only JSON-pointer fragments \
                 like `#/components/schemas/Name` are supported"
            )));
        }
        let doc = if file.is_empty() {
            Rc::clone(from)
        } else {
            self.load(from, file).map_err(|e| e.into_spec_error(fail))?
        };
        if doc.get(&fragment).is_none() {
            return Err(fail(missing_reason(&doc, &fragment)));
        }
        Ok(Node::new(&doc, fragment.into_owned()))
    }

    /// The document a reference's file part names, relative to the document it is written in.
    fn load(&mut self, from: &Document, file: &str) -> Result<Rc<Document>, LoadError> {
        let path = file_path(from, file).map_err(LoadError::Reason)?;
        let name = display_path(&path);
        let canonical = path
            .canonicalize()
            .map_err(|err| LoadError::Reason(format!("cannot open `{name}`: {err}")))?;
        if let Some(doc) = self.by_path.get(&canonical) {
            return Ok(Rc::clone(doc));
        }
        let text = std::fs::read_to_string(&canonical)
            .map_err(|err| LoadError::Reason(format!("cannot read `{name}`: {err}")))?;
        let dir = path.parent().map(Path::to_path_buf);
        let id = self.loaded.len();
        let doc = Rc::new(Document::parse(id, &text, &name, dir).map_err(LoadError::Spec)?);
        self.loaded.push(Rc::clone(&doc));
        self.by_path.insert(canonical, Rc::clone(&doc));
        Ok(doc)
    }
}

/// Why a referenced file could not be loaded: a reason for a `SpecError::Ref` at the `$ref`, or
/// an error of its own (a syntax error in that file names that file).
enum LoadError {
    Reason(String),
    Spec(SpecError),
}

impl LoadError {
    fn into_spec_error(self, at_ref: impl FnOnce(String) -> SpecError) -> SpecError {
        match self {
            LoadError::Reason(reason) => at_ref(reason),
            LoadError::Spec(err) => err,
        }
    }
}

/// The path a reference's file part names.
fn file_path(from: &Document, file: &str) -> Result<PathBuf, String> {
    let lower = file.to_ascii_lowercase();
    if lower.starts_with("file://") {
        return url::Url::parse(file)
            .ok()
            .and_then(|url| url.to_file_path().ok())
            .ok_or_else(|| format!("`{file}` is not a usable file URL"));
    }
    if lower.contains("://") {
        return Err(
            "remote references are not fetched: download that file next to the spec and refer to \
             it by a relative path"
                .to_owned(),
        );
    }
    let file = pointer::percent_decode(file);
    let file = Path::new(file.as_ref());
    if file.is_absolute() {
        return Ok(file.to_path_buf());
    }
    let Some(dir) = &from.dir else {
        return Err(format!(
            "`{}` was not read from a file, so relative file references cannot be followed: save \
             the spec and the files it references locally and pass the spec's path",
            from.name
        ));
    };
    Ok(dir.join(file))
}

/// A path as messages show it: `./` and `a/../` removed, without touching the file system.
fn display_path(path: &Path) -> String {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.display().to_string()
}

/// Maps whose members are named definitions, where "no such component" is the right words.
const COMPONENT_MAPS: &[&str] = &[
    "/definitions",
    "/parameters",
    "/responses",
    "/securityDefinitions",
    "/components/schemas",
    "/components/parameters",
    "/components/responses",
    "/components/requestBodies",
    "/components/examples",
    "/components/headers",
    "/components/securitySchemes",
    "/components/links",
    "/components/callbacks",
    "/components/pathItems",
];

/// Why `ptr` is not in `doc`, with a suggestion when a near name exists.
fn missing_reason(doc: &Document, ptr: &str) -> String {
    let parent = pointer::parent(ptr);
    let want = pointer::last(ptr).unwrap_or_default();
    match doc.get(parent) {
        Some(Value::Object(map)) => {
            let what = if COMPONENT_MAPS.contains(&parent) {
                "no such component".to_owned()
            } else {
                format!("`{}` has no member `{want}`", show(parent))
            };
            let hint = suggest(map.keys().map(String::as_str), &want)
                .map(|near| format!(" (did you mean `{near}`?)"))
                .or_else(|| elsewhere(doc, &want).map(|p| format!(" (it exists at `#{p}`)")))
                .unwrap_or_default();
            format!("{what}{hint}")
        }
        Some(Value::Array(items)) => format!(
            "`{}` is a list of {} elements; `{want}` is not an index in it",
            show(parent),
            items.len()
        ),
        Some(_) => format!("`{}` is not an object or a list", show(parent)),
        None => {
            let mut missing = parent;
            while doc.get(pointer::parent(missing)).is_none() {
                missing = pointer::parent(missing);
            }
            let hint = elsewhere(doc, &want)
                .map(|p| format!(" (it exists at `#{p}`)"))
                .unwrap_or_default();
            format!("`{}` does not exist in {}{hint}", show(missing), doc.name)
        }
    }
}

fn show(ptr: &str) -> &str {
    if ptr.is_empty() {
        "(document root)"
    } else {
        ptr
    }
}

/// The component map of the other OpenAPI version that has `name` (a 2.0 `#/definitions/X`
/// written in a 3.x document, or the reverse).
fn elsewhere(doc: &Document, name: &str) -> Option<String> {
    COMPONENT_MAPS
        .iter()
        .map(|map| pointer::child(map, name))
        .find(|ptr| doc.get(ptr).is_some())
}

/// The candidate nearest to `want`, if it is near enough to be a typo.
fn suggest<'a>(candidates: impl Iterator<Item = &'a str>, want: &str) -> Option<&'a str> {
    let want_lower = want.to_lowercase();
    let limit = (want.chars().count() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&c.to_lowercase(), &want_lower), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars (only ever run on an error path, over short names).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("usr", "user"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn suggestions_are_near_names_only() {
        let names = ["User", "Order", "Category"];
        assert_eq!(suggest(names.iter().copied(), "Usr"), Some("User"));
        assert_eq!(suggest(names.iter().copied(), "user"), Some("User"));
        assert_eq!(suggest(names.iter().copied(), "Payment"), None);
    }

    #[test]
    fn display_paths_are_tidy() {
        assert_eq!(
            display_path(Path::new("specs/./schemas/../user.json")),
            "specs/user.json"
        );
        assert_eq!(display_path(Path::new("../x.yaml")), "../x.yaml");
    }
}
