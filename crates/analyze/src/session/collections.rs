//! Unfiltered collections: whose objects does each identity's list contain?
//!
//! Ownership is learned, not guessed: an identity's own value of an owner-like field (`tenant`,
//! `owner`, `organisation`, ...) is the one value that fills *every* item of some list it read
//! (its scoped lists: its profiles all say `tenant: 1`). A list of another identity that holds
//! items with that value holds that identity's objects. A shared catalogue with no owner-like
//! field gives nothing to learn and is never a finding; operations can also say how they are
//! scoped (`x-overshare-scope`, or `[scoping]` in the config).

use super::{SessionOptions, skipped, verdict};
use crate::Observation;
use crate::rules::ovs302_unfiltered_collection as rule;
use indexmap::IndexMap;
use overshare_contract::Contract;
use overshare_exchange::compare::{collection_items, is_id_key, is_owner_name};
use overshare_finding::{Finding, OperationRef};
use serde_json::Value;
use std::collections::HashMap;

/// How an operation's collection is meant to be scoped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scoping {
    /// Everyone may see every object (a catalogue): never a finding.
    Shared,
    /// Each identity sees only its own objects: an object in two identities' lists is a finding.
    PerIdentity,
    /// Objects belong to whoever the named field says (`tenant`, `org_id`).
    Field(String),
}

impl Scoping {
    /// `shared`, `identity`, or an owner field name (`tenant`, `field:org_id`).
    pub fn parse(text: &str) -> Result<Scoping, String> {
        let text = text.trim();
        match text {
            "" => Err("an empty scoping: write shared, identity, or an owner field name".into()),
            "shared" | "public" | "none" => Ok(Scoping::Shared),
            "identity" | "per-identity" | "caller" => Ok(Scoping::PerIdentity),
            other => Ok(Scoping::Field(
                other.strip_prefix("field:").unwrap_or(other).to_string(),
            )),
        }
    }
}

/// One list response: who read it, and each item's id and owner values.
struct Sighting {
    operation: OperationRef,
    identity: String,
    items: Vec<Item>,
    reproduce: Option<String>,
}

struct Item {
    id: Option<String>,
    owners: Vec<(String, String)>,
}

#[derive(Default)]
pub(super) struct Collections {
    sightings: Vec<Sighting>,
}

impl Collections {
    pub(super) fn observe(
        &mut self,
        operation: &OperationRef,
        identity: &str,
        body: &Value,
        reproduce: Option<String>,
    ) {
        let Some(items) = collection_items(body) else {
            return;
        };
        if self
            .sightings
            .iter()
            .any(|s| s.operation == *operation && s.identity == identity)
        {
            return;
        }
        let items: Vec<Item> = items.iter().filter_map(item_facts).collect();
        if !items.is_empty() {
            self.sightings.push(Sighting {
                operation: operation.clone(),
                identity: identity.to_string(),
                items,
                reproduce,
            });
        }
    }

    pub(super) fn judge(&self, contract: &Contract, options: &SessionOptions) -> Vec<Observation> {
        let scoping = |op: &OperationRef| scoping_of(contract, options, op);
        let owners = OwnValues::learn(&self.sightings, &scoping);
        let mut out = Vec::new();
        for sighting in &self.sightings {
            let scope = scoping(&sighting.operation);
            if scope == Some(Scoping::Shared) {
                continue;
            }
            let foreign = match &scope {
                Some(Scoping::PerIdentity) => self.seen_by_others(sighting),
                _ => owners.foreign(sighting, scope.as_ref()),
            };
            let list = rule::List {
                operation: &sighting.operation,
                identity: &sighting.identity,
                total: sighting.items.len(),
                reproduce: sighting.reproduce.clone(),
            };
            if let Some(observation) = rule::judge(&list, &foreign) {
                out.push(observation);
            }
        }
        out
    }

    /// For `identity` scoping: items whose id another identity's list of the same operation
    /// also holds, by that identity.
    fn seen_by_others(&self, sighting: &Sighting) -> IndexMap<String, Vec<String>> {
        let mut foreign: IndexMap<String, Vec<String>> = IndexMap::new();
        for other in self
            .sightings
            .iter()
            .filter(|o| o.operation == sighting.operation && o.identity != sighting.identity)
        {
            for item in &sighting.items {
                let Some(id) = &item.id else { continue };
                if other.items.iter().any(|o| o.id.as_ref() == Some(id)) {
                    foreign
                        .entry(other.identity.clone())
                        .or_default()
                        .push(format!("id {id}"));
                }
            }
        }
        foreign
    }

    pub(super) fn check(
        &self,
        findings: &[Finding],
        identities: usize,
    ) -> overshare_finding::Check {
        let (id, title) = (
            "unfiltered-collections",
            "Lists that hold other identities' objects",
        );
        if identities < 2 {
            return skipped(id, title, rule::META.id, "needs two or more identities");
        }
        if self.sightings.is_empty() {
            return skipped(id, title, rule::META.id, "no list response to compare");
        }
        verdict(
            id,
            title,
            rule::META.id,
            findings,
            format!(
                "{} list response(s) compared: none held objects owned by another identity (or \
                 they carry no owner field to tell)",
                self.sightings.len()
            ),
        )
    }
}

fn scoping_of(contract: &Contract, options: &SessionOptions, op: &OperationRef) -> Option<Scoping> {
    if let Some(scope) = options.scoping.get(&op.path) {
        return Some(scope.clone());
    }
    let operation = contract.operation(&op.method, &op.path)?;
    let value = operation.extensions.get("x-overshare-scope")?.as_str()?;
    Scoping::parse(value).ok()
}

fn item_facts(item: &Value) -> Option<Item> {
    let map = item.as_object()?;
    let id = map
        .iter()
        .find(|(k, v)| is_id_key(k) && !v.is_object() && !v.is_array())
        .and_then(|(_, v)| text(v));
    let owners = map
        .iter()
        .filter_map(|(key, value)| {
            let value = match value {
                Value::Object(nested) => nested
                    .iter()
                    .find(|(k, _)| is_id_key(k))
                    .and_then(|(_, v)| text(v))?,
                other => text(other)?,
            };
            Some((key.clone(), value))
        })
        .collect();
    Some(Item { id, owners })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// (identity, owner field) → that identity's own value.
struct OwnValues(HashMap<(String, String), String>);

impl OwnValues {
    fn learn(
        sightings: &[Sighting],
        scoping: &dyn Fn(&OperationRef) -> Option<Scoping>,
    ) -> OwnValues {
        // (identity, field) → value → how many of its lists that value fills entirely.
        let mut votes: HashMap<(String, String), IndexMap<String, usize>> = HashMap::new();
        for sighting in sightings {
            let scope = scoping(&sighting.operation);
            if scope == Some(Scoping::Shared) {
                continue;
            }
            let Some(first) = sighting.items.first() else {
                continue;
            };
            for (field, value) in &first.owners {
                if !is_owner_field(field, scope.as_ref()) {
                    continue;
                }
                let uniform = sighting
                    .items
                    .iter()
                    .all(|item| item.owners.iter().any(|(f, v)| f == field && v == value));
                if uniform {
                    *votes
                        .entry((sighting.identity.clone(), field.clone()))
                        .or_default()
                        .entry(value.clone())
                        .or_default() += 1;
                }
            }
        }
        // The value that fills most of an identity's lists; on a tie, the one no other
        // identity's lists are filled with (an unfiltered list that holds only another
        // identity's objects fills as uniformly as a scoped one). A tie that remains is
        // ambiguous: no value, rather than whichever list happened to arrive last.
        let filled_elsewhere = |identity: &str, field: &str, value: &str| {
            votes
                .iter()
                .any(|((i, f), values)| i != identity && f == field && values.contains_key(value))
        };
        let mut own: HashMap<(String, String), String> = votes
            .iter()
            .filter_map(|((identity, field), values)| {
                let mut scored: Vec<((usize, bool), &String)> = values
                    .iter()
                    .map(|(value, n)| ((*n, !filled_elsewhere(identity, field, value)), value))
                    .collect();
                scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
                match scored.as_slice() {
                    [(best, _), (next, _), ..] if best == next => None,
                    [(_, value), ..] => Some(((identity.clone(), field.clone()), (*value).clone())),
                    [] => None,
                }
            })
            .collect();
        // A value two identities both claim tells nothing about either.
        let claimed: Vec<((String, String), String)> =
            own.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        own.retain(|(identity, field), value| {
            !claimed
                .iter()
                .any(|((i, f), v)| i != identity && f == field && v == value)
        });
        OwnValues(own)
    }

    /// Items of `sighting` carrying another identity's own value: owner → descriptions.
    fn foreign(
        &self,
        sighting: &Sighting,
        scope: Option<&Scoping>,
    ) -> IndexMap<String, Vec<String>> {
        let mut foreign: IndexMap<String, Vec<String>> = IndexMap::new();
        for item in &sighting.items {
            for (field, value) in &item.owners {
                if !is_owner_field(field, scope) {
                    continue;
                }
                let owner = self.0.iter().find(|((identity, f), v)| {
                    f == field && *v == value && *identity != sighting.identity
                });
                if let Some(((owner, _), _)) = owner {
                    let label = match &item.id {
                        Some(id) => format!("id {id} ({field} = {value})"),
                        None => format!("{field} = {value}"),
                    };
                    foreign.entry(owner.clone()).or_default().push(label);
                    break;
                }
            }
        }
        foreign
    }
}

fn is_owner_field(field: &str, scope: Option<&Scoping>) -> bool {
    match scope {
        Some(Scoping::Field(name)) => field == name,
        _ => is_owner_name(field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoping_parses() {
        assert_eq!(Scoping::parse("shared"), Ok(Scoping::Shared));
        assert_eq!(Scoping::parse("identity"), Ok(Scoping::PerIdentity));
        assert_eq!(
            Scoping::parse("field:org_id"),
            Ok(Scoping::Field("org_id".into()))
        );
        assert_eq!(
            Scoping::parse("tenant"),
            Ok(Scoping::Field("tenant".into()))
        );
        assert!(Scoping::parse(" ").is_err());
    }
}
