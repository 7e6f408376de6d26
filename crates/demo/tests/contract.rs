//! The design-first spec, checked against itself and against what the server really returns,
//! and the files `DemoPki::write_to` leaves behind.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::get;
use overshare_demo::{DemoPki, DemoServer, SPEC_YAML};
use serde_json::Value;

fn spec() -> Value {
    yaml_serde::from_str(SPEC_YAML).expect("openapi.yaml is YAML")
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        node = spec
            .pointer(reference.strip_prefix('#').unwrap())
            .unwrap_or_else(|| panic!("dangling {reference}"));
    }
    node
}

#[test]
fn spec_is_openapi_3_1_with_mutual_tls() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["servers"][0]["url"], "/");
    assert_eq!(spec["security"][0]["mutualTLS"], Value::Array(vec![]));
    assert_eq!(
        spec["components"]["securitySchemes"]["mutualTLS"]["type"],
        "mutualTLS"
    );
}

#[test]
fn every_operation_is_well_formed() {
    let spec = spec();
    let ops = operations(&spec);
    assert_eq!(
        ops.len(),
        15,
        "13 GETs, POST /api/orders/ and PATCH /api/members/{{id}}/"
    );
    let mut ids = BTreeSet::new();
    for (method, path, op) in &ops {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
        assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("403"), "{method} {path}: no 403");
        if path.contains("{id}") && (method == "GET" || method == "PATCH") {
            assert!(responses.contains_key("404"), "{method} {path}: no 404");
        }
        for (status, response) in responses {
            let response = resolve(&spec, response);
            if let Some(content) = response.get("content") {
                let types: Vec<&String> = content.as_object().unwrap().keys().collect();
                assert_eq!(types, ["application/json"], "{method} {path} {status}");
            }
        }
    }
    assert!(spec["paths"]["/api/orders/"]["post"]["requestBody"]["content"]["application/json"]["schema"].is_object());
    assert!(
        spec["paths"]["/api/members/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
            ["schema"]
            .is_object()
    );
    assert!(
        spec["paths"]["/api/ping/"]["get"]["responses"]["200"]
            .get("content")
            .is_none()
    );
}

#[test]
fn path_ids_are_integers_without_examples() {
    let spec = spec();
    let param = resolve(&spec, &spec["components"]["parameters"]["Id"]);
    assert_eq!(param["in"], "path");
    assert_eq!(param["schema"]["type"], "integer");
    assert!(
        !SPEC_YAML.contains("example"),
        "the scanner must harvest ids, not read them"
    );
}

/// Every property in `value` that `schema` does not declare, as JSON pointers with array
/// indexes written `*`; also required properties that are missing, prefixed `missing:`.
fn undeclared(
    spec: &Value,
    schema: &Value,
    value: &Value,
    pointer: &str,
    out: &mut BTreeSet<String>,
) {
    let schema = resolve(spec, schema);
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for (key, child) in map {
                let here = format!("{pointer}/{key}");
                match properties.and_then(|p| p.get(key)) {
                    Some(child_schema) => undeclared(spec, child_schema, child, &here, out),
                    None => {
                        out.insert(here);
                    }
                }
            }
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !map.contains_key(required.as_str().unwrap()) {
                    out.insert(format!("missing:{pointer}/{}", required.as_str().unwrap()));
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            for item in items {
                undeclared(spec, &item_schema, item, &format!("{pointer}/*"), out);
            }
        }
        _ => {}
    }
}

/// The `200` schema of an operation (an empty schema when the spec declares no content).
fn ok_schema(spec: &Value, path: &str) -> Value {
    let response = resolve(spec, &spec["paths"][path]["get"]["responses"]["200"]);
    response
        .pointer("/content/application~1json/schema")
        .cloned()
        .unwrap_or(Value::Null)
}

fn user_leaks(prefix: &str) -> Vec<String> {
    let user = [
        "password",
        "last_login",
        "is_superuser",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "groups",
        "user_permissions",
    ];
    let profile = ["tenant", "date_of_birth", "phone", "salary", "national_id"];
    let mut out: Vec<String> = user.iter().map(|f| format!("{prefix}/user/{f}")).collect();
    out.extend(profile.iter().map(|f| format!("{prefix}/{f}")));
    out
}

/// The contract this crate promises the analyzers: exactly these fields are undeclared.
#[tokio::test]
async fn live_responses_differ_from_the_spec_exactly_where_intended() {
    let spec = spec();
    let server = DemoServer::start().await.unwrap();
    let cases: Vec<(&str, &str, &str, Vec<String>)> = vec![
        (
            "/api/profiles/",
            "/api/profiles/",
            "partner-a",
            user_leaks("/*"),
        ),
        (
            "/api/profiles/{id}/",
            "/api/profiles/1/",
            "partner-a",
            user_leaks(""),
        ),
        (
            "/api/users/",
            "/api/users/",
            "partner-a",
            vec!["/*/activities".into()],
        ),
        (
            "/api/users/{id}/",
            "/api/users/1/",
            "partner-a",
            vec!["/activities".into()],
        ),
        (
            "/api/secure-profiles/me/",
            "/api/secure-profiles/me/",
            "partner-a",
            vec![],
        ),
        (
            "/api/secure-profiles/{id}/",
            "/api/secure-profiles/1/",
            "partner-a",
            vec![],
        ),
        ("/api/orders/", "/api/orders/", "partner-a", vec![]),
        ("/api/orders/{id}/", "/api/orders/101/", "partner-b", vec![]),
        ("/api/shipments/", "/api/shipments/", "partner-a", vec![]),
        ("/api/members/", "/api/members/", "partner-b", vec![]),
        (
            "/api/members/{id}/",
            "/api/members/11/",
            "partner-a",
            vec![],
        ),
        ("/api/catalogue/", "/api/catalogue/", "partner-b", vec![]),
        (
            "/api/ping/",
            "/api/ping/",
            "partner-a",
            vec!["/database".into(), "/debug".into(), "/status".into()],
        ),
    ];
    let mut seen = BTreeMap::new();
    for (template, path, identity, expected) in cases {
        let answer = get(&server, identity, path).await;
        assert_eq!(answer.status, 200, "{path}");
        let mut found = BTreeSet::new();
        undeclared(
            &spec,
            &ok_schema(&spec, template),
            &answer.json(),
            "",
            &mut found,
        );
        let expected: BTreeSet<String> = expected.into_iter().collect();
        assert_eq!(found, expected, "GET {template}");
        seen.insert(template, ());
    }
    // Every GET in the spec was exercised.
    let gets: Vec<String> = operations(&spec)
        .into_iter()
        .filter(|(m, ..)| m == "GET")
        .map(|(_, p, _)| p)
        .collect();
    assert_eq!(gets.len(), seen.len());
    assert!(gets.iter().all(|p| seen.contains_key(p.as_str())));
}

fn properties(schema: &Value) -> Vec<&str> {
    schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// The mass assignment is in the server, not in the contract: the PATCH body may only hold
/// `first_name`, `last_name` and `email`; `is_staff` and `role` come back declared read-only.
#[test]
fn members_request_schema_allows_no_privileged_field() {
    let spec = spec();
    let patch = &spec["paths"]["/api/members/{id}/"]["patch"];
    let request = resolve(
        &spec,
        &patch["requestBody"]["content"]["application/json"]["schema"],
    );
    assert_eq!(properties(request), ["first_name", "last_name", "email"]);
    assert_eq!(request["additionalProperties"], false);
    let member = resolve(
        &spec,
        &patch["responses"]["200"]["content"]["application/json"]["schema"],
    );
    assert_eq!(
        member,
        resolve(&spec, &ok_schema(&spec, "/api/members/{id}/"))
    );
    for field in ["id", "username", "is_staff", "role"] {
        assert_eq!(member["properties"][field]["readOnly"], true, "{field}");
    }
    for field in ["first_name", "last_name", "email"] {
        assert!(
            member["properties"][field].get("readOnly").is_none(),
            "{field}"
        );
    }
    // Shipments declare every property they return, the owner too.
    let shipment = resolve(&spec, &spec["components"]["schemas"]["Shipment"]);
    assert_eq!(
        properties(shipment),
        ["id", "tenant", "reference", "destination_city", "status"]
    );
}

/// Declared 404 and 403 bodies match the Error schema.
#[tokio::test]
async fn error_bodies_match_the_error_schema() {
    let spec = spec();
    let error = &spec["components"]["schemas"]["Error"];
    let mut pki = DemoPki::generate().unwrap();
    pki.issue_identity("stranger", "stranger").unwrap();
    let server = DemoServer::start_with(pki).await.unwrap();
    for (identity, path, status) in [
        ("partner-a", "/api/orders/999/", 404),
        ("stranger", "/api/orders/", 403),
    ] {
        let answer = get(&server, identity, path).await;
        assert_eq!(answer.status, status);
        let mut found = BTreeSet::new();
        undeclared(&spec, error, &answer.json(), "", &mut found);
        assert!(found.is_empty(), "{found:?}");
    }
}

#[cfg(unix)]
#[test]
fn write_to_writes_keys_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("demo");
    let pki = DemoPki::generate().unwrap();
    let paths = pki.write_to(&target).unwrap();
    assert_eq!(paths.dir, target);
    assert_eq!(std::fs::read_to_string(&paths.spec).unwrap(), SPEC_YAML);
    assert_eq!(std::fs::read_to_string(&paths.ca).unwrap(), pki.ca_cert_pem);
    let names: Vec<&str> = paths.identities.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, ["partner-a", "partner-b"]);
    for ((name, cert, key), identity) in paths.identities.iter().zip(&pki.identities) {
        assert_eq!(name, &identity.name);
        assert_eq!(std::fs::read_to_string(cert).unwrap(), identity.cert_pem);
        assert_eq!(std::fs::read_to_string(key).unwrap(), identity.key_pem);
        let mode = std::fs::metadata(key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", key.display());
    }
    // No server key on disk.
    let files: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|f| !f.contains("server")));
}

#[cfg(unix)]
#[test]
fn write_to_tightens_an_existing_key_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("partner-a.key.pem");
    std::fs::write(&key, "old").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    DemoPki::generate().unwrap().write_to(dir.path()).unwrap();
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
}
