//! The planner: which operations to request, for which identity, with which parameter values.
//!
//! Pure functions only; the runner ([`crate::run`]) calls them between rounds of requests.
//!
//! Values for a path or query parameter come, in order, from:
//! 1. the user (`--param name=value`),
//! 2. what this identity saw in the sibling collection (`GET /orders/` feeds `/orders/{id}/`):
//!    the caller's own objects are the right baseline, and later analyzers compare identities,
//! 3. the spec (`example`, `examples`, `default`, first `enum` value).
//!
//! Only safe methods (GET, HEAD, OPTIONS) are planned: a default scan must never change data.

use indexmap::IndexMap;
use overshare_contract::{Contract, Operation, ParamLocation, template_params};
use overshare_exchange::compare::collection_items;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use std::collections::HashMap;

/// Methods a default scan may send.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// Why an operation is not planned at all (for every identity).
pub fn unplanned_reason(operation: &Operation) -> Option<String> {
    if is_safe_method(&operation.method) {
        return None;
    }
    if operation.method == "DELETE" {
        return Some("DELETE is never sent".to_string());
    }
    Some(format!(
        "{} may change data; a default scan sends only GET, HEAD and OPTIONS (--active probes \
         write operations for mass assignment)",
        operation.method
    ))
}

/// The collection operation whose items name the last path parameter of `path`:
/// `/orders/{id}/` → `/orders/`; `/orders/{id}/items/{item}` → `/orders/{id}/items`.
pub fn sibling_collection<'c>(contract: &'c Contract, path: &str) -> Option<&'c Operation> {
    let prefix = &path[..path.rfind('{')?];
    let candidates = [prefix.to_string(), prefix.trim_end_matches('/').to_string()];
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .find_map(|candidate| contract.operation("GET", candidate))
}

/// Operations whose responses may name the last path parameter of `operation`, best first:
/// the sibling collection, then other GETs under the same prefix that need no new parameter
/// (`/profiles/me/` names the caller's own `{id}` for `/profiles/{id}/`).
pub fn providers<'c>(contract: &'c Contract, operation: &Operation) -> Vec<&'c Operation> {
    let Some(start) = operation.path.rfind('{') else {
        return Vec::new();
    };
    let prefix = &operation.path[..start];
    let own_params = template_params(prefix).len();
    let mut out: Vec<&Operation> = sibling_collection(contract, &operation.path)
        .into_iter()
        .collect();
    for candidate in &contract.operations {
        let related = candidate.method == "GET"
            && candidate.path != operation.path
            && candidate.path.starts_with(prefix)
            && template_params(&candidate.path).len() == own_params
            && !out.iter().any(|o| std::ptr::eq(*o, candidate));
        if related {
            out.push(candidate);
        }
    }
    out
}

/// Scalar fields of the objects a collection returned, in order.
pub type Harvested = Vec<IndexMap<String, String>>;

/// Objects of a collection response: a top-level array, or the array under a conventional
/// pagination key (DRF `results`, JSON:API `data`, `items`, ...), or a single object.
pub fn harvest(body: &Value) -> Harvested {
    // The pagination keys are the analyzers' too: one list, in the exchange crate.
    let list = collection_items(body).or_else(|| body.as_object().and_then(only_array));
    let items: Vec<&Value> = match (list, body) {
        (Some(items), _) => items.iter().collect(),
        (None, Value::Object(_)) => vec![body],
        (None, _) => Vec::new(),
    };
    items.into_iter().filter_map(scalar_fields).collect()
}

fn only_array(map: &serde_json::Map<String, Value>) -> Option<&Vec<Value>> {
    let mut arrays = map.values().filter_map(Value::as_array);
    let first = arrays.next()?;
    arrays.next().is_none().then_some(first)
}

fn scalar_fields(item: &Value) -> Option<IndexMap<String, String>> {
    let map = item.as_object()?;
    let fields: IndexMap<String, String> = map
        .iter()
        .filter_map(|(k, v)| scalar_text(v).map(|text| (k.clone(), text)))
        .collect();
    (!fields.is_empty()).then_some(fields)
}

/// A JSON scalar as it would appear in a URL.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The field of a harvested object that fills a path parameter: the parameter's own name,
/// then the identifier fields a DRF router uses (`{pk}` and `{id}` → `id`; `{order_id}` → `id`;
/// `{slug}`, `{uuid}`).
pub fn value_for(param: &str, object: &IndexMap<String, String>) -> Option<String> {
    if let Some(v) = object.get(param) {
        return Some(v.clone());
    }
    let lower = param.to_ascii_lowercase();
    let fallbacks: &[&str] =
        if lower == "pk" || lower == "id" || lower.ends_with("_id") || lower.ends_with("id") {
            &["id", "pk", "uuid"]
        } else if lower.contains("uuid") {
            &["uuid", "id"]
        } else if lower.contains("slug") {
            &["slug"]
        } else {
            &[]
        };
    fallbacks.iter().find_map(|f| object.get(*f).cloned())
}

/// What the planner can say about one (operation, identity) pair now.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Every required parameter has a value.
    Ready {
        path: String,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
    },
    /// The sibling collection has not been requested yet for this identity.
    Wait,
    /// A required parameter has no value; the reason names it.
    Unresolvable(String),
}

/// Inputs for resolving one operation for one identity.
pub struct Inputs<'a> {
    pub contract: &'a Contract,
    /// `--param name=value`.
    pub user_params: &'a HashMap<String, String>,
    /// What this identity's providers (see [`providers`]) returned, best first.
    pub harvested: Vec<&'a Harvested>,
    /// Some provider is still planned for this identity (so it is worth waiting for).
    pub providers_pending: bool,
}

/// Resolve every parameter of `operation`, or say why not.
pub fn resolve(operation: &Operation, inputs: &Inputs<'_>) -> Resolution {
    let mut path = operation.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for name in template_params(&operation.path) {
        let value = match path_value(operation, name, inputs) {
            Ok(value) => value,
            Err(resolution) => return resolution,
        };
        path = path.replace(&format!("{{{name}}}"), &encode_segment(&value));
    }
    for param in &operation.parameters {
        if matches!(param.location, ParamLocation::Path | ParamLocation::Cookie) {
            continue;
        }
        let value = inputs
            .user_params
            .get(&param.name)
            .cloned()
            .or_else(|| param.examples.iter().find_map(scalar_text));
        match (value, param.required) {
            (Some(value), _) if param.location == ParamLocation::Query => {
                query.push((param.name.clone(), value))
            }
            (Some(value), _) => headers.push((param.name.clone(), value)),
            (None, false) => {}
            (None, true) => {
                return Resolution::Unresolvable(format!(
                    "required {} parameter `{}` has no value: pass --param {}=VALUE or add an \
                     `example` to the spec",
                    location_name(param.location),
                    param.name,
                    param.name
                ));
            }
        }
    }
    Resolution::Ready {
        path,
        query,
        headers,
    }
}

fn path_value(
    operation: &Operation,
    name: &str,
    inputs: &Inputs<'_>,
) -> Result<String, Resolution> {
    if let Some(value) = inputs.user_params.get(name) {
        return Ok(value.clone());
    }
    if inputs.providers_pending {
        return Err(Resolution::Wait);
    }
    if let Some(value) = inputs
        .harvested
        .iter()
        .find_map(|items| items.iter().find_map(|item| value_for(name, item)))
    {
        return Ok(value);
    }
    let declared = operation
        .parameters
        .iter()
        .find(|p| p.location == ParamLocation::Path && p.name == name);
    if let Some(value) = declared.and_then(|p| p.examples.iter().find_map(scalar_text)) {
        return Ok(value);
    }
    let sources: Vec<String> = providers(inputs.contract, operation)
        .iter()
        .map(|p| format!("GET {}", p.path))
        .collect();
    let hint = if sources.is_empty() {
        "; no list operation in the spec can provide it".to_string()
    } else {
        format!(
            "; {} gave no object with a usable `{name}`",
            sources.join(", ")
        )
    };
    Err(Resolution::Unresolvable(format!(
        "required path parameter `{name}` has no value{hint}: pass --param {name}=VALUE or add an \
         `example` to the spec"
    )))
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// What a path segment may hold unescaped: RFC 3986 `pchar` (unreserved, sub-delims, `:`,
/// `@`), so everything else is escaped, `/` included.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Percent-encode a value for one path segment (RFC 3986 `pchar`, minus `/`).
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn harvest_reads_drf_pagination_and_plain_lists() {
        let page = json!({"count": 2, "next": null, "results": [{"id": 101}, {"id": 102}]});
        let items = harvest(&page);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], "101");
        let list = json!([{"uuid": "u-1", "name": "x"}]);
        assert_eq!(harvest(&list)[0]["uuid"], "u-1");
        let single = json!({"id": 7, "user": {"id": 1}});
        assert_eq!(harvest(&single)[0]["id"], "7");
        assert!(harvest(&json!("text")).is_empty());
    }

    #[test]
    fn router_style_parameters_map_to_id_fields() {
        let object: IndexMap<String, String> = [
            ("id".to_string(), "5".to_string()),
            ("slug".to_string(), "a-b".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(value_for("pk", &object).as_deref(), Some("5"));
        assert_eq!(value_for("order_id", &object).as_deref(), Some("5"));
        assert_eq!(value_for("orderId", &object).as_deref(), Some("5"));
        assert_eq!(value_for("slug", &object).as_deref(), Some("a-b"));
        assert_eq!(value_for("colour", &object), None);
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_segment("x-1_2.3~"), "x-1_2.3~");
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: plan, version: "1"}
paths:
  /orders/:
    get: {responses: {"200": {description: ok}}}
  /orders/{id}/:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /reports/{format}/:
    get:
      parameters:
        - {name: format, in: path, required: true, schema: {type: string}}
        - {name: since, in: query, required: true, schema: {type: string}, example: "2026-01-01"}
        - {name: page, in: query, required: false, schema: {type: integer}}
      responses: {"200": {description: ok}}
"#;

    fn inputs<'a>(
        contract: &'a Contract,
        params: &'a HashMap<String, String>,
        harvested: Vec<&'a Harvested>,
        pending: bool,
    ) -> Inputs<'a> {
        Inputs {
            contract,
            user_params: params,
            harvested,
            providers_pending: pending,
        }
    }

    #[test]
    fn path_values_wait_for_the_list_then_use_its_ids() {
        let contract = overshare_contract::load_str(SPEC, "plan.yaml", None).unwrap();
        let detail = contract.operation("GET", "/orders/{id}/").unwrap();
        let params = HashMap::new();
        assert_eq!(
            resolve(detail, &inputs(&contract, &params, vec![], true)),
            Resolution::Wait
        );
        let listed = harvest(&json!({"results": [{"id": 101}]}));
        match resolve(detail, &inputs(&contract, &params, vec![&listed], false)) {
            Resolution::Ready { path, .. } => assert_eq!(path, "/orders/101/"),
            other => panic!("{other:?}"),
        }
        let user: HashMap<String, String> = [("id".to_string(), "7".to_string())].into();
        match resolve(detail, &inputs(&contract, &user, vec![&listed], false)) {
            Resolution::Ready { path, .. } => assert_eq!(path, "/orders/7/", "--param wins"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unresolvable_parameter_is_named_with_the_fix() {
        let contract = overshare_contract::load_str(SPEC, "plan.yaml", None).unwrap();
        let reports = contract.operation("GET", "/reports/{format}/").unwrap();
        let params = HashMap::new();
        match resolve(reports, &inputs(&contract, &params, vec![], false)) {
            Resolution::Unresolvable(reason) => {
                assert!(reason.contains("path parameter `format`"), "{reason}");
                assert!(reason.contains("--param format=VALUE"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let user: HashMap<String, String> = [("format".to_string(), "csv".to_string())].into();
        match resolve(reports, &inputs(&contract, &user, vec![], false)) {
            Resolution::Ready { path, query, .. } => {
                assert_eq!(path, "/reports/csv/");
                assert_eq!(query, vec![("since".to_string(), "2026-01-01".to_string())]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn providers_are_the_sibling_list_and_same_prefix_gets() {
        let contract = overshare_contract::load_str(SPEC, "plan.yaml", None).unwrap();
        let detail = contract.operation("GET", "/orders/{id}/").unwrap();
        let found: Vec<&str> = providers(&contract, detail)
            .iter()
            .map(|o| o.path.as_str())
            .collect();
        assert_eq!(found, vec!["/orders/"]);
    }

    #[test]
    fn only_safe_methods_are_planned() {
        assert!(is_safe_method("GET"));
        assert!(!is_safe_method("PATCH"));
    }
}
