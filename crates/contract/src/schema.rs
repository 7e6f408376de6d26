//! Schemas into the arena.
//!
//! Every schema is identified by where it is written, `(document, pointer)`. The first time a
//! location is met it gets an id *before* its content is read, and the memo maps the location
//! to that id; a reference to a location already in the memo gets the same id. That is what
//! makes recursive schemas terminate and what lets analyzers compare ids.
//!
//! Inline sub-schemas are filled in recursively (depth is bounded by the document's own nesting,
//! which the parsers limit); schemas reached through `$ref` are queued and filled in by
//! [`Normalizer::schema`] before it returns, so a long chain of components cannot overflow the
//! stack.
//!
//! A `$ref` with meaningful sibling keywords (`nullable`, `readOnly`, `example`, ...) becomes a
//! schema of its own whose first `allOf` member is the target: composition is kept, not
//! flattened, and the target keeps its single id.

use crate::error::Result;
use crate::model::{Additional, Schema, SchemaId, SpecVersion, TypeSet};
use crate::normalize::{Normalizer, expect_array, expect_object, invalid, kind, push_unique};
use crate::pointer;
use crate::refs::Node;
use serde_json::{Map, Value};
use std::path::Path;

/// A schema reached through a `$ref` whose id exists but whose content is not read yet.
pub(crate) struct Pending {
    id: SchemaId,
    node: Node,
    name: Option<String>,
}

/// Keywords next to a `$ref` that change nothing we record: a `$ref` with only these is a plain
/// reference, not a schema of its own.
const ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "deprecated",
    "externalDocs",
    "$comment",
    "$id",
    "$schema",
    "$anchor",
];

/// Whether `map` is a `$ref` whose siblings are meaningful (so it is a schema of its own).
fn ref_with_siblings(map: &Map<String, Value>) -> bool {
    map.contains_key("$ref")
        && map.keys().any(|key| {
            key != "$ref"
                && !ANNOTATIONS.contains(&key.as_str())
                && (!key.starts_with("x-") || key == "x-nullable")
        })
}

impl Normalizer {
    /// The id of the schema at `node`, with everything it reaches filled in.
    pub fn schema(&mut self, node: &Node) -> Result<SchemaId> {
        self.schema_at(node, node.value())
    }

    /// [`Self::schema`] when the caller holds the value already.
    pub fn schema_at(&mut self, node: &Node, value: &Value) -> Result<SchemaId> {
        let id = self.schema_inline(node, value)?;
        self.drain()?;
        Ok(id)
    }

    /// Add a schema the spec does not spell out (2.0 form parameters as one object).
    pub fn push_schema(&mut self, schema: Schema) -> SchemaId {
        self.schemas.push(schema);
        SchemaId(self.schemas.len() - 1)
    }

    /// The id of the schema `value` at `node`; references are queued, inline content is filled
    /// in now. The value is passed along with its node so that it is not looked up again.
    fn schema_inline(&mut self, node: &Node, value: &Value) -> Result<SchemaId> {
        if let Some(id) = self.memo_get(node) {
            return Ok(id);
        }
        if let Some(map) = value.as_object()
            && map.contains_key("$ref")
            && !ref_with_siblings(map)
        {
            let id = self.schema_ref(node, map)?;
            self.memo_insert(node, id);
            return Ok(id);
        }
        let id = self.alloc(node);
        self.fill(id, node, value, None)?;
        Ok(id)
    }

    /// The id of the target of the `$ref` written at `site` (whose members are `map`);
    /// allocated and queued if new.
    fn schema_ref(&mut self, site: &Node, map: &Map<String, Value>) -> Result<SchemaId> {
        let reference = match map.get("$ref") {
            Some(Value::String(reference)) => reference.as_str(),
            _ => return Err(invalid(&site.child("$ref"), "`$ref` must be a string")),
        };
        let ref_ptr = pointer::child(&site.ptr, "$ref");
        let first = self.docs.resolve(&site.doc, &ref_ptr, reference)?;
        let target = self.deref_until(first, ref_with_siblings)?;
        if let Some(id) = self.memo_get(&target) {
            return Ok(id);
        }
        let id = self.alloc(&target);
        let name = component_name(&target);
        self.queue.push(Pending {
            id,
            node: target,
            name,
        });
        Ok(id)
    }

    /// Fill in every queued schema (filling one may queue more).
    fn drain(&mut self) -> Result<()> {
        while let Some(Pending { id, node, name }) = self.queue.pop() {
            self.fill(id, &node, node.value(), name)?;
        }
        Ok(())
    }

    /// A fresh id for the schema at `node`, memoised before its content is read.
    fn alloc(&mut self, node: &Node) -> SchemaId {
        let id = self.push_schema(Schema {
            origin: node.doc.origin(&node.ptr),
            ..Schema::default()
        });
        self.memo_insert(node, id);
        id
    }

    fn memo_get(&self, node: &Node) -> Option<SchemaId> {
        self.memo.get(node.doc.id)?.get(&node.ptr).copied()
    }

    fn memo_insert(&mut self, node: &Node, id: SchemaId) {
        if self.memo.len() <= node.doc.id {
            self.memo.resize_with(node.doc.id + 1, Default::default);
        }
        self.memo[node.doc.id].insert(node.ptr.clone(), id);
    }

    /// Read the schema at `node` into the arena slot `id`.
    fn fill(
        &mut self,
        id: SchemaId,
        node: &Node,
        value: &Value,
        name: Option<String>,
    ) -> Result<()> {
        let map = match value {
            Value::Object(map) => map,
            // 3.1 boolean schemas: `true` admits anything, which is what an empty schema says.
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => {
                self.warn(node, "schema `false` admits nothing; read as unconstrained");
                return Ok(());
            }
            other => {
                let message = format!("expected a schema (an object), found {}", kind(other));
                return Err(invalid(node, message));
            }
        };
        let mut schema = Schema {
            origin: std::mem::take(&mut self.schemas[id.0].origin),
            name: map.get("title").and_then(Value::as_str).map(str::to_owned),
            ..Schema::default()
        };
        schema.name = schema.name.or(name);
        if map.contains_key("$ref") {
            self.ref_siblings(&mut schema, node, map)?;
        }
        self.object_keywords(&mut schema, node, map)?;
        self.array_keywords(&mut schema, node, map)?;
        self.composition(&mut schema, node, map)?;
        self.types(&mut schema, node, map);
        annotations(&mut schema, map);
        self.schemas[id.0] = schema;
        Ok(())
    }

    /// A `$ref` with siblings: the target becomes the first `allOf` member.
    fn ref_siblings(
        &mut self,
        schema: &mut Schema,
        node: &Node,
        map: &Map<String, Value>,
    ) -> Result<()> {
        if self.version != SpecVersion::OpenApi31 {
            let message = format!(
                "keywords next to `$ref` are honoured, although {} says to ignore them",
                self.version
            );
            self.warn(node, message);
        }
        schema.all_of.push(self.schema_ref(node, map)?);
        Ok(())
    }

    /// `properties`, `required`, `additionalProperties`.
    fn object_keywords(
        &mut self,
        schema: &mut Schema,
        node: &Node,
        map: &Map<String, Value>,
    ) -> Result<()> {
        if let Some(value) = map.get("properties") {
            let props = node.child("properties");
            for (name, sub) in expect_object(&props, value, "`properties`")? {
                let id = self.schema_inline(&props.child(name), sub)?;
                schema.properties.insert(name.clone(), id);
            }
        }
        // A 2.0 parameter read as a schema has `required: true`; only a list means anything here.
        if let Some(Value::Array(names)) = map.get("required") {
            let names = names.iter().filter_map(Value::as_str).map(str::to_owned);
            schema.required.extend(names);
        }
        schema.additional = match map.get("additionalProperties") {
            None => Additional::Absent,
            Some(Value::Bool(true)) => Additional::Allowed,
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(Value::Object(extra)) if extra.is_empty() => Additional::Allowed,
            Some(extra @ Value::Object(_)) => {
                Additional::Schema(self.schema_inline(&node.child("additionalProperties"), extra)?)
            }
            Some(other) => {
                let message = format!(
                    "`additionalProperties` must be a boolean or a schema, found {}",
                    kind(other)
                );
                return Err(invalid(&node.child("additionalProperties"), message));
            }
        };
        Ok(())
    }

    /// `items`.
    fn array_keywords(
        &mut self,
        schema: &mut Schema,
        node: &Node,
        map: &Map<String, Value>,
    ) -> Result<()> {
        match map.get("items") {
            Some(items @ (Value::Object(_) | Value::Bool(_))) => {
                schema.items = Some(self.schema_inline(&node.child("items"), items)?);
            }
            Some(Value::Array(_)) => self.warn(
                &node.child("items"),
                "tuple `items` (a list) is not supported; the items are read as unconstrained",
            ),
            Some(other) => {
                let message = format!("`items` must be a schema, found {}", kind(other));
                return Err(invalid(&node.child("items"), message));
            }
            None => {}
        }
        Ok(())
    }

    /// `allOf`, `oneOf`, `anyOf`, kept as lists.
    fn composition(
        &mut self,
        schema: &mut Schema,
        node: &Node,
        map: &Map<String, Value>,
    ) -> Result<()> {
        for (keyword, list) in [
            ("allOf", &mut schema.all_of),
            ("oneOf", &mut schema.one_of),
            ("anyOf", &mut schema.any_of),
        ] {
            let Some(value) = map.get(keyword) else {
                continue;
            };
            let owner = node.child(keyword);
            let what = format!("`{keyword}`");
            for (i, member) in expect_array(&owner, value, &what)?.iter().enumerate() {
                list.push(self.schema_inline(&owner.index(i), member)?);
            }
        }
        Ok(())
    }

    /// `type` (a name or, in 3.1, a list), nullability in all its spellings, and the type implied
    /// by `properties` / `items` when `type` is absent.
    fn types(&mut self, schema: &mut Schema, node: &Node, map: &Map<String, Value>) {
        let names: Vec<&str> = match map.get("type") {
            Some(Value::String(name)) => vec![name.as_str()],
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for name in names {
            match TypeSet::from_name(name) {
                Some(set) => schema.types = schema.types.with(set),
                // 2.0 `type: file` (a binary body) constrains nothing we check.
                None if name == "file" => {}
                None => self.warn(
                    &node.child("type"),
                    format!("unknown type `{name}`; read as any type"),
                ),
            }
        }
        if schema.types.is_any() && map.contains_key("properties") {
            schema.types = TypeSet::OBJECT;
        }
        if schema.types.is_any() && map.contains_key("items") {
            schema.types = TypeSet::ARRAY;
        }
        schema.nullable = crate::normalize::is_true(map, "nullable")
            || crate::normalize::is_true(map, "x-nullable")
            || schema.types.contains(TypeSet::NULL);
        // Keep the two spellings in step; "any type" already admits null.
        if schema.nullable && !schema.types.is_any() {
            schema.types = schema.types.with(TypeSet::NULL);
        }
    }
}

/// `readOnly`, `writeOnly`, `format`, `enum` / `const`, and the example values.
fn annotations(schema: &mut Schema, map: &Map<String, Value>) {
    schema.read_only = crate::normalize::is_true(map, "readOnly");
    schema.write_only = crate::normalize::is_true(map, "writeOnly");
    schema.format = map.get("format").and_then(Value::as_str).map(str::to_owned);
    if let Some(Value::Array(values)) = map.get("enum") {
        schema.enum_values.clone_from(values);
    }
    if let Some(value) = map.get("const") {
        push_unique(&mut schema.enum_values, value);
    }
    for key in ["example", "x-example"] {
        if let Some(value) = map.get(key) {
            push_unique(&mut schema.examples, value);
        }
    }
    match map.get("examples") {
        Some(Value::Array(values)) => {
            for value in values {
                push_unique(&mut schema.examples, value);
            }
        }
        // Not valid in a schema, but written by people used to parameter `examples`.
        Some(Value::Object(named)) => {
            for example in named.values() {
                push_unique(
                    &mut schema.examples,
                    example.get("value").unwrap_or(example),
                );
            }
        }
        _ => {}
    }
    if let Some(value) = map.get("default") {
        push_unique(&mut schema.examples, value);
    }
}

/// The name a referenced schema is known by: the member name in a definitions map (or at the top
/// of another file), or the file's stem for a whole-file reference.
fn component_name(node: &Node) -> Option<String> {
    if node.ptr.is_empty() {
        let stem = Path::new(&node.doc.name).file_stem()?;
        return Some(stem.to_string_lossy().into_owned());
    }
    let parent = pointer::parent(&node.ptr);
    let in_definitions = parent.is_empty()
        || ["/schemas", "/definitions", "/$defs"]
            .iter()
            .any(|map| parent.ends_with(map));
    in_definitions.then(|| pointer::last(&node.ptr).unwrap_or_default().into_owned())
}
