//! Security: the schemes a document defines (`securityDefinitions` in 2.0,
//! `components.securitySchemes` in 3.x) and the requirements in force for an operation.

use crate::error::Result;
use crate::model::{SecurityScheme, SpecVersion};
use crate::normalize::{Normalizer, expect_array, expect_object, kind, str_field};
use crate::refs::Node;
use serde_json::Value;

impl Normalizer {
    /// Every defined scheme, in document order; `kind` is the scheme's `type` as written.
    pub fn security_schemes(&mut self) -> Result<Vec<SecurityScheme>> {
        let ptr = match self.version {
            SpecVersion::Swagger2 => "/securityDefinitions",
            _ => "/components/securitySchemes",
        };
        let owner = Node::new(&self.docs.root, ptr);
        let Some(value) = owner.doc.get(ptr) else {
            return Ok(Vec::new());
        };
        let map = expect_object(&owner, value, "a map of security schemes")?;
        let mut out = Vec::with_capacity(map.len());
        for name in map.keys() {
            let node = self.deref(owner.child(name))?;
            let scheme = expect_object(&node, node.value(), "a security scheme")?;
            let kind = str_field(scheme, "type").unwrap_or_else(|| "unknown".to_owned());
            if kind == "unknown" {
                self.warn(&node, "security scheme without a `type`");
            }
            out.push(SecurityScheme {
                name: name.clone(),
                kind,
            });
        }
        Ok(out)
    }

    /// The scheme names of a `security` list (the node must exist), in order, each once.
    /// `security: []` (explicitly public) gives no names; so does `[{}]`.
    pub fn security_requirement(&mut self, node: &Node) -> Result<Vec<String>> {
        let list = expect_array(node, node.value(), "a list of security requirements")?;
        let mut names: Vec<String> = Vec::new();
        for (i, requirement) in list.iter().enumerate() {
            let Value::Object(map) = requirement else {
                let message = format!(
                    "expected a security requirement (an object), found {}",
                    kind(requirement)
                );
                return Err(crate::normalize::invalid(&node.index(i), message));
            };
            for name in map.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        Ok(names)
    }
}
