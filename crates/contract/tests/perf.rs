//! A generated ~5 MB spec loads in well under a second (release build; the bound here is loose
//! because tests usually run unoptimised). Every schema references the next one, so the `$ref`
//! chain is thousands long: it must not overflow the stack.

use overshare_contract::{TypeSet, load_str};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A YAML spec with `n` paths and `n` component schemas; about 2 KB per `n`.
fn big_spec(n: usize) -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo: {title: big, version: '1'}\nservers: [{url: /api}]\n\
         components:\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: integer, example: 1}}\n  \
         responses:\n    NotFound:\n      description: not found\n      content:\n        application/json:\n          \
         schema: {type: object, properties: {detail: {type: string}}}\n  schemas:\n    \
         Base: {type: object, properties: {id: {type: integer, readOnly: true}, created: {type: string, format: date-time}}}\n",
    );
    for i in 0..n {
        let next = (i + 1) % n;
        write!(
            out,
            "    S{i}:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          \
             required: [name]\n          properties:\n            name: {{type: string, example: name-{i}}}\n            \
             email: {{type: string, format: email, nullable: true}}\n            \
             score: {{type: number, minimum: 0, maximum: 100}}\n            \
             status: {{type: string, enum: [active, disabled, pending]}}\n            \
             next: {{$ref: '#/components/schemas/S{next}'}}\n            \
             children: {{type: array, items: {{$ref: '#/components/schemas/S{i}'}}}}\n            \
             labels: {{type: object, additionalProperties: {{type: string}}}}\n            \
             secret: {{type: string, writeOnly: true, description: never returned}}\n"
        )
        .expect("write to string");
    }
    out.push_str("paths:\n");
    for i in 0..n {
        write!(
            out,
            "  /r{i}/{{id}}/:\n    parameters: [{{$ref: '#/components/parameters/Id'}}]\n    get:\n      \
             operationId: get{i}\n      parameters:\n        - {{name: fields, in: query, schema: {{type: string, enum: [a, b]}}}}\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              \
             schema: {{$ref: '#/components/schemas/S{i}'}}\n        '404': {{$ref: '#/components/responses/NotFound'}}\n    \
             put:\n      requestBody:\n        content:\n          application/json:\n            \
             schema: {{$ref: '#/components/schemas/S{i}'}}\n      responses:\n        '204': {{description: done}}\n"
        )
        .expect("write to string");
    }
    out
}

#[test]
fn five_megabytes_load_quickly() {
    let text = big_spec(4000);
    if let Ok(path) = std::env::var("OVERSHARE_DUMP_BIG_SPEC") {
        std::fs::write(path, &text).expect("dump");
    }
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    let start = Instant::now();
    let contract = load_str(&text, "big.yaml", None).unwrap_or_else(|err| panic!("{err}"));
    let elapsed = start.elapsed();
    eprintln!("{} bytes in {elapsed:?}", text.len());
    assert_eq!(contract.operations.len(), 8000);
    // Base, the 2300 components, their inline parts; no duplicates from the many refs
    let named = contract
        .schemas
        .iter()
        .filter(|s| s.name.as_deref() == Some("S7"))
        .count();
    assert_eq!(named, 1);
    let last = contract.operations.last().expect("ops");
    assert_eq!(last.line.map(|l| l > 100_000), Some(true));
    assert!(
        contract
            .schemas
            .iter()
            .any(|s| s.types.contains(TypeSet::NULL))
    );
    let limit = if cfg!(debug_assertions) { 30 } else { 1 };
    assert!(elapsed < Duration::from_secs(limit), "{elapsed:?}");
}
