//! Helpers shared by the integration tests: load a fixture, find operations and schemas.
#![allow(dead_code)] // each test binary uses a different subset

use overshare_contract::{Contract, Operation, Schema, SchemaId, load_file};
use std::path::Path;

/// Load `tests/fixtures/<rel>` (cargo runs tests from the package root, so names stay relative
/// and messages are the same on every machine).
pub fn load(rel: &str) -> Contract {
    let path = Path::new("tests/fixtures").join(rel);
    load_file(&path).unwrap_or_else(|err| panic!("{err}"))
}

pub fn op<'c>(contract: &'c Contract, method: &str, path: &str) -> &'c Operation {
    contract
        .operation(method, path)
        .unwrap_or_else(|| panic!("no operation {method} {path}"))
}

/// The schema of the `application/json` body of the response for `status`.
pub fn response_schema(op: &Operation, status: u16) -> SchemaId {
    let response = op
        .response_for(status)
        .unwrap_or_else(|| panic!("no response for {status}"));
    response
        .content
        .iter()
        .find(|m| m.media_type == "application/json")
        .and_then(|m| m.schema)
        .expect("a JSON schema")
}

/// The property `name` of `id`, directly or through `allOf` members.
pub fn prop(contract: &Contract, id: SchemaId, name: &str) -> SchemaId {
    find_prop(contract, id, name, 0).unwrap_or_else(|| panic!("no property {name} in {id:?}"))
}

fn find_prop(contract: &Contract, id: SchemaId, name: &str, depth: usize) -> Option<SchemaId> {
    let schema = contract.schema(id);
    if let Some(&found) = schema.properties.get(name) {
        return Some(found);
    }
    if depth > 8 {
        return None;
    }
    schema
        .all_of
        .iter()
        .find_map(|&member| find_prop(contract, member, name, depth + 1))
}

/// The schema named `name` (title or component name).
pub fn named<'c>(contract: &'c Contract, name: &str) -> (SchemaId, &'c Schema) {
    let index = contract
        .schemas
        .iter()
        .position(|s| s.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no schema named {name}"));
    (SchemaId(index), &contract.schemas[index])
}

/// Property names of a schema, in order.
pub fn prop_names(schema: &Schema) -> Vec<&str> {
    schema.properties.keys().map(String::as_str).collect()
}
