#![doc = include_str!("../../docs/OVS301.md")]

use super::{exchange_observation, url_path};
use crate::Observation;
use overshare_exchange::Exchange;
use overshare_exchange::compare::{is_id_key, match_object};
use overshare_finding::{Category, RuleMeta, Severity};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    id: "OVS301",
    name: "cross-identity-object-access",
    category: Category::Authz,
    default_severity: Severity::High,
    cwe: &["CWE-639"],
    owasp: &["API1:2023"],
    summary: "An identity reads another identity's object by its id",
    doc: include_str!("../../docs/OVS301.md"),
};

/// `exchange` is identity B asking for an object only `owner` listed; `owner_body` is the
/// owner's own answer for the same URL. A finding needs the same object back, not a status.
pub fn judge(exchange: &Exchange, owner_body: &Value, owner: &str) -> Option<Observation> {
    let response = exchange.response()?;
    if !(200..300).contains(&response.status) {
        return None;
    }
    let body = response.json.as_ref()?;
    let matched = match_object(owner_body, body)?;
    if !matched.is_same_object() {
        return None;
    }
    let who = exchange.identity.as_deref().unwrap_or("(anonymous)");
    let id = owner_body
        .as_object()
        .and_then(|map| map.iter().find(|(k, _)| is_id_key(k)))
        .map(|(k, v)| format!("{k} = {v}"))
        .unwrap_or_default();
    let path = url_path(&exchange.request.url);
    Some(exchange_observation(
        &META,
        exchange,
        "",
        (
            format!("`{who}` reads `{owner}`'s object"),
            format!(
                "{who} asked for {path}, an object that only {owner} lists, and got HTTP {} with \
                 {owner}'s object ({id}; {} of {} fields equal to {owner}'s own view). The \
                 object is looked up by id without checking that it belongs to the caller.",
                response.status, matched.equal_fields, matched.shared_fields
            ),
        ),
        "Filter the queryset by the caller (`get_queryset()` returning \
         `Model.objects.filter(tenant=request.tenant)`), so that `get_object()` answers 404 for \
         other identities' ids; add an object permission (`has_object_permission`) that \
         compares the object's owner with the certificate's identity.",
        Some(id),
    ))
}
