//! OpenAPI 3.0 (YAML): servers, merged parameters and their examples, status ranges, shared
//! components, composition, nullable, every `additionalProperties` form, mutual recursion and
//! refs into other files (which resolve their own refs relative to themselves).

mod common;

use common::{load, named, op, prop, prop_names, response_schema};
use overshare_contract::{Additional, ParamLocation, SpecVersion, StatusKey, TypeSet};
use serde_json::json;

const SPEC: &str = "openapi30/api.yaml";

#[test]
fn document_level_facts() {
    let c = load(SPEC);
    assert_eq!(c.version, SpecVersion::OpenApi30);
    assert_eq!(c.title, "Orders (3.0)");
    // `https://{host}/api/{version}/` with the variables' defaults, path only, no trailing `/`
    assert_eq!(c.base_path, "/api/v2");
    // `x-internal` under `paths` is not a path
    assert_eq!(c.operations.len(), 6);
    let schemes: Vec<_> = c
        .security_schemes
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(schemes, [("bearer", "http"), ("partner", "apiKey")]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn operation_location_and_extensions() {
    let c = load(SPEC);
    let get = op(&c, "get", "/api/orders/{id}/");
    assert_eq!(get.method, "GET");
    assert_eq!(get.pointer, "/paths/~1api~1orders~1{id}~1/get");
    assert_eq!(get.line, Some(21));
    assert_eq!(op(&c, "DELETE", "/api/orders/{id}/").line, Some(53));
    assert_eq!(
        get.extensions.get("x-owner-field"),
        Some(&json!("customer"))
    );
    assert_eq!(get.extensions.len(), 1);
}

#[test]
fn path_and_operation_parameters_merge() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/api/orders/{id}/");
    let names: Vec<_> = get
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location))
        .collect();
    assert_eq!(
        names,
        [
            ("id", ParamLocation::Path),
            ("expand", ParamLocation::Query),
            ("X-Request-Id", ParamLocation::Header)
        ]
    );
    // from `#/components/parameters/OrderId`: the schema's example
    assert_eq!(
        get.parameters[0].examples,
        [json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    );
    assert!(get.parameters[0].required);
    // the operation's `expand` replaced the path item's (it has an enum)
    assert_eq!(get.parameters[1].examples, [json!("items")]);
    // the parameter's own example first, then the schema's
    assert_eq!(
        get.parameters[2].examples,
        [json!("req-1"), json!("req-from-schema")]
    );
    // `examples.*.value`, one through `#/components/examples/PersonPk`
    let person = op(&c, "GET", "/api/people/{pk}/");
    assert_eq!(person.parameters[0].examples, [json!(7), json!(8)]);
    // path-level parameters reach every operation of the item
    let delete = op(&c, "DELETE", "/api/orders/{id}/");
    assert_eq!(delete.parameters.len(), 2);
}

#[test]
fn response_keys_and_bodies() {
    let c = load(SPEC);
    let get = op(&c, "GET", "/api/orders/{id}/");
    let statuses: Vec<_> = get.responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            StatusKey::Code(200),
            StatusKey::Range(2),
            StatusKey::Code(404),
            StatusKey::Default
        ]
    );
    assert_eq!(response_schema(get, 200), named(&c, "OrderTitle").0);
    // 201 falls to `2XX`, whose schema is `#/components/schemas/My%20Type`
    let my_type = c.schema(response_schema(get, 201));
    assert_eq!(my_type.name.as_deref(), Some("My Type"));
    assert_eq!(my_type.origin, "/components/schemas/My Type");
    assert_eq!(prop_names(my_type), ["ok"]);
    // `$ref: '#/components/responses/NotFound'`, inline schema
    assert_eq!(get.response_for(404).expect("404").description, "not found");
    assert_eq!(prop_names(c.schema(response_schema(get, 404))), ["detail"]);
    // `content: {}` declares no body
    assert!(get.response_for(500).expect("default").content.is_empty());
    assert!(
        op(&c, "DELETE", "/api/orders/{id}/").responses[0]
            .content
            .is_empty()
    );
    // a media type without a schema
    let pets = op(&c, "GET", "/api/pets/");
    let text = pets.responses[0]
        .content
        .iter()
        .find(|m| m.media_type == "text/plain");
    assert_eq!(text.expect("text/plain").schema, None);
}

#[test]
fn request_body_through_a_ref_shares_the_schema_id() {
    let c = load(SPEC);
    let post = op(&c, "POST", "/api/orders/");
    let body = post.request_body.as_ref().expect("body");
    assert!(body.required);
    assert_eq!(body.content[0].media_type, "application/json");
    let order = named(&c, "OrderTitle").0;
    assert_eq!(body.content[0].schema, Some(order));
    assert_eq!(response_schema(post, 201), order);
    assert!(op(&c, "GET", "/api/pets/").request_body.is_none());
}

#[test]
fn security_inherits_or_overrides() {
    let c = load(SPEC);
    let both = Some(vec!["bearer".to_owned(), "partner".to_owned()]);
    assert_eq!(op(&c, "GET", "/api/orders/{id}/").security, both);
    assert_eq!(op(&c, "DELETE", "/api/orders/{id}/").security, Some(vec![]));
}

#[test]
fn all_of_keeps_its_members() {
    let c = load(SPEC);
    let (order, schema) = named(&c, "OrderTitle");
    assert_eq!(schema.origin, "/components/schemas/Order");
    assert_eq!(schema.all_of.len(), 2);
    let (base, base_schema) = named(&c, "Base");
    assert_eq!(schema.all_of[0], base);
    assert_eq!(base_schema.required, ["id"]);
    assert!(c.schema(prop(&c, order, "id")).read_only);
    assert!(c.schema(prop(&c, order, "secret_note")).write_only);
    assert_eq!(
        c.schema(schema.all_of[1]).origin,
        "/components/schemas/Order/allOf/1"
    );
}

#[test]
fn nullable_fields() {
    let c = load(SPEC);
    let order = named(&c, "OrderTitle").0;
    let total = c.schema(prop(&c, order, "total"));
    assert!(total.nullable);
    assert_eq!(total.types, TypeSet::NUMBER.with(TypeSet::NULL));
    // `allOf: [$ref]` + `nullable`: the generator idiom for a nullable reference
    let customer = c.schema(prop(&c, order, "customer"));
    assert!(customer.nullable);
    assert!(customer.types.is_any());
    assert_eq!(
        c.schema(customer.all_of[0]).name.as_deref(),
        Some("Customer")
    );
    assert!(!c.schema(prop(&c, order, "secret_note")).nullable);
}

#[test]
fn additional_properties_forms() {
    let c = load(SPEC);
    let order = named(&c, "OrderTitle").0;
    let additional = |name: &str| c.schema(prop(&c, order, name)).additional;
    let Additional::Schema(values) = additional("tags") else {
        panic!("tags: {:?}", additional("tags"));
    };
    assert_eq!(c.schema(values).types, TypeSet::STRING);
    assert_eq!(additional("meta"), Additional::Allowed);
    assert_eq!(additional("extra"), Additional::Allowed);
    assert_eq!(additional("strict"), Additional::Forbidden);
    assert_eq!(additional("plain"), Additional::Absent);
}

#[test]
fn one_of_and_any_of() {
    let c = load(SPEC);
    let pets = c.schema(response_schema(op(&c, "GET", "/api/pets/"), 200));
    let pet = c.schema(pets.items.expect("items"));
    assert_eq!(pet.name.as_deref(), Some("Pet"));
    let variants: Vec<_> = pet
        .one_of
        .iter()
        .map(|&v| c.schema(v).name.as_deref())
        .collect();
    assert_eq!(variants, [Some("Cat"), Some("Dog")]);
    // `properties` without `type` is an object
    assert_eq!(c.schema(pet.one_of[0]).types, TypeSet::OBJECT);
    // `#/components/schemas/a~1b` is the component named `a/b`
    let alias = c.schema(prop(&c, pet.one_of[1], "alias"));
    assert_eq!(alias.name.as_deref(), Some("a/b"));
    assert_eq!(alias.types, TypeSet::STRING);
    let (_, shape) = named(&c, "Shape");
    let kinds: Vec<_> = shape.any_of.iter().map(|&v| c.schema(v).types).collect();
    assert_eq!(kinds, [TypeSet::STRING, TypeSet::INTEGER]);
}

#[test]
fn mutual_recursion_terminates_with_shared_ids() {
    let c = load(SPEC);
    let employee = response_schema(op(&c, "GET", "/api/people/{pk}/"), 200);
    assert_eq!(named(&c, "Employee").0, employee);
    let manager = prop(&c, employee, "manager");
    assert_eq!(c.schema(manager).name.as_deref(), Some("Manager"));
    let reports = c.schema(prop(&c, manager, "reports"));
    assert_eq!(reports.items, Some(employee));
    // each component is in the arena once
    let employees = c
        .schemas
        .iter()
        .filter(|s| s.name.as_deref() == Some("Employee"))
        .count();
    assert_eq!(employees, 1);
}

#[test]
fn refs_into_other_files_resolve_relative_to_them() {
    let c = load(SPEC);
    // whole-file ref: named after the file
    let user = response_schema(op(&c, "GET", "/api/users/me/"), 200);
    let user_schema = c.schema(user);
    assert_eq!(user_schema.name.as_deref(), Some("user"));
    assert_eq!(
        user_schema.origin,
        "tests/fixtures/openapi30/schemas/user.yaml#"
    );
    assert_eq!(prop_names(user_schema), ["username", "password", "address"]);
    assert!(c.schema(prop(&c, user, "password")).write_only);
    // `../shared/common.yaml#/...` from schemas/user.yaml and `#/...` inside common.yaml reach
    // the same schema: the file is loaded once and the id is shared
    let address = prop(&c, user, "address");
    let customer = c.schema(named(&c, "OrderTitle").0);
    let customer = c.schema(prop(&c, customer.all_of[1], "customer")).all_of[0];
    assert_eq!(prop(&c, customer, "address"), address);
    assert_eq!(
        c.schema(address).origin,
        "tests/fixtures/openapi30/shared/common.yaml#/components/schemas/Address"
    );
    // `country.yaml` from shared/common.yaml is shared/country.yaml
    let country = c.schema(prop(&c, address, "country"));
    assert_eq!(country.name.as_deref(), Some("country"));
    assert_eq!(country.enum_values, [json!("FR"), json!("DE"), json!("IT")]);
}
