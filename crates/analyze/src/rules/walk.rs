//! One walk of a JSON body against its schema, naming every property the schema does not
//! declare (and every `writeOnly` one that came back), with exact and folded pointers.
//!
//! Undeclared means "not in `properties`" whatever `additionalProperties` says: validators
//! that only complain under `additionalProperties: false` miss every leak, because almost no
//! real spec says it. The walk does not descend into an undeclared property: its children are
//! part of the same leak, reported once at the top.

use crate::schema_view::View;
use overshare_contract::pointer::{escape, unescape};
use overshare_contract::{Contract, SchemaId};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::rc::Rc;

/// A property met during the walk.
#[derive(Debug)]
pub struct Sighting<'a> {
    /// RFC 6901 pointer into this body (`/results/0/user/password`).
    pub pointer: String,
    /// The same with array indexes folded (`/results/*/user/password`).
    pub pattern: String,
    pub field: String,
    pub value: &'a Value,
    /// Name of the schema that should have declared it, when known.
    pub schema_name: Option<String>,
}

/// What the walk found; each list holds at most one sighting per pattern.
#[derive(Debug, Default)]
pub struct Walked<'a> {
    pub undeclared: Vec<Sighting<'a>>,
    pub write_only: Vec<Sighting<'a>>,
}

/// Walk `body` against `schema`.
pub fn walk<'a>(contract: &Contract, schema: SchemaId, body: &'a Value) -> Walked<'a> {
    let mut walker = Walker {
        contract,
        out: Walked::default(),
        patterns: HashSet::new(),
        views: HashMap::new(),
    };
    let mut pointer = String::new();
    let mut pattern = String::new();
    walker.visit(&[schema], body, &mut pointer, &mut pattern);
    walker.out
}

struct Walker<'c, 'a> {
    contract: &'c Contract,
    out: Walked<'a>,
    /// Patterns already reported, so that 500 array elements give one sighting.
    patterns: HashSet<(bool, String)>,
    /// Views by schema set: the 20 000 items of a page share one.
    views: HashMap<Vec<SchemaId>, Rc<View>>,
}

impl<'a> Walker<'_, 'a> {
    fn view(&mut self, schemas: &[SchemaId]) -> Rc<View> {
        if let Some(view) = self.views.get(schemas) {
            return view.clone();
        }
        let view = Rc::new(View::of(self.contract, schemas));
        self.views.insert(schemas.to_vec(), view.clone());
        view
    }

    fn visit(
        &mut self,
        schemas: &[SchemaId],
        value: &'a Value,
        ptr: &mut String,
        pat: &mut String,
    ) {
        if schemas.is_empty() {
            return;
        }
        match value {
            Value::Object(map) => {
                let view = self.view(schemas);
                for (key, child) in map {
                    self.visit_property(&view, key, child, ptr, pat);
                }
            }
            Value::Array(items) => {
                let view = self.view(schemas);
                for (index, item) in items.iter().enumerate() {
                    let (p, q) = (ptr.len(), pat.len());
                    // `write!` into the buffer: no temporary string per array element.
                    let _ = write!(ptr, "/{index}");
                    pat.push_str("/*");
                    self.visit(&view.items, item, ptr, pat);
                    ptr.truncate(p);
                    pat.truncate(q);
                }
            }
            _ => {}
        }
    }

    fn visit_property(
        &mut self,
        view: &View,
        key: &str,
        child: &'a Value,
        ptr: &mut String,
        pat: &mut String,
    ) {
        let (p, q) = (ptr.len(), pat.len());
        let escaped = escape(key);
        ptr.push('/');
        ptr.push_str(&escaped);
        // A map's keys are data (ids, locales): fold them like array indexes.
        let is_map_entry = !view.properties.contains_key(key) && !view.declares_keys();
        pat.push('/');
        pat.push_str(if is_map_entry { "*" } else { &escaped });
        match view.properties.get(key) {
            Some(declared) => {
                if view.is_write_only(self.contract, key) {
                    self.record(true, view, key, child, ptr, pat);
                }
                let declared = declared.clone();
                self.visit(&declared, child, ptr, pat);
            }
            None if view.declares_keys() => self.record(false, view, key, child, ptr, pat),
            // A map or free-form object: keys are data; values follow `additionalProperties`.
            None => {
                let additional = view.additional.clone();
                self.visit(&additional, child, ptr, pat);
            }
        }
        ptr.truncate(p);
        pat.truncate(q);
    }

    fn record(
        &mut self,
        write_only: bool,
        view: &View,
        key: &str,
        value: &'a Value,
        ptr: &str,
        pat: &str,
    ) {
        if !self.patterns.insert((write_only, pat.to_string())) {
            return;
        }
        let sighting = Sighting {
            pointer: ptr.to_string(),
            pattern: pat.to_string(),
            field: key.to_string(),
            value,
            schema_name: view.name.clone(),
        };
        if write_only {
            self.out.write_only.push(sighting);
        } else {
            self.out.undeclared.push(sighting);
        }
    }
}

/// `/results/*/user/password` → `results[].user.password`: how a developer names the field.
pub fn dotted(pattern: &str) -> String {
    let mut out = String::new();
    for token in pattern.split('/').skip(1) {
        if token == "*" {
            out.push_str("[]");
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&unescape(token));
    }
    if out.is_empty() {
        "(body)".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_read_like_code() {
        assert_eq!(dotted("/*/user/password"), "[].user.password");
        assert_eq!(dotted("/results/*/tenant"), "results[].tenant");
        assert_eq!(dotted("/a~1b"), "a/b");
        assert_eq!(dotted(""), "(body)");
    }
}
