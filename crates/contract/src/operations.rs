//! Operations: every method of every path item under `paths`, with its parameters, bodies,
//! responses and security in force.
//!
//! Functions here take a node together with its value (see [`crate::refs::Target`]): the walk
//! already holds each value, and looking it up again from the root cost more than the rest.

use crate::error::Result;
use crate::model::{Operation, Parameter, SpecVersion};
use crate::normalize::{Normalizer, expect_object, str_field};
use crate::params::{In, RawParam, merge};
use crate::refs::Node;
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::rc::Rc;

/// The path item members that are operations, in the order OpenAPI lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Normalizer {
    /// Every operation, in document order (paths, then methods in [`METHODS`] order).
    pub fn operations(&mut self) -> Result<Vec<Operation>> {
        let root = Rc::clone(&self.docs.root);
        let paths = Node::new(&root, "/paths");
        let Some(value) = root.get("/paths") else {
            // 3.1 documents may describe only webhooks; before 3.1 `paths` is required.
            if self.version != SpecVersion::OpenApi31 {
                self.warn(&paths, "no `paths`: the spec declares no operations");
            }
            return Ok(Vec::new());
        };
        let map = expect_object(&paths, value, "`paths`, a map of path templates")?;
        let security = match root.get("/security") {
            Some(_) => Some(self.security_requirement(&Node::new(&root, "/security"))?),
            None => None,
        };
        let mut out = Vec::new();
        for (template, item) in map {
            if template.starts_with("x-") {
                continue;
            }
            let item = self.follow(paths.child(template), item)?;
            let (node, value) = (item.node(), item.value());
            self.path_item(template, node, value, security.as_ref(), &mut out)?;
        }
        Ok(out)
    }

    fn path_item(
        &mut self,
        template: &str,
        item: &Node,
        value: &Value,
        security: Option<&Vec<String>>,
        out: &mut Vec<Operation>,
    ) -> Result<()> {
        let map = expect_object(item, value, "a path item")?;
        let shared = self.raw_parameters(item, map)?;
        for method in METHODS {
            if let Some(op) = map.get(method) {
                let node = item.child(method);
                let map = expect_object(&node, op, "an operation")?;
                let op = self.operation(template, method, &node, map, &shared, security)?;
                out.push(op);
            }
        }
        Ok(())
    }

    fn operation(
        &mut self,
        template: &str,
        method: &str,
        node: &Node,
        map: &Map<String, Value>,
        shared: &[RawParam],
        doc_security: Option<&Vec<String>>,
    ) -> Result<Operation> {
        let params = merge(shared, self.raw_parameters(node, map)?);
        let parameters = self.parameters(&params)?;
        let request_body = match self.version {
            SpecVersion::Swagger2 => self.body_from_params(node, map, &params)?,
            _ => self.request_body(node, map)?,
        };
        let responses = self.responses(node, map)?;
        let security = match map.get("security") {
            Some(_) => Some(self.security_requirement(&node.child("security"))?),
            None => doc_security.cloned(),
        };
        let extensions: IndexMap<_, _> = map
            .iter()
            .filter(|(key, _)| key.starts_with("x-"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(Operation {
            method: method.to_ascii_uppercase(),
            path: template.to_owned(),
            operation_id: str_field(map, "operationId"),
            summary: str_field(map, "summary"),
            parameters,
            request_body,
            responses,
            security,
            extensions,
            pointer: node.doc.origin(&node.ptr),
            line: node.doc.lines.exact(&node.ptr),
        })
    }

    /// The merged parameters that are not (2.0) body fields.
    fn parameters(&mut self, params: &[RawParam]) -> Result<Vec<Parameter>> {
        let mut out = Vec::with_capacity(params.len());
        for raw in params {
            if let In::Param(location) = raw.location {
                out.push(self.parameter(raw, location)?);
            }
        }
        Ok(out)
    }
}
