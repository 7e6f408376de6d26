//! The normalised contract: what a spec promises, independent of its OpenAPI version.
//!
//! Schemas live in an arena ([`Contract::schemas`]) addressed by [`SchemaId`]. A `$ref` to the
//! same target always yields the same id, which is how recursive schemas terminate: a walker
//! that meets an id it is already inside stops.

use indexmap::IndexMap;
use serde_json::Value;
use std::fmt;

/// Which dialect the document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpecVersion::Swagger2 => "Swagger 2.0",
            SpecVersion::OpenApi30 => "OpenAPI 3.0",
            SpecVersion::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

/// Index of a schema in [`Contract::schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub usize);

/// JSON types a schema admits. Empty means any type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeSet(u8);

impl TypeSet {
    pub const OBJECT: TypeSet = TypeSet(1);
    pub const ARRAY: TypeSet = TypeSet(2);
    pub const STRING: TypeSet = TypeSet(4);
    pub const INTEGER: TypeSet = TypeSet(8);
    pub const NUMBER: TypeSet = TypeSet(16);
    pub const BOOLEAN: TypeSet = TypeSet(32);
    pub const NULL: TypeSet = TypeSet(64);

    pub fn any() -> TypeSet {
        TypeSet(0)
    }
    pub fn is_any(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, other: TypeSet) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
    pub fn with(self, other: TypeSet) -> TypeSet {
        TypeSet(self.0 | other.0)
    }
    /// Parse one JSON Schema type name; unknown names give `None`.
    pub fn from_name(name: &str) -> Option<TypeSet> {
        Some(match name {
            "object" => Self::OBJECT,
            "array" => Self::ARRAY,
            "string" => Self::STRING,
            "integer" => Self::INTEGER,
            "number" => Self::NUMBER,
            "boolean" => Self::BOOLEAN,
            "null" => Self::NULL,
            _ => return None,
        })
    }
}

/// What `additionalProperties` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Additional {
    /// Not written.
    #[default]
    Absent,
    /// `true` or `{}`.
    Allowed,
    /// `false`.
    Forbidden,
    /// A schema every extra property's value must match (a map).
    Schema(SchemaId),
}

/// One normalised schema. Composition is kept, not flattened: analyzers decide how to combine.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// JSON pointer (or `file#pointer` for another file) where the schema is written.
    pub origin: String,
    pub types: TypeSet,
    pub properties: IndexMap<String, SchemaId>,
    pub required: Vec<String>,
    pub additional: Additional,
    pub items: Option<SchemaId>,
    pub all_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    /// `nullable: true` (3.0), `x-nullable` (2.0) or `"null"` in a 3.1 type array.
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub format: Option<String>,
    pub enum_values: Vec<Value>,
    /// `example`, `examples[]`, `default`, in that order.
    pub examples: Vec<Value>,
    /// `title` or the component name the schema was reached through.
    pub name: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// One operation parameter (path-level and operation-level merged, operation wins).
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub schema: Option<SchemaId>,
    /// Candidate values from the spec, best first: `example`, `examples`, schema example,
    /// `default`, first `enum` value.
    pub examples: Vec<Value>,
}

/// How the spec keys a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusKey {
    Code(u16),
    /// `2XX`: the first digit.
    Range(u8),
    Default,
}

impl StatusKey {
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusKey::Code(code) => code == status,
            StatusKey::Range(first) => status / 100 == first as u16,
            StatusKey::Default => true,
        }
    }
}

impl fmt::Display for StatusKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusKey::Code(code) => write!(f, "{code}"),
            StatusKey::Range(first) => write!(f, "{first}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// One media type of a response or request body.
#[derive(Debug, Clone)]
pub struct MediaType {
    /// Lower-cased, as written (`application/json`, `application/*`, `*/*`).
    pub media_type: String,
    /// `None` when the spec gives the media type without a schema.
    pub schema: Option<SchemaId>,
}

/// One declared response.
#[derive(Debug, Clone)]
pub struct ResponseSpec {
    pub status: StatusKey,
    /// Empty means the spec declares no body for this status.
    pub content: Vec<MediaType>,
    pub description: String,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    pub required: bool,
    pub content: Vec<MediaType>,
}

/// One operation: a method on a path template.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Upper-case (`GET`).
    pub method: String,
    /// Path template as written (`/api/orders/{id}/`).
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// In document order.
    pub responses: Vec<ResponseSpec>,
    /// Security requirement names in force (operation-level, else document-level). `Some(vec![])`
    /// means explicitly public (`security: []`); `None` means the spec says nothing.
    pub security: Option<Vec<String>>,
    /// `x-*` keys of the operation object.
    pub extensions: IndexMap<String, Value>,
    /// JSON pointer of the operation object (`/paths/~1api~1orders~1/get`).
    pub pointer: String,
    /// 1-based line of the operation in the spec file, when known.
    pub line: Option<usize>,
}

impl Operation {
    /// The best response spec for a status: exact code, then `NXX`, then `default`.
    pub fn response_for(&self, status: u16) -> Option<&ResponseSpec> {
        let exact = self
            .responses
            .iter()
            .find(|r| r.status == StatusKey::Code(status));
        let range = || {
            self.responses
                .iter()
                .find(|r| matches!(r.status, StatusKey::Range(_)) && r.status.matches(status))
        };
        let default = || {
            self.responses
                .iter()
                .find(|r| r.status == StatusKey::Default)
        };
        exact.or_else(range).or_else(default)
    }

    /// Names of the path parameters in the template, in order (`/a/{x}/b/{y}` → `x`, `y`).
    pub fn path_params(&self) -> Vec<&str> {
        template_params(&self.path)
    }
}

/// Names in `{…}` of a path template.
pub fn template_params(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    out
}

/// A security scheme by name.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    pub name: String,
    /// `mutualTLS`, `http`, `apiKey`, `oauth2`, `openIdConnect`, `basic` (2.0).
    pub kind: String,
}

/// A whole spec, normalised.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The file path or URL it was read from.
    pub source: String,
    pub version: SpecVersion,
    pub title: String,
    /// Path prefix from `servers[0].url` (3.x) or `basePath` (2.0), without trailing slash;
    /// empty when none.
    pub base_path: String,
    pub operations: Vec<Operation>,
    pub schemas: Vec<Schema>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Things that are not errors but that a user should know (unresolved discriminator, an
    /// unknown keyword that changes meaning, ...), with their JSON pointers.
    pub warnings: Vec<String>,
}

impl Contract {
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0]
    }

    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.method.eq_ignore_ascii_case(method) && op.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y}/"), vec!["x", "y"]);
        assert!(template_params("/a/").is_empty());
    }

    #[test]
    fn status_ranges_match_their_century() {
        assert!(StatusKey::Range(2).matches(204));
        assert!(!StatusKey::Range(2).matches(404));
        assert_eq!(StatusKey::Range(4).to_string(), "4XX");
    }
}
