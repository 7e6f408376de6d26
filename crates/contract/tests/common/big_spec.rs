//! A generated large spec, shared by the size test and the load benchmark.

use std::fmt::Write;

/// A YAML spec with `n` paths and `n` component schemas; about 2 KB per `n`.
pub fn big_spec(n: usize) -> String {
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
