//! What a set of schemas declares, with composition folded in.
//!
//! A response schema is rarely one flat object: `allOf` extends a base, `oneOf`/`anyOf` lists
//! variants, `$ref`s recurse. For the question "is this property declared?" overshare takes the
//! union of everything the schema and its composition branches declare. That is deliberately
//! lenient for `oneOf`/`anyOf` (a property declared by any variant counts as declared): picking
//! the "matching" variant guesses, and a guess that is wrong produces false positives, which a
//! security tool must not cry. The leaks this tool exists for are fields no variant declares.

use crate::{Additional, Contract, SchemaId};
use indexmap::IndexMap;
use std::collections::HashSet;

/// The union of what some schemas declare about an object or array.
#[derive(Debug, Default)]
pub struct View {
    /// Declared property → every schema that declares it.
    pub properties: IndexMap<String, Vec<SchemaId>>,
    /// Schemas of array items.
    pub items: Vec<SchemaId>,
    /// Schemas for properties not in `properties` (`additionalProperties: {schema}`).
    pub additional: Vec<SchemaId>,
    /// Some schema says `additionalProperties: false`.
    pub closed: bool,
    /// A readable name for messages (first component name or title met).
    pub name: Option<String>,
}

impl View {
    /// Build the view of `roots`, following composition without looping on recursive refs.
    pub fn of(contract: &Contract, roots: &[SchemaId]) -> View {
        let mut view = View::default();
        let mut seen = HashSet::new();
        for &root in roots {
            view.absorb(contract, root, &mut seen);
        }
        view
    }

    fn absorb(&mut self, contract: &Contract, id: SchemaId, seen: &mut HashSet<SchemaId>) {
        if !seen.insert(id) {
            return;
        }
        let schema = contract.schema(id);
        if self.name.is_none() {
            self.name.clone_from(&schema.name);
        }
        for (name, &prop) in &schema.properties {
            let entry = self.properties.entry(name.clone()).or_default();
            if !entry.contains(&prop) {
                entry.push(prop);
            }
        }
        self.items.extend(schema.items);
        match schema.additional {
            Additional::Schema(extra) => self.additional.push(extra),
            Additional::Forbidden => self.closed = true,
            Additional::Absent | Additional::Allowed => {}
        }
        for &branch in schema
            .all_of
            .iter()
            .chain(&schema.one_of)
            .chain(&schema.any_of)
        {
            self.absorb(contract, branch, seen);
        }
    }

    /// Whether this view declares an object's keys, so that an unknown key is "undeclared".
    ///
    /// A free-form object (`type: object` and nothing else) or a map (`additionalProperties:
    /// {schema}` and no `properties`) declares no field names: its keys are data, and flagging
    /// each one would bury the real leaks. Such objects are walked, not judged.
    pub fn declares_keys(&self) -> bool {
        !self.properties.is_empty() || self.closed
    }

    /// Whether every schema declaring `name` marks it `writeOnly`.
    pub fn is_write_only(&self, contract: &Contract, name: &str) -> bool {
        self.properties.get(name).is_some_and(|ids| {
            !ids.is_empty() && ids.iter().all(|&id| contract.schema(id).write_only)
        })
    }
}
