//! The normaliser: turns the parsed root document (and the files it references) into a
//! [`Contract`]. This module holds the shared state and the generic helpers; the parts of the
//! document each have a module of their own:
//!
//! | module | reads |
//! |---|---|
//! | [`crate::version`] | `openapi` / `swagger` |
//! | [`crate::servers`] | `servers[0].url` / `basePath` |
//! | [`crate::security`] | `securityDefinitions` / `components.securitySchemes`, `security` |
//! | [`crate::operations`] | `paths` |
//! | [`crate::params`] | `parameters` |
//! | [`crate::bodies`] | `responses`, `requestBody`, 2.0 body and form parameters |
//! | [`crate::schema`] | schemas, into the arena |

use crate::document::Document;
use crate::error::{Result, SpecError};
use crate::model::{Contract, Schema, SchemaId, SpecVersion};
use crate::pointer;
use crate::refs::{Docs, Node, Target};
use crate::schema::Pending;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// State shared by the whole normalisation of one spec.
pub(crate) struct Normalizer {
    pub docs: Docs,
    pub version: SpecVersion,
    /// The schema arena being built.
    pub schemas: Vec<Schema>,
    /// Per document (by id), the pointer of every schema met → its id: the same target always
    /// gets the same id, and an id exists before its schema is filled in, so recursion
    /// terminates. Nested by document so a lookup needs no key to be built.
    pub memo: Vec<HashMap<String, SchemaId>>,
    /// Schemas reached through a `$ref` and not filled in yet. A queue rather than recursion, so
    /// long chains of references cannot overflow the stack.
    pub queue: Vec<Pending>,
    pub warnings: Vec<String>,
}

/// Normalise a parsed root document. `root_path` is its canonical path when it is a file.
pub(crate) fn normalise(root: Document, root_path: Option<PathBuf>) -> Result<Contract> {
    let version = crate::version::detect(&root)?;
    let mut n = Normalizer {
        docs: Docs::new(root, root_path),
        version,
        schemas: Vec::new(),
        memo: Vec::new(),
        queue: Vec::new(),
        warnings: Vec::new(),
    };
    let operations = n.operations()?;
    let security_schemes = n.security_schemes()?;
    let base_path = n.base_path();
    n.duplicate_key_warnings();
    let root = &n.docs.root;
    let title = root
        .get("/info/title")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let source = root.name.clone();
    n.docs.release();
    Ok(Contract {
        source,
        version,
        title,
        base_path,
        operations,
        schemas: n.schemas,
        security_schemes,
        warnings: n.warnings,
    })
}

impl Normalizer {
    /// One warning per mapping key written twice in any document read.
    fn duplicate_key_warnings(&mut self) {
        for doc in self.docs.all() {
            for (ptr, line) in &doc.lines.duplicates {
                let key = pointer::last(ptr).unwrap_or_default();
                self.warnings.push(format!(
                    "{}:{line}: {ptr}: key `{key}` is written twice; this later one replaces the \
                     earlier (line {}), so everything under the earlier is ignored",
                    doc.name,
                    doc.lines.exact(ptr).unwrap_or_default(),
                ));
            }
        }
    }

    /// Record something worth knowing that does not stop the load.
    pub fn warn(&mut self, at: &Node, message: impl std::fmt::Display) {
        self.warnings.push(format!("{}: {message}", at.location()));
    }

    /// Follow `$ref`s from `node` until a node that is not a reference.
    pub fn deref(&mut self, node: Node) -> Result<Node> {
        self.deref_until(node, |_| false)
    }

    /// [`Self::deref`] for a node whose value the caller holds: no lookup unless it is a `$ref`.
    pub fn follow<'v>(&mut self, node: Node, value: &'v Value) -> Result<Target<'v>> {
        if value.get("$ref").is_none() {
            return Ok(Target::Here(node, value));
        }
        Ok(Target::There(self.deref(node)?))
    }

    /// Follow `$ref`s from `node` until a node that is not a reference or for which `stop`
    /// holds (a schema `$ref` with meaningful siblings is a schema of its own). A chain that
    /// comes back on itself is an error rather than a hang.
    pub fn deref_until(
        &mut self,
        mut node: Node,
        stop: impl Fn(&Map<String, Value>) -> bool,
    ) -> Result<Node> {
        let start = node.child("$ref");
        let mut seen = Vec::new();
        let mut chain = Vec::new();
        loop {
            let Some(map) = node.value().as_object() else {
                return Ok(node);
            };
            let Some(reference) = map.get("$ref") else {
                return Ok(node);
            };
            if stop(map) {
                return Ok(node);
            }
            let Value::String(reference) = reference else {
                return Err(invalid(&node.child("$ref"), "`$ref` must be a string"));
            };
            chain.push(reference.clone());
            if seen.contains(&node.key()) {
                return Err(SpecError::RefCycle {
                    at: start.location(),
                    chain,
                });
            }
            seen.push(node.key());
            let next =
                self.docs
                    .resolve(&node.doc, &pointer::child(&node.ptr, "$ref"), reference)?;
            node = next;
        }
    }
}

/// An [`SpecError::Invalid`] at `node`.
pub(crate) fn invalid(node: &Node, message: impl Into<String>) -> SpecError {
    SpecError::Invalid {
        at: node.location(),
        message: message.into(),
    }
}

/// `value` as an object, or an error saying what `node` should have been.
pub(crate) fn expect_object<'v>(
    node: &Node,
    value: &'v Value,
    what: &str,
) -> Result<&'v Map<String, Value>> {
    value.as_object().ok_or_else(|| {
        invalid(
            node,
            format!("expected {what} (an object), found {}", kind(value)),
        )
    })
}

/// `value` as a list, or an error saying what `node` should have been.
pub(crate) fn expect_array<'v>(node: &Node, value: &'v Value, what: &str) -> Result<&'v [Value]> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(invalid(
            node,
            format!("expected {what} (a list), found {}", kind(other)),
        )),
    }
}

/// A JSON type in words, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A string member, owned.
pub(crate) fn str_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A boolean member that is `true`.
pub(crate) fn is_true(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool) == Some(true)
}

/// Append `value` unless an equal value is there already (candidate lists stay short and
/// distinct).
pub(crate) fn push_unique(out: &mut Vec<Value>, value: &Value) {
    if !out.contains(value) {
        out.push(value.clone());
    }
}
