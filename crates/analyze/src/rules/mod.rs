//! The per-exchange rules, one module each. Each module holds its [`RuleMeta`] (whose `doc` is
//! `docs/OVSnnn.md`, also the module's rustdoc) and a `check` function that returns early and
//! cheaply when the exchange cannot concern it.

pub mod ovs101_undeclared_property;
pub mod ovs102_undeclared_body;
pub mod ovs103_undeclared_status;
pub mod ovs104_undeclared_content_type;
pub mod ovs105_write_only_returned;
pub mod ovs301_cross_identity_object;
pub mod ovs302_unfiltered_collection;
pub mod ovs303_role_property;
pub mod ovs401_no_certificate;
pub mod ovs402_rogue_certificate;
pub mod ovs403_forged_identity_headers;
pub mod ovs404_invalid_certificate;
pub mod ovs501_mass_assignment;
pub mod sensitive;
pub mod walk;

use crate::Observation;
use overshare_contract::{Contract, MediaType, Operation, ResponseSpec, SchemaId};
use overshare_exchange::{Exchange, Response, media_type_of};
use overshare_finding::{Evidence, OperationRef, RuleMeta};

/// Every rule, in id order.
pub static ALL: &[&RuleMeta] = &[
    &ovs101_undeclared_property::META,
    &ovs102_undeclared_body::META,
    &ovs103_undeclared_status::META,
    &ovs104_undeclared_content_type::META,
    &ovs105_write_only_returned::META,
    &ovs301_cross_identity_object::META,
    &ovs302_unfiltered_collection::META,
    &ovs303_role_property::META,
    &ovs401_no_certificate::META,
    &ovs402_rogue_certificate::META,
    &ovs403_forged_identity_headers::META,
    &ovs404_invalid_certificate::META,
    &ovs501_mass_assignment::META,
];

/// What a rule may look at for one exchange.
pub struct Context<'a> {
    pub contract: &'a Contract,
    pub classifier: &'a overshare_classify::Classifier,
    pub operation: &'a Operation,
    pub exchange: &'a Exchange,
    pub response: &'a Response,
}

impl Context<'_> {
    pub fn operation_ref(&self) -> OperationRef {
        OperationRef {
            method: self.operation.method.clone(),
            path: self.operation.path.clone(),
            operation_id: self.operation.operation_id.clone(),
        }
    }

    /// Evidence common to every rule: status, content type, reproduce command.
    pub fn evidence(&self, value: Option<String>) -> Evidence {
        Evidence {
            status: Some(self.response.status),
            value,
            content_type: self.response.header("content-type").map(str::to_string),
            reproduce: self.exchange.reproduce.clone(),
        }
    }

    /// The declared response for the status, if any.
    pub fn declared_response(&self) -> Option<&ResponseSpec> {
        self.operation.response_for(self.response.status)
    }

    /// The response body is empty (or only whitespace).
    pub fn body_is_empty(&self) -> bool {
        self.response.body.iter().all(u8::is_ascii_whitespace)
    }

    /// The declared media type that covers the response's, if any.
    pub fn matching_media_type<'s>(&self, declared: &'s ResponseSpec) -> Option<&'s MediaType> {
        let actual = self.response.media_type()?;
        declared
            .content
            .iter()
            .find(|m| media_type_matches(&m.media_type, &actual))
    }

    /// The schema the JSON body must follow: the matching media type's, else the first JSON
    /// media type's (a wrong content type is its own finding; the body is still checked).
    pub fn response_schema(&self) -> Option<SchemaId> {
        let declared = self.declared_response()?;
        self.matching_media_type(declared)
            .or_else(|| {
                declared
                    .content
                    .iter()
                    .find(|m| overshare_exchange::is_json_media_type(&media_type_of(&m.media_type)))
            })
            .and_then(|m| m.schema)
    }
}

impl Context<'_> {
    /// Redact a value found at `pattern`, with its class when the classifier knows it, so that
    /// every rule shows the same field the same way (`…[redacted personal, 23 chars]`).
    pub fn redact(&self, pattern: &str, value: &serde_json::Value) -> String {
        let keys: Vec<String> = pattern
            .split('/')
            .skip(1)
            .filter(|token| *token != "*")
            .map(|token| overshare_contract::pointer::unescape(token).into_owned())
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        match self.classifier.classify(&keys, value) {
            Some(hit) => overshare_finding::redact::redact_classified(
                value,
                hit.rule.class.as_str(),
                hit.safe_prefix.as_deref(),
            ),
            None => overshare_finding::redact::redact_value(value),
        }
    }

    /// An observation about one property met by the body walk, with the rule's defaults.
    pub fn property_observation(
        &self,
        rule: &'static RuleMeta,
        sighting: &walk::Sighting<'_>,
        title: String,
        message: String,
        remediation: &str,
    ) -> Observation {
        Observation {
            rule: rule.into(),
            operation: self.operation_ref(),
            pattern: sighting.pattern.clone(),
            pointer: sighting.pointer.clone(),
            field: Some(sighting.field.clone()),
            identity: self.exchange.identity.clone(),
            severity: rule.default_severity,
            confidence: overshare_finding::Confidence::High,
            title,
            message,
            remediation: remediation.to_string(),
            evidence: self.evidence(Some(self.redact(&sighting.pattern, sighting.value))),
        }
    }
}

/// The path of a request URL, for messages (`/api/invoices/4/`).
pub fn url_path(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string())
}

/// An observation about a whole exchange (the cross-exchange rules), with its evidence.
pub fn exchange_observation(
    rule: &'static RuleMeta,
    exchange: &Exchange,
    pattern: &str,
    text: (String, String),
    remediation: &str,
    value: Option<String>,
) -> Observation {
    let response = exchange.response();
    Observation {
        rule: rule.into(),
        operation: crate::session::op_ref(&exchange.operation),
        pattern: pattern.to_string(),
        pointer: pattern.to_string(),
        field: None,
        identity: exchange.identity.clone(),
        severity: rule.default_severity,
        confidence: overshare_finding::Confidence::High,
        title: text.0,
        message: text.1,
        remediation: remediation.to_string(),
        evidence: Evidence {
            status: response.map(|r| r.status),
            value,
            content_type: response
                .and_then(|r| r.header("content-type"))
                .map(str::to_string),
            reproduce: exchange.reproduce.clone(),
        },
    }
}

/// `application/*` covers `application/json`; `*/*` covers everything; parameters are ignored.
pub fn media_type_matches(declared: &str, actual: &str) -> bool {
    let declared = media_type_of(declared);
    let actual = media_type_of(actual);
    if declared == actual || declared == "*/*" {
        return true;
    }
    match (declared.split_once('/'), actual.split_once('/')) {
        (Some((dt, "*")), Some((at, _))) => dt == at,
        _ => false,
    }
}

/// Run every rule on one exchange.
pub fn check_all(ctx: &Context<'_>, out: &mut Vec<Observation>) {
    ovs103_undeclared_status::check(ctx, out);
    ovs102_undeclared_body::check(ctx, out);
    ovs104_undeclared_content_type::check(ctx, out);
    let Some(json) = &ctx.response.json else {
        return;
    };
    let walked = ctx
        .response_schema()
        .map(|schema| walk::walk(ctx.contract, schema, json));
    if let Some(walked) = &walked {
        ovs101_undeclared_property::check(ctx, walked, out);
        ovs105_write_only_returned::check(ctx, walked, out);
    }
    sensitive::check(ctx, json, walked.as_ref(), out);
}

#[cfg(test)]
mod tests {
    use super::media_type_matches;

    #[test]
    fn wildcards_and_parameters() {
        assert!(media_type_matches(
            "application/json",
            "application/json; charset=utf-8"
        ));
        assert!(media_type_matches("application/*", "application/json"));
        assert!(media_type_matches("*/*", "text/html"));
        assert!(!media_type_matches("application/json", "text/html"));
        assert!(!media_type_matches("text/*", "application/json"));
    }
}
