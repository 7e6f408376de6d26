//! Parameters: path-level and operation-level lists merged (the operation wins on `(name, in)`),
//! `$ref`s followed, and example values gathered for the planner, best first.
//!
//! In 2.0 a non-body parameter carries its schema keywords (`type`, `enum`, `default`, ...) on
//! itself, so the parameter object is read as its schema; `in: body` and `in: formData`
//! parameters become the request body (see [`crate::bodies`]).

use crate::error::Result;
use crate::model::{ParamLocation, Parameter, Schema, SchemaId, SpecVersion};
use crate::normalize::{Normalizer, expect_array, expect_object, invalid, is_true, push_unique};
use crate::refs::Node;
use serde_json::{Map, Value};

/// Where a parameter goes, including the 2.0 locations that are really the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum In {
    Param(ParamLocation),
    Body,
    FormData,
}

/// A parameter after `$ref`s, before it is turned into a [`Parameter`] or body.
#[derive(Debug, Clone)]
pub(crate) struct RawParam {
    pub name: String,
    pub location: In,
    pub required: bool,
    /// The parameter object itself (after `$ref`s).
    pub node: Node,
}

impl Normalizer {
    /// The `parameters` list of a path item or operation (`owner`, whose members are `map`);
    /// empty when absent.
    pub fn raw_parameters(
        &mut self,
        owner: &Node,
        map: &Map<String, Value>,
    ) -> Result<Vec<RawParam>> {
        let Some(value) = map.get("parameters") else {
            return Ok(Vec::new());
        };
        let list = owner.child("parameters");
        let items = expect_array(&list, value, "a list of parameters")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let param = self.follow(list.index(i), item)?;
            out.push(self.raw_param(param.node(), param.value())?);
        }
        Ok(out)
    }

    fn raw_param(&self, node: &Node, value: &Value) -> Result<RawParam> {
        let map = expect_object(node, value, "a parameter")?;
        let Some(name) = map.get("name").and_then(Value::as_str) else {
            return Err(invalid(node, "a parameter needs a `name` (a string)"));
        };
        let written = map.get("in").and_then(Value::as_str).unwrap_or_default();
        let swagger = self.version == SpecVersion::Swagger2;
        let location = match written {
            "path" => In::Param(ParamLocation::Path),
            "query" => In::Param(ParamLocation::Query),
            "header" => In::Param(ParamLocation::Header),
            "cookie" if !swagger => In::Param(ParamLocation::Cookie),
            "body" if swagger => In::Body,
            "formData" if swagger => In::FormData,
            _ => {
                let expected = if swagger {
                    "path, query, header, body or formData"
                } else {
                    "path, query, header or cookie"
                };
                let message =
                    format!("parameter `{name}`: `in: {written}` is not one of {expected}");
                return Err(invalid(&node.child("in"), message));
            }
        };
        Ok(RawParam {
            name: name.to_owned(),
            required: location == In::Param(ParamLocation::Path) || is_true(map, "required"),
            location,
            node: node.clone(),
        })
    }

    /// A [`Parameter`] from a raw one of a real location.
    pub fn parameter(&mut self, raw: &RawParam, location: ParamLocation) -> Result<Parameter> {
        let value = raw.node.value();
        let schema = self.param_schema(&raw.node, value)?;
        let mut examples = Vec::new();
        self.own_examples(&raw.node, value, &mut examples)?;
        if let Some(id) = schema {
            schema_examples(&self.schemas, id, &mut examples);
        }
        Ok(Parameter {
            name: raw.name.clone(),
            location,
            required: raw.required,
            schema,
            examples,
        })
    }

    /// `schema`, else the schema of the first `content` entry (3.x); the parameter itself (2.0).
    fn param_schema(&mut self, node: &Node, map: &Value) -> Result<Option<SchemaId>> {
        if self.version == SpecVersion::Swagger2 {
            return self.schema_at(node, map).map(Some);
        }
        if let Some(schema) = map.get("schema") {
            return self.schema_at(&node.child("schema"), schema).map(Some);
        }
        let first_media = map
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.iter().next());
        match first_media {
            Some((media, media_object)) if media_object.get("schema").is_some() => {
                let node = node.child("content").child(media).child("schema");
                self.schema_at(&node, &media_object["schema"]).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The parameter's own `example`, `x-example` (a common 2.0 extension) and
    /// `examples.*.value`.
    fn own_examples(&mut self, node: &Node, map: &Value, out: &mut Vec<Value>) -> Result<()> {
        for key in ["example", "x-example"] {
            if let Some(value) = map.get(key) {
                push_unique(out, value);
            }
        }
        let Some(Value::Object(named)) = map.get("examples") else {
            return Ok(());
        };
        let examples = node.child("examples");
        for (name, example) in named {
            // An Example object may be a `$ref` to `#/components/examples/...`.
            let example = self.follow(examples.child(name), example)?;
            if let Some(value) = example.value().get("value") {
                push_unique(out, value);
            }
        }
        Ok(())
    }
}

/// Candidates from a parameter's schema: its examples and default, then its first `enum` value;
/// for `allOf` wrappers (how generators attach a description to a `$ref`), the same of each
/// member.
fn schema_examples(schemas: &[Schema], id: SchemaId, out: &mut Vec<Value>) {
    let schema = &schemas[id.0];
    let mut add = |schema: &Schema| {
        for value in &schema.examples {
            push_unique(out, value);
        }
        if let Some(first) = schema.enum_values.first() {
            push_unique(out, first);
        }
    };
    add(schema);
    for member in &schema.all_of {
        add(&schemas[member.0]);
    }
}

/// Path-level parameters with the operation's merged in: same `(name, in)` is replaced in place,
/// new ones are appended.
pub(crate) fn merge(shared: &[RawParam], own: Vec<RawParam>) -> Vec<RawParam> {
    let mut out = shared.to_vec();
    for param in own {
        let same = out
            .iter_mut()
            .find(|p| p.name == param.name && p.location == param.location);
        match same {
            Some(slot) => *slot = param,
            None => out.push(param),
        }
    }
    out
}

/// Schema of the 2.0 `formData` parameters as one object, one property per parameter.
pub(crate) fn form_schema(
    n: &mut Normalizer,
    origin: String,
    fields: &[&RawParam],
) -> Result<SchemaId> {
    let mut schema = Schema {
        origin,
        types: crate::model::TypeSet::OBJECT,
        ..Schema::default()
    };
    for field in fields {
        let id = n.schema(&field.node)?;
        schema.properties.insert(field.name.clone(), id);
        if field.required {
            schema.required.push(field.name.clone());
        }
    }
    Ok(n.push_schema(schema))
}
