//! The cross-exchange rules of a scan's [`Session`]: hand-made exchanges in, findings and
//! checks out. One section per rule (OVS301-303, OVS401-404, OVS501), each with the case that
//! must be reported, the cases that must not, and the check the report shows either way.

use overshare_analyze::Analyzer;
use overshare_analyze::session::{Scoping, Session, SessionOptions};
use overshare_classify::Classifier;
use overshare_contract::{Contract, load_str};
use overshare_exchange::{
    Exchange, Failure, FailureKind, ForgedKind, PlannedOperation, Purpose, Request, Response,
    WriteStep,
};
use overshare_finding::{Check, CheckStatus, Finding, Severity};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

const SPEC: &str = r##"
openapi: 3.1.0
info: {title: session, version: "1"}
paths:
  /invoices/{id}/:
    get:
      responses:
        "200": {description: one invoice}
  /profiles/:
    get:
      responses:
        "200": {description: the caller's profiles}
  /tickets/:
    get:
      responses:
        "200": {description: support tickets}
  /catalogue/:
    get:
      responses:
        "200": {description: plans everyone sees}
  /announcements/:
    get:
      x-overshare-scope: shared
      responses:
        "200": {description: declared shared}
  /members/:
    get:
      x-overshare-scope: identity
      responses:
        "200": {description: declared per identity}
  /documents/:
    get:
      x-overshare-scope: "field:org_ref"
      responses:
        "200": {description: owned by org_ref}
  /employees/:
    get:
      responses:
        "200": {description: employees}
  /me/:
    get:
      responses:
        "200": {description: the caller}
  /users/{id}/:
    get:
      responses:
        "200": {description: a user}
    patch:
      responses:
        "200": {description: updated}
"##;

const A: &str = "partner-a";
const B: &str = "partner-b";
const ORIGIN: &str = "https://api.test:8443";

fn contract() -> Contract {
    load_str(SPEC, "session.yaml", None).expect("spec loads")
}

fn json_response(status: u16, body: Value) -> Result<Response, Failure> {
    Ok(Response {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::to_vec(&body).unwrap(),
        truncated: false,
        json: Some(body),
        json_error: None,
    })
}

fn text_response(status: u16, body: &str) -> Result<Response, Failure> {
    Ok(Response {
        status,
        headers: vec![("content-type".into(), "text/html".into())],
        body: body.as_bytes().to_vec(),
        truncated: false,
        json: None,
        json_error: None,
    })
}

fn failure(kind: FailureKind, message: &str) -> Result<Response, Failure> {
    Err(Failure {
        kind,
        message: message.into(),
    })
}

/// The exchanges of one scan, numbered in the order they are added.
#[derive(Default)]
struct Traffic(Vec<Exchange>);

impl Traffic {
    #[allow(clippy::too_many_arguments)]
    fn push_full(
        &mut self,
        identity: Option<&str>,
        method: &str,
        template: &str,
        path: &str,
        request_headers: Vec<(String, String)>,
        request_body: Option<Value>,
        outcome: Result<Response, Failure>,
        purpose: Purpose,
    ) -> &mut Self {
        let seq = self.0.len();
        self.0.push(Exchange {
            seq,
            identity: identity.map(str::to_string),
            operation: PlannedOperation {
                method: method.into(),
                path: template.into(),
                operation_id: None,
            },
            request: Request {
                method: method.into(),
                url: format!("{ORIGIN}{path}"),
                headers: request_headers,
                body: request_body.map(|b| serde_json::to_vec(&b).unwrap()),
            },
            outcome,
            elapsed: Duration::from_millis(1),
            reproduce: Some(format!("curl {ORIGIN}{path} # {seq}")),
            purpose,
        });
        self
    }

    fn push(
        &mut self,
        identity: Option<&str>,
        template: &str,
        path: &str,
        outcome: Result<Response, Failure>,
        purpose: Purpose,
    ) -> &mut Self {
        self.push_full(
            identity,
            "GET",
            template,
            path,
            Vec::new(),
            None,
            outcome,
            purpose,
        )
    }

    /// A baseline GET answered 200 with `body`.
    fn get(&mut self, who: &str, template: &str, path: &str, body: Value) -> &mut Self {
        self.push(
            Some(who),
            template,
            path,
            json_response(200, body),
            Purpose::Baseline,
        )
    }

    /// A baseline GET of a list (the path is the template).
    fn list(&mut self, who: &str, path: &str, items: Value) -> &mut Self {
        self.get(who, path, path, items)
    }

    /// `who` asks for an object only `owner` listed.
    fn cross(
        &mut self,
        who: &str,
        owner: &str,
        path: &str,
        outcome: Result<Response, Failure>,
    ) -> &mut Self {
        let purpose = Purpose::CrossIdentity {
            owner: owner.into(),
        };
        self.push(Some(who), "/invoices/{id}/", path, outcome, purpose)
    }

    fn analyze(&self, options: SessionOptions) -> (Vec<Finding>, Vec<Check>) {
        let contract = contract();
        let classifier = Classifier::builtin();
        let mut session = Session::new(Analyzer::new(&contract, &classifier), options);
        for exchange in &self.0 {
            session.observe(exchange);
        }
        session.finish()
    }
}

fn two() -> SessionOptions {
    SessionOptions {
        identities: vec![A.into(), B.into()],
        ..SessionOptions::default()
    }
}

fn of<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

fn check<'c>(checks: &'c [Check], id: &str) -> &'c Check {
    checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {checks:#?}"))
}

fn ids(checks: &[Check]) -> Vec<&str> {
    checks.iter().map(|c| c.id.as_str()).collect()
}

/// What a snapshot shows of a finding: what the user reads, without the boilerplate.
fn shown(finding: &Finding) -> Value {
    json!({
        "evidence": finding.evidence.value,
        "identities": finding.identities,
        "message": finding.message,
        "operation": finding.operation.as_ref().map(ToString::to_string),
        "pattern": finding.location.pattern,
        "rule": finding.rule,
        "severity": finding.severity,
        "title": finding.title,
    })
}

// ---------------------------------------------------------------------------------------------
// OVS301: cross-identity object access

fn invoice(id: u64, tenant: u64) -> Value {
    json!({"id": id, "number": format!("INV-{id}"), "amount": "10.00", "status": "paid", "tenant": tenant})
}

#[test]
fn ovs301_another_identity_getting_the_owners_object_is_a_finding_naming_both() {
    let mut traffic = Traffic::default();
    traffic
        .get(A, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
        .cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)));
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS301");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let finding = found[0];
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.identities, [B]);
    assert_eq!(finding.evidence.value.as_deref(), Some("id = 1"));
    assert_eq!(finding.evidence.status, Some(200));
    assert!(
        finding
            .evidence
            .reproduce
            .as_deref()
            .unwrap()
            .ends_with("# 1"),
        "the cross request's own reproduce command: {:?}",
        finding.evidence.reproduce
    );
    insta::assert_yaml_snapshot!(shown(finding), @r#"
    evidence: id = 1
    identities:
      - partner-b
    message: "partner-b asked for /invoices/1/, an object that only partner-a lists, and got HTTP 200 with partner-a's object (id = 1; 5 of 5 fields equal to partner-a's own view). The object is looked up by id without checking that it belongs to the caller."
    operation: "GET /invoices/{id}/"
    pattern: ""
    rule: OVS301
    severity: high
    title: "`partner-b` reads `partner-a`'s object"
    "#);
    let check = check(&checks, "cross-identity-objects");
    assert_eq!(check.status, CheckStatus::Failed);
    assert_eq!(check.rule.as_deref(), Some("OVS301"));
}

#[test]
fn ovs301_a_refusal_is_the_correct_answer_and_the_check_passes() {
    for status in [403, 404] {
        let mut traffic = Traffic::default();
        traffic
            .get(A, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
            .cross(
                B,
                A,
                "/invoices/1/",
                json_response(status, json!({"detail": "Not found."})),
            );
        let (findings, checks) = traffic.analyze(two());
        assert!(
            of(&findings, "OVS301").is_empty(),
            "HTTP {status}: {findings:#?}"
        );
        let check = check(&checks, "cross-identity-objects");
        assert_eq!(check.status, CheckStatus::Passed, "HTTP {status}");
        assert_eq!(
            check.detail,
            "1 request(s) for another identity's object: none returned it"
        );
    }
}

#[test]
fn ovs301_a_2xx_without_the_owners_object_is_not_a_finding() {
    let generic = [
        json!({"detail": "You do not have permission to perform this action."}),
        json!({"id": 1}),
        json!({}),
        json!([]),
        // Same id, but another object: the fields differ.
        json!({"id": 1, "number": "INV-9", "amount": "99.00", "status": "open", "tenant": 2}),
        // Another id with the owner's other fields: not the same object either.
        invoice(2, 1),
    ];
    for body in generic {
        let mut traffic = Traffic::default();
        traffic
            .get(A, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
            .cross(B, A, "/invoices/1/", json_response(200, body.clone()));
        let (findings, checks) = traffic.analyze(two());
        assert!(of(&findings, "OVS301").is_empty(), "{body}: {findings:#?}");
        assert_eq!(
            check(&checks, "cross-identity-objects").status,
            CheckStatus::Passed,
            "{body}"
        );
    }
}

#[test]
fn ovs301_a_transport_failure_is_not_a_finding() {
    let mut traffic = Traffic::default();
    traffic
        .get(A, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
        .cross(
            B,
            A,
            "/invoices/1/",
            failure(FailureKind::Timeout, "timed out"),
        );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS301").is_empty(), "{findings:#?}");
}

#[test]
fn ovs301_needs_the_owners_own_view_as_baseline() {
    // No baseline at all for the owner.
    let mut traffic = Traffic::default();
    traffic.cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS301").is_empty(), "{findings:#?}");

    // The owner's baseline was refused: nothing to compare with.
    let mut traffic = Traffic::default();
    traffic
        .push(
            Some(A),
            "/invoices/{id}/",
            "/invoices/1/",
            json_response(403, invoice(1, 1)),
            Purpose::Baseline,
        )
        .cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS301").is_empty(), "{findings:#?}");

    // The owner's view of another URL is no baseline for this one.
    let mut traffic = Traffic::default();
    traffic
        .get(A, "/invoices/{id}/", "/invoices/2/", invoice(1, 1))
        .cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS301").is_empty(), "{findings:#?}");

    // Another identity's view of the URL is not the owner's.
    let mut traffic = Traffic::default();
    traffic
        .get(B, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
        .cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS301").is_empty(), "{findings:#?}");
}

#[test]
fn ovs301_both_directions_are_one_finding_with_identities_in_the_given_order() {
    let mut traffic = Traffic::default();
    // B's cross request comes back before A's.
    traffic
        .get(A, "/invoices/{id}/", "/invoices/1/", invoice(1, 1))
        .get(B, "/invoices/{id}/", "/invoices/2/", invoice(2, 2))
        .cross(B, A, "/invoices/1/", json_response(200, invoice(1, 1)))
        .cross(A, B, "/invoices/2/", json_response(200, invoice(2, 2)));
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS301");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].identities, [A, B]);
    assert!(
        found[0]
            .message
            .starts_with("partner-a asked for /invoices/2/"),
        "the first identity's message: {}",
        found[0].message
    );
}

#[test]
fn ovs301_check_is_skipped_with_a_reason() {
    let one = SessionOptions {
        identities: vec![A.into()],
        ..SessionOptions::default()
    };
    let (_, checks) = Traffic::default().analyze(one);
    let c = check(&checks, "cross-identity-objects");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert_eq!(c.detail, "needs two or more identities");

    let (_, checks) = Traffic::default().analyze(two());
    let c = check(&checks, "cross-identity-objects");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert!(
        c.detail.contains("only one identity listed"),
        "{}",
        c.detail
    );
}

// ---------------------------------------------------------------------------------------------
// OVS302: unfiltered collections

/// Each identity's scoped profiles: A's all say tenant 1, B's all tenant 2.
fn scoped_profiles(traffic: &mut Traffic) -> &mut Traffic {
    traffic
        .list(
            A,
            "/profiles/",
            json!([{"id": 10, "name": "a1", "tenant": 1}, {"id": 11, "name": "a2", "tenant": 1}]),
        )
        .list(
            B,
            "/profiles/",
            json!({"count": 2, "results": [{"id": 20, "name": "b1", "tenant": 2}, {"id": 21, "name": "b2", "tenant": 2}]}),
        )
}

#[test]
fn ovs302_a_list_holding_another_tenants_items_names_the_owner() {
    let mut traffic = Traffic::default();
    scoped_profiles(&mut traffic)
        .list(
            A,
            "/tickets/",
            json!([{"id": 100, "tenant": 1}, {"id": 200, "tenant": 2}, {"id": 201, "tenant": 2}]),
        )
        .list(B, "/tickets/", json!([{"id": 202, "tenant": 2}]));
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    insta::assert_yaml_snapshot!(shown(found[0]), @r#"
    evidence: 2 foreign objects
    identities:
      - partner-a
    message: "partner-a's answer to GET /tickets/ holds 2 of 3 objects that belong to other identities: 2 of partner-b (id 200 (tenant = 2), id 201 (tenant = 2)). Ownership was learned from the owner field each identity's own scoped lists carry."
    operation: GET /tickets/
    pattern: ""
    rule: OVS302
    severity: high
    title: "List holds other identities' objects"
    "#);
    assert_eq!(
        check(&checks, "unfiltered-collections").status,
        CheckStatus::Failed
    );
}

#[test]
fn ovs302_lists_only_the_first_three_items_and_counts_the_rest() {
    let mut traffic = Traffic::default();
    let mut items = vec![json!({"id": 100, "tenant": 1})];
    items.extend((200..206).map(|id| json!({"id": id, "tenant": 2})));
    scoped_profiles(&mut traffic).list(A, "/tickets/", json!({"results": items}));
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].message.contains(
            "6 of partner-b (id 200 (tenant = 2), id 201 (tenant = 2), id 202 (tenant = 2) and 3 more)"
        ),
        "{}",
        found[0].message
    );
}

/// An identity whose unfiltered list holds only another identity's items fills that list
/// with the other's owner value as uniformly as its own scoped lists fill with its own: a
/// tie. Which value won used to depend on the order the lists arrived in (the later one), and
/// when the other identity's value won, both claims were dropped and nothing was found.
#[test]
fn ovs302_own_value_tie_does_not_depend_on_observe_order() {
    let a_profiles = json!([{"id": 10, "tenant": 1}, {"id": 11, "tenant": 1}]);
    let b_profiles = json!([{"id": 20, "tenant": 2}]);
    let a_tickets = json!([{"id": 200, "tenant": 2}, {"id": 201, "tenant": 2}]);
    let b_tickets = json!([{"id": 202, "tenant": 2}]);
    let orders: [&[(&str, &str, &Value)]; 2] = [
        &[
            (A, "/profiles/", &a_profiles),
            (B, "/profiles/", &b_profiles),
            (A, "/tickets/", &a_tickets),
            (B, "/tickets/", &b_tickets),
        ],
        &[
            (A, "/tickets/", &a_tickets),
            (B, "/tickets/", &b_tickets),
            (A, "/profiles/", &a_profiles),
            (B, "/profiles/", &b_profiles),
        ],
    ];
    for order in orders {
        let mut traffic = Traffic::default();
        for (who, path, body) in order {
            traffic.list(who, path, (*body).clone());
        }
        let (findings, _) = traffic.analyze(two());
        let found = of(&findings, "OVS302");
        assert_eq!(found.len(), 1, "order {order:?}: {findings:#?}");
        assert_eq!(found[0].identities, [A]);
        assert!(
            found[0].message.contains("2 of partner-b"),
            "{}",
            found[0].message
        );
    }
}

#[test]
fn ovs302_a_shared_catalogue_without_owner_field_is_nothing() {
    let catalogue = json!([{"id": 1, "name": "Basic", "price": "9.00"}, {"id": 2, "name": "Pro", "price": "29.00"}]);
    let mut traffic = Traffic::default();
    scoped_profiles(&mut traffic)
        .list(A, "/catalogue/", catalogue.clone())
        .list(B, "/catalogue/", catalogue);
    let (findings, checks) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
    let check = check(&checks, "unfiltered-collections");
    assert_eq!(check.status, CheckStatus::Passed);
    assert!(
        check.detail.starts_with("4 list response(s) compared"),
        "{}",
        check.detail
    );
}

#[test]
fn ovs302_a_value_two_identities_both_claim_tells_nothing() {
    // Both identities' profiles say tenant 1 (the same tenant): tenant 1 is nobody's own.
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/profiles/", json!([{"id": 10, "tenant": 1}]))
        .list(B, "/profiles/", json!([{"id": 20, "tenant": 1}]))
        .list(
            A,
            "/tickets/",
            json!([{"id": 100, "tenant": 1}, {"id": 200, "tenant": 1}]),
        )
        .list(
            B,
            "/tickets/",
            json!([{"id": 100, "tenant": 1}, {"id": 200, "tenant": 1}]),
        );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

#[test]
fn ovs302_a_list_of_ones_own_items_is_nothing() {
    let mut traffic = Traffic::default();
    scoped_profiles(&mut traffic)
        .list(
            A,
            "/tickets/",
            json!([{"id": 100, "tenant": 1}, {"id": 101, "tenant": 1}]),
        )
        .list(B, "/tickets/", json!([{"id": 200, "tenant": 2}]));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

#[test]
fn ovs302_the_owner_must_be_another_known_identity() {
    // Tenant 3 is nobody's: an unknown owner is not evidence.
    let mut traffic = Traffic::default();
    scoped_profiles(&mut traffic).list(
        A,
        "/tickets/",
        json!([{"id": 100, "tenant": 1}, {"id": 300, "tenant": 3}]),
    );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

#[test]
fn ovs302_only_owner_like_fields_carry_ownership() {
    // `category` fills every item just like `tenant` would, but it is not an owner field.
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/profiles/", json!([{"id": 10, "category": 1}]))
        .list(B, "/profiles/", json!([{"id": 20, "category": 2}]))
        .list(
            A,
            "/tickets/",
            json!([{"id": 100, "category": 1}, {"id": 200, "category": 2}]),
        );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

fn unfiltered_announcements(traffic: &mut Traffic) -> &mut Traffic {
    scoped_profiles(traffic).list(
        A,
        "/announcements/",
        json!([{"id": 1, "tenant": 1}, {"id": 2, "tenant": 2}]),
    )
}

fn unfiltered_tickets(traffic: &mut Traffic) -> &mut Traffic {
    scoped_profiles(traffic).list(
        A,
        "/tickets/",
        json!([{"id": 1, "tenant": 1}, {"id": 2, "tenant": 2}]),
    )
}

#[test]
fn ovs302_x_overshare_scope_shared_suppresses() {
    let mut traffic = Traffic::default();
    unfiltered_announcements(&mut traffic);
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");

    // The same list under an operation without the extension is a finding (the control).
    let mut traffic = Traffic::default();
    unfiltered_tickets(&mut traffic);
    let (findings, _) = traffic.analyze(two());
    assert_eq!(of(&findings, "OVS302").len(), 1, "{findings:#?}");
}

#[test]
fn ovs302_config_scoping_overrides_and_suppresses() {
    let mut options = two();
    options.scoping.insert("/tickets/".into(), Scoping::Shared);
    let mut traffic = Traffic::default();
    unfiltered_tickets(&mut traffic);
    let (findings, _) = traffic.analyze(options);
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");

    // The config wins over the spec's extension: declared shared in the spec, identity-scoped
    // in the config, the list is judged again.
    let mut options = two();
    options
        .scoping
        .insert("/announcements/".into(), Scoping::Field("tenant".into()));
    let mut traffic = Traffic::default();
    unfiltered_announcements(&mut traffic);
    let (findings, _) = traffic.analyze(options);
    assert_eq!(of(&findings, "OVS302").len(), 1, "{findings:#?}");
}

#[test]
fn ovs302_a_shared_list_teaches_no_owner_values() {
    // The only place B's tenant could be learned from is declared shared: nothing is known
    // about B, so A's list with tenant 2 items is not a finding.
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/profiles/", json!([{"id": 10, "tenant": 1}]))
        .list(B, "/announcements/", json!([{"id": 20, "tenant": 2}]))
        .list(
            A,
            "/tickets/",
            json!([{"id": 1, "tenant": 1}, {"id": 2, "tenant": 2}]),
        );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

#[test]
fn ovs302_identity_scoping_flags_an_id_seen_by_both_without_owner_field() {
    let mut traffic = Traffic::default();
    traffic
        .list(
            A,
            "/members/",
            json!([{"id": 5, "name": "x"}, {"id": 6, "name": "y"}]),
        )
        .list(
            B,
            "/members/",
            json!([{"id": 5, "name": "x"}, {"id": 7, "name": "z"}]),
        );
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(
        found[0].identities,
        [A, B],
        "each list holds the other's id 5"
    );
    assert!(
        found[0].message.contains(
            "holds 1 of 2 objects that belong to other identities: 1 of partner-b (id 5)"
        ),
        "{}",
        found[0].message
    );

    // Disjoint ids: correctly scoped.
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/members/", json!([{"id": 5}, {"id": 6}]))
        .list(B, "/members/", json!([{"id": 7}]));
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS302").is_empty(), "{findings:#?}");
}

#[test]
fn ovs302_config_identity_scoping_does_the_same() {
    let catalogue = json!([{"id": 1, "name": "Basic"}]);
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/catalogue/", catalogue.clone())
        .list(B, "/catalogue/", catalogue);
    let (findings, _) = traffic.analyze(two());
    assert!(
        of(&findings, "OVS302").is_empty(),
        "undeclared: {findings:#?}"
    );

    let mut options = two();
    options
        .scoping
        .insert("/catalogue/".into(), Scoping::PerIdentity);
    let (findings, _) = traffic.analyze(options);
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].identities, [A, B]);
}

#[test]
fn ovs302_field_scoping_uses_the_named_field_only() {
    // `org_ref` is no owner-like name; the extension makes it the owner field of /documents/.
    let mut traffic = Traffic::default();
    traffic
        .list(B, "/documents/", json!([{"id": 20, "org_ref": "globex"}]))
        .list(
            A,
            "/documents/",
            json!([{"id": 10, "org_ref": "acme"}, {"id": 20, "org_ref": "globex"}]),
        );
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].identities, [A]);
    assert!(
        found[0]
            .message
            .contains("1 of partner-b (id 20 (org_ref = globex))"),
        "{}",
        found[0].message
    );
}

#[test]
fn ovs302_nested_owner_objects_are_owned_by_their_id() {
    let tenant = |id: u64, name: &str| json!({"id": id, "name": name});
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/profiles/", json!([{"id": 10, "tenant": tenant(1, "Acme")}]))
        .list(B, "/profiles/", json!([{"id": 20, "tenant": tenant(2, "Globex")}]))
        .list(
            A,
            "/tickets/",
            json!([{"id": 100, "tenant": tenant(1, "Acme")}, {"id": 200, "tenant": tenant(2, "Globex")}]),
        );
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0]
            .message
            .contains("1 of partner-b (id 200 (tenant = 2))"),
        "{}",
        found[0].message
    );
}

#[test]
fn ovs302_late_findings_follow_the_identity_order_not_the_arrival_order() {
    let mut traffic = Traffic::default();
    // B's lists first, then A's.
    traffic
        .list(B, "/profiles/", json!([{"id": 20, "tenant": 2}]))
        .list(
            B,
            "/tickets/",
            json!([{"id": 1, "tenant": 1}, {"id": 2, "tenant": 2}]),
        )
        .list(A, "/profiles/", json!([{"id": 10, "tenant": 1}]))
        .list(
            A,
            "/tickets/",
            json!([{"id": 1, "tenant": 1}, {"id": 2, "tenant": 2}]),
        );
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS302");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].identities, [A, B]);
    assert!(
        found[0].message.starts_with("partner-a's answer"),
        "the first identity's message: {}",
        found[0].message
    );

    // And with the order given the other way round, B comes first.
    let options = SessionOptions {
        identities: vec![B.into(), A.into()],
        ..SessionOptions::default()
    };
    let (findings, _) = traffic.analyze(options);
    assert_eq!(of(&findings, "OVS302")[0].identities, [B, A]);
}

#[test]
fn ovs302_check_is_skipped_with_a_reason() {
    let one = SessionOptions {
        identities: vec![A.into()],
        ..SessionOptions::default()
    };
    let mut traffic = Traffic::default();
    unfiltered_tickets(&mut traffic);
    let (findings, checks) = traffic.analyze(one);
    let c = check(&checks, "unfiltered-collections");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert_eq!(c.detail, "needs two or more identities");
    assert_eq!(c.rule.as_deref(), Some("OVS302"));
    // The finding is still made (the check only summarises): B's own value comes from its
    // profiles whatever the options say.
    assert_eq!(of(&findings, "OVS302").len(), 1);

    // Objects, not lists: nothing to compare.
    let mut traffic = Traffic::default();
    traffic.get(A, "/me/", "/me/", json!({"id": 1, "tenant": 1}));
    let (_, checks) = traffic.analyze(two());
    let c = check(&checks, "unfiltered-collections");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert_eq!(c.detail, "no list response to compare");
}

// ---------------------------------------------------------------------------------------------
// OVS303: role-reserved properties

fn roles() -> SessionOptions {
    SessionOptions {
        identities: vec![A.into(), B.into()],
        roles: HashMap::from([(A.into(), "member".into()), (B.into(), "admin".into())]),
        reserved: vec![
            ("salary".into(), "admin".into()),
            ("/user/is_staff".into(), "admin".into()),
        ],
        ..SessionOptions::default()
    }
}

fn employees() -> Value {
    json!([{"id": 1, "name": "Ada", "salary": 100, "user": {"is_staff": false}}])
}

#[test]
fn ovs303_a_lower_role_receiving_a_reserved_property_is_a_finding() {
    let mut traffic = Traffic::default();
    traffic
        .list(A, "/employees/", employees())
        .list(B, "/employees/", employees());
    let (findings, _) = traffic.analyze(roles());
    let found = of(&findings, "OVS303");
    assert_eq!(
        found.len(),
        1,
        "the admin's answer is not one: {findings:#?}"
    );
    insta::assert_yaml_snapshot!(shown(found[0]), @r#"
    evidence: ~
    identities:
      - partner-a
    message: "partner-a (role `member`) received `/*/salary` from GET /employees/, a property reserved for role `admin` and above."
    operation: GET /employees/
    pattern: /*/salary
    rule: OVS303
    severity: high
    title: "Role `member` receives `salary`"
    "#);
    assert_eq!(found[0].location.field.as_deref(), Some("salary"));
}

#[test]
fn ovs303_pointer_reservations_match_that_pointer_only() {
    let mut traffic = Traffic::default();
    traffic
        .get(
            A,
            "/me/",
            "/me/",
            json!({"id": 1, "user": {"is_staff": true, "salary": 5}}),
        )
        // In a list, the pointer is /*/user/is_staff: not the reserved /user/is_staff.
        .list(
            A,
            "/employees/",
            json!([{"id": 1, "user": {"is_staff": false}}]),
        );
    let (findings, _) = traffic.analyze(roles());
    let patterns: Vec<(&str, &str)> = of(&findings, "OVS303")
        .iter()
        .map(|f| {
            (
                f.operation.as_ref().unwrap().path.as_str(),
                f.location.pattern.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        patterns,
        [("/me/", "/user/is_staff"), ("/me/", "/user/salary")],
        "a name reservation matches at any depth; a pointer only itself"
    );
}

#[test]
fn ovs303_needs_roles_a_known_rank_and_a_lower_role() {
    let mut traffic = Traffic::default();
    traffic.list(A, "/employees/", employees());

    // No roles in the config: nothing is recorded.
    let mut options = roles();
    options.roles.clear();
    let (findings, _) = traffic.analyze(options);
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");

    // A role the built-in order does not know.
    let mut options = roles();
    options.roles.insert(A.into(), "wizard".into());
    let (findings, _) = traffic.analyze(options);
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");

    // The same role as the reservation is allowed to see it.
    let mut options = roles();
    options.roles.insert(A.into(), "admin".into());
    let (findings, _) = traffic.analyze(options);
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");

    // A role above it, too (built-in order: superuser > admin), whatever its case.
    let mut options = roles();
    options.roles.insert(A.into(), "SuperUser".into());
    let (findings, _) = traffic.analyze(options);
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");

    // A non-2xx answer shows nothing.
    let mut refused = Traffic::default();
    refused.push(
        Some(A),
        "/employees/",
        "/employees/",
        json_response(403, employees()),
        Purpose::Baseline,
    );
    let (findings, _) = refused.analyze(roles());
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");
}

#[test]
fn ovs303_a_configured_order_replaces_the_built_in_one() {
    let mut traffic = Traffic::default();
    traffic.list(A, "/employees/", employees());
    let options = SessionOptions {
        identities: vec![A.into()],
        roles: HashMap::from([(A.into(), "reader".into())]),
        role_order: vec!["reader".into(), "writer".into()],
        reserved: vec![("salary".into(), "writer".into())],
        ..SessionOptions::default()
    };
    let (findings, _) = traffic.analyze(options.clone());
    assert_eq!(of(&findings, "OVS303").len(), 1, "{findings:#?}");

    // With a configured order, built-in role names mean nothing.
    let mut builtin = options;
    builtin.roles.insert(A.into(), "member".into());
    builtin.reserved = vec![("salary".into(), "admin".into())];
    let (findings, _) = traffic.analyze(builtin);
    assert!(of(&findings, "OVS303").is_empty(), "{findings:#?}");
}

#[test]
fn ovs303_identities_follow_the_given_order() {
    let mut traffic = Traffic::default();
    traffic
        .list(B, "/employees/", employees())
        .list(A, "/employees/", employees());
    let mut options = roles();
    options.roles.insert(B.into(), "viewer".into());
    let (findings, _) = traffic.analyze(options);
    let found = of(&findings, "OVS303");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].identities, [A, B]);
    assert!(found[0].message.starts_with("partner-a (role `member`)"));
}

// ---------------------------------------------------------------------------------------------
// OVS401, OVS402, OVS404: no certificate, forged certificates

fn edge(traffic: &mut Traffic, purpose: Purpose, outcome: Result<Response, Failure>) {
    let identity = match &purpose {
        Purpose::ForgedCertificate { kind, .. } => Some(format!("partner-a ({})", kind.as_str())),
        _ => None,
    };
    traffic.push(identity.as_deref(), "/me/", "/me/", outcome, purpose);
}

fn forged(kind: ForgedKind) -> Purpose {
    Purpose::ForgedCertificate {
        kind,
        subject_of: A.into(),
    }
}

fn data() -> Result<Response, Failure> {
    json_response(
        200,
        json!({"id": 1, "name": "Acme", "iban": "DE89370400440532013000"}),
    )
}

#[test]
fn ovs401_data_without_a_certificate_is_critical() {
    let mut traffic = Traffic::default();
    edge(&mut traffic, Purpose::NoCertificate, data());
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS401");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(found[0].identities.is_empty(), "anonymous");
    assert_eq!(
        found[0].message,
        "/me/ answered HTTP 200 with data to a request that presented no client certificate \
         and no identity headers, although the spec protects it."
    );
    let c = check(&checks, "no-certificate");
    assert_eq!(c.status, CheckStatus::Failed);
    assert_eq!(c.detail, "1 finding(s) of rule OVS401 in this report");
}

/// Decision: only JSON data counts. A 200 HTML page (a proxy's sign-in page) is not the API's
/// data, and a critical finding for it would be crying wolf.
#[test]
fn ovs401_only_json_data_counts_not_html_or_whitespace() {
    let mut traffic = Traffic::default();
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        text_response(200, "<h1>Please sign in</h1>"),
    );
    edge(&mut traffic, Purpose::NoCertificate, text_response(204, ""));
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        text_response(200, " \n"),
    );
    let (findings, checks) = traffic.analyze(two());
    assert!(of(&findings, "OVS401").is_empty(), "{findings:#?}");
    assert_eq!(
        check(&checks, "no-certificate").detail,
        "3 request(s) without a certificate: no data came back (2 × HTTP 200 without JSON data, \
         1 × HTTP 204 without JSON data)"
    );
}

#[test]
fn ovs401_refusals_pass_the_check_and_say_how_they_looked() {
    let mut traffic = Traffic::default();
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        json_response(403, json!({"detail": "no"})),
    );
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        json_response(403, json!({"detail": "no"})),
    );
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        failure(
            FailureKind::Tls,
            "TLS handshake with https://api.test:8443/ failed (the server refused it): \
             certificate required; check that the identity is the one the server expects",
        ),
    );
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        json_response(
            200,
            json!({"detail": "Authentication credentials were not provided."}),
        ),
    );
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        failure(FailureKind::Connect, "refused"),
    );
    let (findings, checks) = traffic.analyze(two());
    assert!(of(&findings, "OVS401").is_empty(), "{findings:#?}");
    let c = check(&checks, "no-certificate");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(
        c.detail,
        "5 request(s) without a certificate: no data came back (2 × HTTP 403, 1 × TLS handshake \
         refused: certificate required, 1 × HTTP 200 without JSON data, 1 × no answer)"
    );
}

#[test]
fn ovs402_a_rogue_ca_certificate_with_data_is_critical() {
    let mut traffic = Traffic::default();
    edge(&mut traffic, forged(ForgedKind::RogueCa), data());
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS402");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(
        found[0].title,
        "Forged certificate for `partner-a` accepted"
    );
    assert!(of(&findings, "OVS404").is_empty(), "{findings:#?}");
    assert_eq!(check(&checks, "rogue-ca").status, CheckStatus::Failed);
    assert!(
        !ids(&checks).contains(&"expired-certificate"),
        "no --ca-key, no such check: {checks:#?}"
    );
}

#[test]
fn ovs402_refused_rogue_certificate_passes() {
    let mut traffic = Traffic::default();
    edge(
        &mut traffic,
        forged(ForgedKind::RogueCa),
        failure(
            FailureKind::Tls,
            "TLS handshake failed (server refused our certificate): unknown CA; check the CA",
        ),
    );
    let (findings, checks) = traffic.analyze(two());
    assert!(of(&findings, "OVS402").is_empty(), "{findings:#?}");
    let c = check(&checks, "rogue-ca");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(c.rule.as_deref(), Some("OVS402"));
    assert_eq!(
        c.detail,
        "1 request(s) with partner-a's subject: no data came back (1 × TLS handshake refused: \
         unknown CA)"
    );
}

#[test]
fn ovs404_each_accepted_kind_is_its_own_finding_and_fails_only_its_check() {
    let mut traffic = Traffic::default();
    edge(&mut traffic, forged(ForgedKind::Expired), data());
    edge(
        &mut traffic,
        forged(ForgedKind::NotYetValid),
        json_response(400, json!({"detail": "bad cert"})),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::WrongEku),
        failure(
            FailureKind::Tls,
            "TLS handshake failed (server): unsupported certificate",
        ),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::RogueCa),
        json_response(403, json!({})),
    );
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS404");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(found[0].location.pattern.as_deref(), Some("expired"));
    assert_eq!(found[0].evidence.value.as_deref(), Some("expired"));
    assert_eq!(
        found[0].message,
        "/me/ answered HTTP 200 with data to an expired certificate from the real CA with \
         partner-a's subject."
    );
    assert!(of(&findings, "OVS402").is_empty(), "{findings:#?}");

    let status = |id: &str| check(&checks, id).status;
    assert_eq!(status("expired-certificate"), CheckStatus::Failed);
    assert_eq!(status("not-yet-valid-certificate"), CheckStatus::Passed);
    assert_eq!(status("wrong-eku-certificate"), CheckStatus::Passed);
    assert_eq!(status("rogue-ca"), CheckStatus::Passed);
    assert_eq!(
        check(&checks, "not-yet-valid-certificate").detail,
        "1 request(s) with partner-a's subject: no data came back (1 × HTTP 400)"
    );
    assert_eq!(
        check(&checks, "wrong-eku-certificate").detail,
        "1 request(s) with partner-a's subject: no data came back (1 × TLS handshake refused: \
         unsupported certificate)"
    );
    for id in [
        "expired-certificate",
        "not-yet-valid-certificate",
        "wrong-eku-certificate",
    ] {
        assert_eq!(check(&checks, id).rule.as_deref(), Some("OVS404"), "{id}");
    }
}

#[test]
fn ovs404_two_accepted_kinds_are_two_findings() {
    let mut traffic = Traffic::default();
    edge(&mut traffic, forged(ForgedKind::WrongEku), data());
    edge(&mut traffic, forged(ForgedKind::NotYetValid), data());
    edge(
        &mut traffic,
        forged(ForgedKind::Expired),
        json_response(401, json!({})),
    );
    let (findings, checks) = traffic.analyze(two());
    let mut kinds: Vec<&str> = of(&findings, "OVS404")
        .iter()
        .map(|f| f.location.pattern.as_deref().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["not-yet-valid", "wrong-eku"]);
    assert_eq!(
        check(&checks, "expired-certificate").status,
        CheckStatus::Passed
    );
    assert_eq!(
        check(&checks, "wrong-eku-certificate").status,
        CheckStatus::Failed
    );
    assert_eq!(
        check(&checks, "not-yet-valid-certificate").status,
        CheckStatus::Failed
    );
    // Regression: each kind's check counted every OVS404 finding, whatever the kind.
    assert_eq!(
        check(&checks, "wrong-eku-certificate").detail,
        "1 finding(s) of rule OVS404 in this report"
    );
}

// ---------------------------------------------------------------------------------------------
// OVS403: forged identity headers

fn a_view() -> Value {
    json!({"id": 1, "name": "Acme Corp", "slug": "acme", "tenant": 1})
}

fn b_view() -> Value {
    json!({"id": 2, "name": "Globex Retail", "slug": "globex", "tenant": 2})
}

/// The sender's and the victim's own answers for /me/.
fn header_baselines(traffic: &mut Traffic) -> &mut Traffic {
    traffic
        .get(A, "/me/", "/me/", a_view())
        .get(B, "/me/", "/me/", b_view())
}

fn forged_headers(
    traffic: &mut Traffic,
    sender: Option<&str>,
    family: &str,
    names: &[&str],
    answer: Value,
) {
    let headers: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.to_string(), format!("value of {n}")))
        .chain([("X-Api-Key".to_string(), "sender's own".to_string())])
        .collect();
    let purpose = Purpose::ForgedHeaders {
        victim: B.into(),
        family: family.into(),
        headers: names.iter().map(|n| n.to_string()).collect(),
    };
    traffic.push_full(
        sender,
        "GET",
        "/me/",
        "/me/",
        headers,
        None,
        json_response(200, answer),
        purpose,
    );
}

const NGINX: &[&str] = &[
    "X-SSL-Client-Verify",
    "X-SSL-Client-S-DN",
    "X-SSL-Client-S-DN-CN",
];
const X_CLIENT: &[&str] = &["X-Client-Verify", "X-Client-DN", "X-Client-CN"];
const EVERY: &[&str] = &[
    "X-SSL-Client-Verify",
    "X-SSL-Client-S-DN",
    "X-SSL-Client-S-DN-CN",
    "X-Client-Verify",
    "X-Client-DN",
    "X-Client-CN",
    "X-Forwarded-Client-Cert",
];

#[test]
fn ovs403_the_smallest_working_header_set_is_reported_once_per_mode() {
    let mut traffic = Traffic::default();
    header_baselines(&mut traffic);
    for sender in [Some(A), None] {
        forged_headers(&mut traffic, sender, "all", EVERY, b_view());
        forged_headers(&mut traffic, sender, "nginx", NGINX, b_view());
        forged_headers(&mut traffic, sender, "x-client", X_CLIENT, b_view());
        forged_headers(
            &mut traffic,
            sender,
            "envoy-xfcc",
            &["X-Forwarded-Client-Cert"],
            a_view(),
        );
        // Narrowing the first family that worked: one header less at a time.
        forged_headers(&mut traffic, sender, "nginx", &NGINX[1..], b_view());
        forged_headers(&mut traffic, sender, "nginx", &NGINX[2..], b_view());
    }
    let (findings, checks) = traffic.analyze(two());
    let found = of(&findings, "OVS403");
    assert_eq!(found.len(), 2, "{findings:#?}");
    let with = found
        .iter()
        .find(|f| f.location.pattern.as_deref() == Some("with-certificate"))
        .expect("with the sender's certificate");
    let without = found
        .iter()
        .find(|f| f.location.pattern.as_deref() == Some("without-certificate"))
        .expect("with no certificate");
    assert_eq!(with.severity, Severity::Critical);
    assert_eq!(with.identities, [A]);
    assert!(without.identities.is_empty());
    assert_eq!(with.evidence.value.as_deref(), Some("X-SSL-Client-S-DN-CN"));
    assert_eq!(
        without.evidence.value.as_deref(),
        Some("X-SSL-Client-S-DN-CN")
    );
    assert!(
        with.evidence.reproduce.as_deref().unwrap().ends_with("# 7"),
        "the reproduce command of the smallest set's request: {:?}",
        with.evidence.reproduce
    );
    assert!(
        !with
            .evidence
            .value
            .as_deref()
            .unwrap()
            .contains("X-Api-Key"),
        "only the forged headers are evidence"
    );
    insta::assert_yaml_snapshot!([shown(with), shown(without)], @r#"
    - evidence: X-SSL-Client-S-DN-CN
      identities:
        - partner-a
      message: "Sent with partner-a's own certificate, the header(s) X-SSL-Client-S-DN-CN naming partner-b made the server answer as partner-b on /me/ (compared with both identities' own answers). Header families that worked on their own: nginx, x-client. The proxy passes these headers from the client, and the application trusts them."
      operation: GET /me/
      pattern: with-certificate
      rule: OVS403
      severity: critical
      title: Forged identity header accepted (with-certificate)
    - evidence: X-SSL-Client-S-DN-CN
      identities: []
      message: "Sent with no certificate at all, the header(s) X-SSL-Client-S-DN-CN naming partner-b made the server answer as partner-b on /me/ (compared with both identities' own answers). Header families that worked on their own: nginx, x-client. The proxy passes these headers from the client, and the application trusts them."
      operation: GET /me/
      pattern: without-certificate
      rule: OVS403
      severity: critical
      title: Forged identity header accepted (without-certificate)
    "#);
    let c = check(&checks, "forged-identity-headers");
    assert_eq!(c.status, CheckStatus::Failed);
    assert_eq!(c.rule.as_deref(), Some("OVS403"));
}

/// The probe tries each family, then narrows the first that worked under the same family name:
/// the families that worked must be listed once each, not once per narrowing step.
#[test]
fn ovs403_families_that_worked_are_listed_once() {
    let mut traffic = Traffic::default();
    header_baselines(&mut traffic);
    forged_headers(&mut traffic, Some(A), "all", EVERY, b_view());
    forged_headers(&mut traffic, Some(A), "nginx", NGINX, b_view());
    forged_headers(&mut traffic, Some(A), "x-client", X_CLIENT, b_view());
    forged_headers(&mut traffic, Some(A), "nginx", &NGINX[1..], b_view());
    forged_headers(&mut traffic, Some(A), "x-client", &X_CLIENT[2..], b_view());
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS403");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0]
            .message
            .contains("Header families that worked on their own: nginx, x-client. "),
        "{}",
        found[0].message
    );
}

#[test]
fn ovs403_only_all_together_is_said_so() {
    let mut traffic = Traffic::default();
    header_baselines(&mut traffic);
    forged_headers(&mut traffic, Some(A), "all", EVERY, b_view());
    forged_headers(&mut traffic, Some(A), "nginx", NGINX, a_view());
    let (findings, _) = traffic.analyze(two());
    let found = of(&findings, "OVS403");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].message.contains("none alone (only all together)"),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].evidence.value.as_deref(),
        Some(EVERY.join(", ").as_str())
    );
}

#[test]
fn ovs403_an_answer_that_is_not_the_victims_is_not_a_finding() {
    let answers = [
        // The sender's own view: the headers changed nothing.
        a_view(),
        // A refusal envelope.
        json!({"detail": "Invalid client certificate header."}),
        // Something else entirely.
        json!({"id": 3, "name": "Initech", "slug": "initech", "tenant": 3}),
    ];
    for answer in answers {
        let mut traffic = Traffic::default();
        header_baselines(&mut traffic);
        forged_headers(&mut traffic, Some(A), "all", EVERY, answer.clone());
        let (findings, checks) = traffic.analyze(two());
        assert!(
            of(&findings, "OVS403").is_empty(),
            "{answer}: {findings:#?}"
        );
        let c = check(&checks, "forged-identity-headers");
        assert_eq!(c.status, CheckStatus::Passed, "{answer}");
        assert_eq!(
            c.detail,
            "1 request(s) with forged identity headers: none changed who the server answered as"
        );
    }
}

#[test]
fn ovs403_needs_the_victims_own_view_and_distinct_views() {
    // No baseline for the victim: nothing to compare with.
    let mut traffic = Traffic::default();
    traffic.get(A, "/me/", "/me/", a_view());
    forged_headers(&mut traffic, Some(A), "all", EVERY, b_view());
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS403").is_empty(), "{findings:#?}");

    // Both identities see the same thing at this URL: an identity change cannot show.
    let mut traffic = Traffic::default();
    traffic
        .get(A, "/me/", "/me/", b_view())
        .get(B, "/me/", "/me/", b_view());
    forged_headers(&mut traffic, Some(A), "all", EVERY, b_view());
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS403").is_empty(), "{findings:#?}");

    // A non-2xx answer that carries the victim's body is not accepted either.
    let mut traffic = Traffic::default();
    header_baselines(&mut traffic);
    traffic.push_full(
        Some(A),
        "GET",
        "/me/",
        "/me/",
        Vec::new(),
        None,
        json_response(403, b_view()),
        Purpose::ForgedHeaders {
            victim: B.into(),
            family: "all".into(),
            headers: vec!["X-Client-CN".into()],
        },
    );
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS403").is_empty(), "{findings:#?}");
}

#[test]
fn ovs403_check_is_skipped_without_attempts() {
    let (_, checks) = Traffic::default().analyze(two());
    let c = check(&checks, "forged-identity-headers");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert!(
        c.detail.contains("two identities with certificates"),
        "{}",
        c.detail
    );
}

// ---------------------------------------------------------------------------------------------
// OVS501: mass assignment

struct WriteProbe<'a> {
    property: &'a str,
    before: Value,
    written: Value,
    read_back: Value,
    /// The value the verify read shows; `None`: no restore was attempted.
    verified: Option<Value>,
}

fn user(extra: (&str, Value)) -> Value {
    let mut user = json!({"id": 1, "username": "ada", "first_name": "Ada"});
    user[extra.0] = extra.1;
    user
}

fn write_trace(traffic: &mut Traffic, probe: &WriteProbe<'_>) {
    let step = |step: WriteStep| Purpose::Write {
        step,
        property: if step == WriteStep::Before {
            String::new()
        } else {
            probe.property.into()
        },
    };
    let (path, template) = ("/users/1/", "/users/{id}/");
    let read = |traffic: &mut Traffic, s: WriteStep, value: &Value| {
        traffic.push(
            Some(A),
            template,
            path,
            json_response(200, user((probe.property, value.clone()))),
            step(s),
        );
    };
    let write = |traffic: &mut Traffic, s: WriteStep, value: &Value| {
        let body = json!({"first_name": "Ada", probe.property: value});
        traffic.push_full(
            Some(A),
            "PATCH",
            template,
            path,
            vec![("content-type".into(), "application/json".into())],
            Some(body),
            json_response(200, user((probe.property, value.clone()))),
            step(s),
        );
    };
    read(traffic, WriteStep::Before, &probe.before);
    write(traffic, WriteStep::Write, &probe.written);
    read(traffic, WriteStep::ReadBack, &probe.read_back);
    if let Some(verified) = &probe.verified {
        write(traffic, WriteStep::Restore, &probe.before);
        read(traffic, WriteStep::Verify, verified);
    }
}

fn mass_assignment(probe: WriteProbe<'_>) -> (Vec<Finding>, Vec<Check>) {
    let mut traffic = Traffic::default();
    write_trace(&mut traffic, &probe);
    traffic.analyze(two())
}

#[test]
fn ovs501_a_confirmed_and_restored_write_is_critical_for_a_privileged_name() {
    let (findings, checks) = mass_assignment(WriteProbe {
        property: "is_staff",
        before: json!(false),
        written: json!(true),
        read_back: json!(true),
        verified: Some(json!(false)),
    });
    let found = of(&findings, "OVS501");
    assert_eq!(found.len(), 1, "{findings:#?}");
    insta::assert_yaml_snapshot!(shown(found[0]), @r#"
    evidence: false → true
    identities:
      - partner-a
    message: "PATCH /users/1/ accepted `is_staff`, which the request schema does not let clients write: false → true (read back with GET). overshare wrote the original value back and read it back."
    operation: "PATCH /users/{id}/"
    pattern: /is_staff
    rule: OVS501
    severity: critical
    title: "Mass assignment of `is_staff`"
    "#);
    assert_eq!(found[0].evidence.status, Some(200));
    assert!(
        found[0]
            .evidence
            .reproduce
            .as_deref()
            .unwrap()
            .ends_with("# 1"),
        "the write's reproduce command: {:?}",
        found[0].evidence.reproduce
    );
    let c = check(&checks, "mass-assignment");
    assert_eq!(c.status, CheckStatus::Failed);
    assert_eq!(c.rule.as_deref(), Some("OVS501"));
}

#[test]
fn ovs501_a_value_that_could_not_be_restored_is_said_so() {
    let (findings, _) = mass_assignment(WriteProbe {
        property: "is_staff",
        before: json!(false),
        written: json!(true),
        read_back: json!(true),
        verified: Some(json!(true)),
    });
    let found = of(&findings, "OVS501");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0]
            .message
            .ends_with("overshare could NOT restore the original value: restore it by hand."),
        "{}",
        found[0].message
    );

    let (findings, _) = mass_assignment(WriteProbe {
        property: "is_staff",
        before: json!(false),
        written: json!(true),
        read_back: json!(true),
        verified: None,
    });
    assert!(
        of(&findings, "OVS501")[0]
            .message
            .ends_with("the original value was not written back."),
        "{findings:#?}"
    );
}

#[test]
fn ovs501_a_write_the_server_ignored_is_not_a_finding() {
    let (findings, checks) = mass_assignment(WriteProbe {
        property: "is_staff",
        before: json!(false),
        written: json!(true),
        read_back: json!(false),
        verified: None,
    });
    assert!(of(&findings, "OVS501").is_empty(), "{findings:#?}");
    let c = check(&checks, "mass-assignment");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(
        c.detail,
        "1 propert(ies) written one at a time and read back: the server kept none"
    );

    // The server stored something, but not what was written.
    let (findings, _) = mass_assignment(WriteProbe {
        property: "role",
        before: json!("member"),
        written: json!("admin"),
        read_back: json!("staff"),
        verified: None,
    });
    assert!(of(&findings, "OVS501").is_empty(), "{findings:#?}");

    // Writing the value the object already had proves nothing.
    let (findings, _) = mass_assignment(WriteProbe {
        property: "is_staff",
        before: json!(true),
        written: json!(true),
        read_back: json!(true),
        verified: None,
    });
    assert!(of(&findings, "OVS501").is_empty(), "{findings:#?}");
}

#[test]
fn ovs501_needs_the_before_read() {
    let mut traffic = Traffic::default();
    let probe = WriteProbe {
        property: "is_staff",
        before: json!(false),
        written: json!(true),
        read_back: json!(true),
        verified: Some(json!(false)),
    };
    write_trace(&mut traffic, &probe);
    traffic.0.remove(0);
    let (findings, _) = traffic.analyze(two());
    assert!(of(&findings, "OVS501").is_empty(), "{findings:#?}");
}

#[test]
fn ovs501_other_names_are_high_and_privileged_ones_critical() {
    let cases = [
        ("nickname", json!("ada"), json!("eve"), Severity::High),
        ("newsletter", json!(false), json!(true), Severity::High),
        (
            "is_superuser",
            json!(false),
            json!(true),
            Severity::Critical,
        ),
        ("role", json!("member"), json!("admin"), Severity::Critical),
        (
            "user_permissions",
            json!([]),
            json!([1]),
            Severity::Critical,
        ),
        ("tenant", json!(1), json!(2), Severity::Critical),
        ("is_active", json!(false), json!(true), Severity::Critical),
    ];
    for (property, before, written, severity) in cases {
        let (findings, _) = mass_assignment(WriteProbe {
            property,
            before: before.clone(),
            written: written.clone(),
            read_back: written,
            verified: Some(before),
        });
        let found = of(&findings, "OVS501");
        assert_eq!(found.len(), 1, "{property}: {findings:#?}");
        assert_eq!(found[0].severity, severity, "{property}");
    }
}

#[test]
fn ovs501_sensitive_values_are_redacted_in_the_message() {
    let (findings, _) = mass_assignment(WriteProbe {
        property: "email",
        before: json!("ada.lovelace@example.com"),
        written: json!("mallory.attacker@example.org"),
        read_back: json!("mallory.attacker@example.org"),
        verified: Some(json!("ada.lovelace@example.com")),
    });
    let found = of(&findings, "OVS501");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let shown = format!(
        "{} {}",
        found[0].message,
        found[0].evidence.value.as_deref().unwrap()
    );
    for secret in [
        "ada.lovelace",
        "mallory.attacker",
        "example.com",
        "example.org",
    ] {
        assert!(!shown.contains(secret), "`{secret}` in: {shown}");
    }
    assert!(shown.contains(" → "), "{shown}");
}

#[test]
fn ovs501_check_is_skipped_without_write_probes() {
    let (_, checks) = Traffic::default().analyze(two());
    let c = check(&checks, "mass-assignment");
    assert_eq!(c.status, CheckStatus::Skipped);
    assert!(c.detail.contains("--active"), "{}", c.detail);
}

// ---------------------------------------------------------------------------------------------
// The report's checks as a whole

#[test]
fn checks_of_an_empty_session_are_all_skipped_in_a_fixed_order() {
    let one = SessionOptions {
        identities: vec![A.into()],
        ..SessionOptions::default()
    };
    let (findings, checks) = Traffic::default().analyze(one);
    assert!(findings.is_empty());
    insta::assert_yaml_snapshot!(checks, @r#"
    - id: no-certificate
      title: Requests without a client certificate
      status: skipped
      detail: no protected operation answered the primary identity
      rule: OVS401
    - id: forged-identity-headers
      title: "Identity headers a TLS terminator would set, sent by the client"
      status: skipped
      detail: needs two identities with certificates that read the same operation
      rule: OVS403
    - id: cross-identity-objects
      title: Objects of one identity requested by another
      status: skipped
      detail: needs two or more identities
      rule: OVS301
    - id: unfiltered-collections
      title: "Lists that hold other identities' objects"
      status: skipped
      detail: needs two or more identities
      rule: OVS302
    - id: mass-assignment
      title: Writes of properties the request schema does not allow
      status: skipped
      detail: "not run: write probes need --active (and a PATCH or PUT with a GET on the same path)"
      rule: OVS501
    "#);
}

#[test]
fn checks_of_forged_kinds_come_in_the_order_they_were_tried() {
    let mut traffic = Traffic::default();
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        json_response(403, json!({})),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::RogueCa),
        json_response(403, json!({})),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::WrongEku),
        json_response(403, json!({})),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::Expired),
        json_response(403, json!({})),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::RogueCa),
        json_response(403, json!({})),
    );
    let (findings, checks) = traffic.analyze(two());
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(
        ids(&checks),
        [
            "no-certificate",
            "rogue-ca",
            "wrong-eku-certificate",
            "expired-certificate",
            "forged-identity-headers",
            "cross-identity-objects",
            "unfiltered-collections",
            "mass-assignment",
        ]
    );
    assert!(
        check(&checks, "rogue-ca")
            .detail
            .starts_with("2 request(s)"),
        "{}",
        check(&checks, "rogue-ca").detail
    );
}

#[test]
fn baseline_rules_still_run_on_baseline_exchanges_only() {
    // A per-exchange rule (an undeclared body, OVS102) fires on a baseline exchange of an
    // identity, but not on the edge checks' anonymous or forged requests.
    let mut traffic = Traffic::default();
    traffic.get(A, "/me/", "/me/", a_view());
    let (findings, _) = traffic.analyze(two());
    assert!(
        findings.iter().any(|f| f.rule.starts_with("OVS1")),
        "a baseline exchange is checked against the spec: {findings:#?}"
    );

    let mut traffic = Traffic::default();
    edge(
        &mut traffic,
        Purpose::NoCertificate,
        json_response(403, a_view()),
    );
    edge(
        &mut traffic,
        forged(ForgedKind::RogueCa),
        json_response(403, a_view()),
    );
    let (findings, _) = traffic.analyze(two());
    assert!(findings.is_empty(), "{findings:#?}");
}
