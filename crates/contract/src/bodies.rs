//! Responses and request bodies, in both shapes:
//!
//! * 3.x: `content` maps media types to a schema; an absent or empty `content` declares no body.
//! * 2.0: a response has at most one `schema`, served as each of the `produces` media types (the
//!   operation's, else the document's, else `application/json`); the request body is the
//!   `in: body` parameter (or the `formData` parameters) with the `consumes` media types.

use crate::error::Result;
use crate::model::{MediaType, RequestBody, ResponseSpec, SpecVersion, StatusKey};
use crate::normalize::{Normalizer, expect_object, is_true, str_field};
use crate::params::{In, RawParam, form_schema};
use crate::refs::Node;
use serde_json::Value;

/// Media types 2.0 assumes when neither the operation nor the document lists any.
const DEFAULT_MEDIA: &str = "application/json";

impl Normalizer {
    /// The responses of the operation at `op`, in document order.
    pub fn responses(&mut self, op: &Node) -> Result<Vec<ResponseSpec>> {
        let Some(value) = op.value().get("responses") else {
            // Required before 3.1; worth a word there, since nothing can be checked.
            if self.version != SpecVersion::OpenApi31 {
                self.warn(op, "operation without `responses`");
            }
            return Ok(Vec::new());
        };
        let owner = op.child("responses");
        let map = expect_object(&owner, value, "`responses`")?;
        let mut out = Vec::with_capacity(map.len());
        for key in map.keys() {
            if key.starts_with("x-") {
                continue;
            }
            let Some(status) = status_key(key) else {
                let message =
                    format!("`{key}` is not a status code, `2XX`-style range or `default`; ignored");
                self.warn(&owner.child(key), message);
                continue;
            };
            let node = self.deref(owner.child(key))?;
            out.push(self.response(status, &node, op)?);
        }
        Ok(out)
    }

    fn response(&mut self, status: StatusKey, node: &Node, op: &Node) -> Result<ResponseSpec> {
        let map = expect_object(node, node.value(), "a response")?;
        let content = match self.version {
            SpecVersion::Swagger2 if map.contains_key("schema") => {
                let schema = self.schema(&node.child("schema"))?;
                self.media_types(op, "produces", Some(schema))
            }
            SpecVersion::Swagger2 => Vec::new(),
            _ => self.content(node)?,
        };
        Ok(ResponseSpec {
            status,
            content,
            description: str_field(map, "description").unwrap_or_default(),
        })
    }

    /// The 3.x `requestBody` of the operation at `op`.
    pub fn request_body(&mut self, op: &Node) -> Result<Option<RequestBody>> {
        if op.value().get("requestBody").is_none() {
            return Ok(None);
        }
        let node = self.deref(op.child("requestBody"))?;
        let map = expect_object(&node, node.value(), "a request body")?;
        let required = is_true(map, "required");
        Ok(Some(RequestBody {
            required,
            content: self.content(&node)?,
        }))
    }

    /// The 2.0 request body: the `in: body` parameter, else the `formData` parameters.
    pub fn body_from_params(&mut self, op: &Node, params: &[RawParam]) -> Result<Option<RequestBody>> {
        if let Some(body) = params.iter().find(|p| p.location == In::Body) {
            let schema = match body.node.value().get("schema") {
                Some(_) => Some(self.schema(&body.node.child("schema"))?),
                None => None,
            };
            return Ok(Some(RequestBody {
                required: body.required,
                content: self.media_types(op, "consumes", schema),
            }));
        }
        let fields: Vec<&RawParam> = params.iter().filter(|p| p.location == In::FormData).collect();
        if fields.is_empty() {
            return Ok(None);
        }
        let origin = op.doc.origin(&crate::pointer::child(&op.ptr, "parameters"));
        let schema = form_schema(self, origin, &fields)?;
        let mut content = self.media_types(op, "consumes", Some(schema));
        content.retain(|m| m.media_type.contains("form"));
        if content.is_empty() {
            content.push(MediaType {
                media_type: "application/x-www-form-urlencoded".to_owned(),
                schema: Some(schema),
            });
        }
        Ok(Some(RequestBody {
            required: fields.iter().any(|f| f.required),
            content,
        }))
    }

    /// A 3.x `content` map (absent → no body).
    fn content(&mut self, owner: &Node) -> Result<Vec<MediaType>> {
        let Some(value) = owner.value().get("content") else {
            return Ok(Vec::new());
        };
        let node = owner.child("content");
        let map = expect_object(&node, value, "`content`, a map of media types")?;
        let mut out = Vec::with_capacity(map.len());
        for (media, media_object) in map {
            let media_node = node.child(media);
            let media_object = expect_object(&media_node, media_object, "a media type object")?;
            let schema = match media_object.get("schema") {
                Some(_) => Some(self.schema(&media_node.child("schema"))?),
                None => None,
            };
            out.push(MediaType {
                media_type: media.to_ascii_lowercase(),
                schema,
            });
        }
        Ok(out)
    }

    /// 2.0 `produces` / `consumes` of the operation, else of the document, else JSON; each with
    /// `schema`.
    fn media_types(&self, op: &Node, key: &str, schema: Option<crate::SchemaId>) -> Vec<MediaType> {
        let listed = |value: Option<&Value>| -> Option<Vec<String>> {
            let list = value?.as_array()?;
            let names: Vec<String> = list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect();
            (!names.is_empty()).then_some(names)
        };
        let names = listed(op.value().get(key))
            .or_else(|| listed(self.docs.root.value.get(key)))
            .unwrap_or_else(|| vec![DEFAULT_MEDIA.to_owned()]);
        names
            .into_iter()
            .map(|media_type| MediaType { media_type, schema })
            .collect()
    }
}

/// `200`, `2XX` / `2xx`, `default`; `None` for anything else.
pub(crate) fn status_key(key: &str) -> Option<StatusKey> {
    if key == "default" {
        return Some(StatusKey::Default);
    }
    let bytes = key.as_bytes();
    if bytes.len() == 3 && bytes[1..].eq_ignore_ascii_case(b"XX") {
        return match bytes[0] {
            digit @ b'1'..=b'5' => Some(StatusKey::Range(digit - b'0')),
            _ => None,
        };
    }
    match key.parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) => Some(StatusKey::Code(code)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_keys() {
        assert_eq!(status_key("200"), Some(StatusKey::Code(200)));
        assert_eq!(status_key("2XX"), Some(StatusKey::Range(2)));
        assert_eq!(status_key("4xx"), Some(StatusKey::Range(4)));
        assert_eq!(status_key("default"), Some(StatusKey::Default));
        assert_eq!(status_key("9XX"), None);
        assert_eq!(status_key("ok"), None);
        assert_eq!(status_key("999"), None);
    }
}
