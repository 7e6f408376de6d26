//! Responses and request bodies, in both shapes:
//!
//! * 3.x: `content` maps media types to a schema; an absent or empty `content` declares no body.
//! * 2.0: a response has at most one `schema`, served as each of the `produces` media types (the
//!   operation's, else the document's, else `application/json`); the request body is the
//!   `in: body` parameter (or the `formData` parameters) with the `consumes` media types.
//!
//! `op` is the operation's node and `op_map` its members.

use crate::error::Result;
use crate::model::{MediaType, RequestBody, ResponseSpec, SchemaId, SpecVersion, StatusKey};
use crate::normalize::{Normalizer, expect_object, is_true, str_field};
use crate::params::{In, RawParam, form_schema};
use crate::refs::Node;
use serde_json::{Map, Value};

/// The media type 2.0 assumes when neither the operation nor the document lists any.
const DEFAULT_MEDIA: &str = "application/json";

type Members = Map<String, Value>;

impl Normalizer {
    /// The responses of the operation, in document order.
    pub fn responses(&mut self, op: &Node, op_map: &Members) -> Result<Vec<ResponseSpec>> {
        let Some(value) = op_map.get("responses") else {
            // Required before 3.1; worth a word there, since nothing can be checked.
            if self.version != SpecVersion::OpenApi31 {
                self.warn(op, "operation without `responses`");
            }
            return Ok(Vec::new());
        };
        let owner = op.child("responses");
        let map = expect_object(&owner, value, "`responses`")?;
        let mut out = Vec::with_capacity(map.len());
        for (key, response) in map {
            if key.starts_with("x-") {
                continue;
            }
            let Some(status) = status_key(key) else {
                let message = format!(
                    "`{key}` is not a status code, `2XX`-style range or `default`; ignored"
                );
                self.warn(&owner.child(key), message);
                continue;
            };
            let response = self.follow(owner.child(key), response)?;
            let map = expect_object(response.node(), response.value(), "a response")?;
            out.push(self.response(status, response.node(), map, op_map)?);
        }
        Ok(out)
    }

    fn response(
        &mut self,
        status: StatusKey,
        node: &Node,
        map: &Members,
        op_map: &Members,
    ) -> Result<ResponseSpec> {
        let content = match self.version {
            SpecVersion::Swagger2 => match map.get("schema") {
                Some(schema) => {
                    let schema = self.schema_at(&node.child("schema"), schema)?;
                    self.media_types(op_map, "produces", Some(schema))
                }
                None => Vec::new(),
            },
            _ => self.content(node, map)?,
        };
        Ok(ResponseSpec {
            status,
            content,
            description: str_field(map, "description").unwrap_or_default(),
        })
    }

    /// The 3.x `requestBody` of the operation.
    pub fn request_body(&mut self, op: &Node, op_map: &Members) -> Result<Option<RequestBody>> {
        let Some(body) = op_map.get("requestBody") else {
            return Ok(None);
        };
        let body = self.follow(op.child("requestBody"), body)?;
        let map = expect_object(body.node(), body.value(), "a request body")?;
        Ok(Some(RequestBody {
            required: is_true(map, "required"),
            content: self.content(body.node(), map)?,
        }))
    }

    /// The 2.0 request body: the `in: body` parameter, else the `formData` parameters.
    pub fn body_from_params(
        &mut self,
        op: &Node,
        op_map: &Members,
        params: &[RawParam],
    ) -> Result<Option<RequestBody>> {
        if let Some(body) = params.iter().find(|p| p.location == In::Body) {
            let schema = match body.node.value().get("schema") {
                Some(schema) => Some(self.schema_at(&body.node.child("schema"), schema)?),
                None => None,
            };
            return Ok(Some(RequestBody {
                required: body.required,
                content: self.media_types(op_map, "consumes", schema),
            }));
        }
        let fields: Vec<&RawParam> = params
            .iter()
            .filter(|p| p.location == In::FormData)
            .collect();
        if fields.is_empty() {
            return Ok(None);
        }
        let origin = op.doc.origin(&crate::pointer::child(&op.ptr, "parameters"));
        let schema = form_schema(self, origin, &fields)?;
        // Only the form media types of `consumes` describe form fields.
        let mut content = self.media_types(op_map, "consumes", Some(schema));
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

    /// A 3.x `content` map of the response or request body at `owner` (absent → no body).
    fn content(&mut self, owner: &Node, owner_map: &Members) -> Result<Vec<MediaType>> {
        let Some(value) = owner_map.get("content") else {
            return Ok(Vec::new());
        };
        let node = owner.child("content");
        let map = expect_object(&node, value, "`content`, a map of media types")?;
        let mut out = Vec::with_capacity(map.len());
        for (media, media_object) in map {
            let media_node = node.child(media);
            // `application/json:` with nothing after it is YAML for null: a media type without
            // a schema, not a mistake worth stopping for.
            let empty = Map::new();
            let media_object = match media_object {
                Value::Null => &empty,
                other => expect_object(&media_node, other, "a media type object")?,
            };
            let schema = match media_object.get("schema") {
                Some(schema) => Some(self.schema_at(&media_node.child("schema"), schema)?),
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
    fn media_types(&self, op_map: &Members, key: &str, schema: Option<SchemaId>) -> Vec<MediaType> {
        let listed = |value: Option<&Value>| -> Option<Vec<String>> {
            let names: Vec<String> = value?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect();
            (!names.is_empty()).then_some(names)
        };
        let names = listed(op_map.get(key))
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
