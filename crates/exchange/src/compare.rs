//! How alike two JSON bodies are, for the checks that compare identities: did identity B get
//! the owner's object, did forged headers turn identity A into identity B?
//!
//! A body is reduced to its scalar leaves (`/user/id = 7`); similarity is the Jaccard index of
//! the two leaf sets. Leaves are capped so that a huge body costs a bounded amount of work.

use serde_json::Value;
use std::collections::HashSet;

/// Leaves compared per body, at most.
const MAX_LEAVES: usize = 20_000;

/// The scalar leaves of a body as `pointer=value` strings.
pub fn leaves(value: &Value) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut pointer = String::new();
    collect(value, &mut pointer, &mut out);
    out
}

fn collect(value: &Value, pointer: &mut String, out: &mut HashSet<String>) {
    if out.len() >= MAX_LEAVES {
        return;
    }
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                collect(child, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&index.to_string());
                collect(child, pointer, out);
                pointer.truncate(len);
            }
        }
        scalar => {
            out.insert(format!("{pointer}={scalar}"));
        }
    }
}

/// Jaccard similarity of two bodies' leaves: 1.0 for equal bodies, 0.0 for nothing in common.
/// Two bodies without leaves (`{}`, `[]`) are equal (1.0).
pub fn similarity(a: &Value, b: &Value) -> f64 {
    jaccard(&leaves(a), &leaves(b))
}

pub fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// The body carries data: an object or array with at least one scalar leaf that is not an
/// error envelope (`{"detail": "..."}`, `{"error": ...}`, `{"message": ...}`).
pub fn carries_data(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            let envelope = [
                "detail", "error", "errors", "message", "status", "title", "type",
            ];
            map.keys().any(|k| !envelope.contains(&k.as_str())) && !leaves(value).is_empty()
        }
        Value::Array(items) => items.iter().any(|item| !leaves(item).is_empty()),
        _ => false,
    }
}

/// How one object compares with the owner's view of it: same id, and how many of the fields
/// both have are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectMatch {
    pub same_id: bool,
    /// Top-level scalar fields present in both with equal values.
    pub equal_fields: usize,
    /// Top-level scalar fields present in both.
    pub shared_fields: usize,
}

impl ObjectMatch {
    /// The other body is the owner's object: same id and at least two other equal fields,
    /// with at least 80% of the shared fields equal.
    pub fn is_same_object(&self) -> bool {
        self.same_id && self.equal_fields >= 3 && self.equal_fields * 5 >= self.shared_fields * 4
    }
}

/// Compare an object with the owner's view of it (both JSON objects).
pub fn match_object(owner: &Value, other: &Value) -> Option<ObjectMatch> {
    let (owner, other) = (owner.as_object()?, other.as_object()?);
    let mut result = ObjectMatch {
        same_id: false,
        equal_fields: 0,
        shared_fields: 0,
    };
    for (key, value) in owner {
        let Some(theirs) = other.get(key) else {
            continue;
        };
        if value.is_object() || value.is_array() {
            continue;
        }
        result.shared_fields += 1;
        if value == theirs && !value.is_null() {
            result.equal_fields += 1;
            if is_id_key(key) {
                result.same_id = true;
            }
        }
    }
    Some(result)
}

/// Field names that identify an object in DRF-style APIs.
pub fn is_id_key(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "id" | "pk" | "uuid" | "slug" | "public_id" | "number" | "reference" | "key"
    )
}

/// Owner-like field names: who an object belongs to (`tenant`, `owner_id`, `organisation`).
/// One list for every phase and analyzer, so that they agree on what "owner" means.
pub fn is_owner_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix("_id")
        .or_else(|| lower.strip_suffix("id"))
        .unwrap_or(&lower);
    matches!(
        stem,
        "tenant"
            | "owner"
            | "user"
            | "partner"
            | "organisation"
            | "organization"
            | "org"
            | "account"
            | "company"
            | "customer"
            | "client"
            | "created_by"
    )
}

/// The items of a list response: a top-level array, or the array under a conventional
/// pagination key (DRF `results`, JSON:API `data`, `items`, ...). `None` for anything else.
pub fn collection_items(body: &Value) -> Option<&Vec<Value>> {
    match body {
        Value::Array(items) => Some(items),
        Value::Object(map) => [
            "results", "data", "items", "objects", "records", "content", "entries",
        ]
        .iter()
        .find_map(|key| map.get(*key).and_then(Value::as_array)),
        _ => None,
    }
}

/// Whether `observed` shows the identity whose own view is `victim` rather than the one whose
/// view is `sender`: much closer to the victim's body, and the two views really differ.
pub fn shows_identity(observed: &Value, sender: &Value, victim: &Value) -> bool {
    let to_victim = similarity(observed, victim);
    let to_sender = similarity(observed, sender);
    let apart = similarity(sender, victim);
    carries_data(observed) && apart < 0.9 && to_victim >= 0.9 && to_victim > to_sender
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn similarity_counts_shared_leaves() {
        let a = json!({"id": 1, "name": "a", "tags": ["x"]});
        assert_eq!(similarity(&a, &a), 1.0);
        let b = json!({"id": 1, "name": "b", "tags": ["x"]});
        assert!((similarity(&a, &b) - 0.5).abs() < 1e-9);
        assert_eq!(similarity(&json!({"id": 1}), &json!({"id": 2})), 0.0);
    }

    #[test]
    fn error_envelopes_carry_no_data() {
        assert!(!carries_data(&json!({"detail": "Not found."})));
        assert!(!carries_data(&json!([])));
        assert!(!carries_data(&json!({})));
        assert!(carries_data(&json!({"id": 1, "name": "x"})));
        assert!(carries_data(&json!([{"id": 1}])));
    }

    #[test]
    fn same_object_needs_id_and_matching_fields() {
        let owner = json!({"id": 7, "number": "INV-1", "amount": "10.00", "status": "paid"});
        let same = json!({"id": 7, "number": "INV-1", "amount": "10.00", "status": "paid"});
        assert!(match_object(&owner, &same).unwrap().is_same_object());
        let generic = json!({"id": 7});
        assert!(!match_object(&owner, &generic).unwrap().is_same_object());
        let other = json!({"id": 8, "number": "INV-2", "amount": "10.00", "status": "paid"});
        assert!(!match_object(&owner, &other).unwrap().is_same_object());
    }

    #[test]
    fn owner_names_and_collections() {
        for name in ["tenant", "tenant_id", "owner", "organisation", "orgId"] {
            assert!(is_owner_name(name), "{name}");
        }
        assert!(!is_owner_name("display_name"));
        assert_eq!(
            collection_items(&json!({"count": 1, "results": [1]}))
                .unwrap()
                .len(),
            1
        );
        assert!(collection_items(&json!({"id": 1})).is_none());
    }

    #[test]
    fn identity_shift_needs_distinct_views() {
        let a = json!({"id": 1, "name": "Acme", "slug": "acme"});
        let b = json!({"id": 2, "name": "Globex", "slug": "globex"});
        assert!(shows_identity(&b, &a, &b));
        assert!(!shows_identity(&a, &a, &b));
        assert!(!shows_identity(&a, &a, &a));
        assert!(!shows_identity(
            &json!({"detail": "x"}),
            &a,
            &json!({"detail": "x"})
        ));
    }

    #[test]
    fn leaves_escape_keys_and_index_arrays() {
        let leaves = leaves(&json!({"a/b": {"c~d": [true, null]}}));
        let mut sorted: Vec<&str> = leaves.iter().map(String::as_str).collect();
        sorted.sort();
        assert_eq!(sorted, ["/a~1b/c~0d/0=true", "/a~1b/c~0d/1=null"]);
        // A value and the same value under another key are different leaves.
        assert_eq!(similarity(&json!({"a": 1}), &json!({"b": 1})), 0.0);
    }

    #[test]
    fn an_envelope_with_data_beside_it_carries_data() {
        assert!(carries_data(&json!({"detail": "ok", "id": 7})));
        assert!(!carries_data(&json!({"error": {"code": 1}, "status": 403})));
        assert!(!carries_data(&json!({"results": []})), "an empty page");
        assert!(!carries_data(&json!([{}, []])));
        assert!(!carries_data(&json!("text")));
        assert!(!carries_data(&json!(null)));
    }

    #[test]
    fn same_object_needs_three_equal_fields_and_eighty_percent() {
        let owner = json!({"id": 7, "a": 1, "b": 2, "c": 3, "d": 4});
        // id + a + b + c equal, d differs: 4 of 5 = 80%.
        let close = json!({"id": 7, "a": 1, "b": 2, "c": 3, "d": 5});
        assert!(match_object(&owner, &close).unwrap().is_same_object());
        // id + a + b equal, c and d differ: 3 of 5 < 80%.
        let far = json!({"id": 7, "a": 1, "b": 2, "c": 0, "d": 0});
        assert!(!match_object(&owner, &far).unwrap().is_same_object());
        // Only two equal fields, id among them, all that is shared: not enough.
        let thin = json!({"id": 7, "a": 1});
        let m = match_object(&owner, &thin).unwrap();
        assert_eq!((m.equal_fields, m.shared_fields), (2, 2));
        assert!(!m.is_same_object());
        // Nulls are never evidence, nested values are not compared.
        let nulls = json!({"id": null, "a": null, "b": null, "c": null});
        let m = match_object(&nulls, &nulls).unwrap();
        assert_eq!(m.equal_fields, 0);
        assert!(!m.same_id);
        let nested = json!({"id": 1, "user": {"id": 2}, "tags": [1]});
        assert_eq!(match_object(&nested, &nested).unwrap().shared_fields, 1);
        assert!(match_object(&json!([1]), &owner).is_none());
    }

    #[test]
    fn owner_names_strip_id_suffixes_only() {
        for name in [
            "userId",
            "user_id",
            "Owner",
            "created_by",
            "created_by_id",
            "CompanyID",
        ] {
            assert!(is_owner_name(name), "{name}");
        }
        for name in ["id", "uuid", "paid", "username", "owner_name", "tenants"] {
            assert!(!is_owner_name(name), "{name}");
        }
    }

    #[test]
    fn collections_are_arrays_or_conventional_pages() {
        for key in [
            "results", "data", "items", "objects", "records", "content", "entries",
        ] {
            let page = json!({"count": 2, key: [1, 2]});
            assert_eq!(collection_items(&page).map(Vec::len), Some(2), "{key}");
        }
        assert!(collection_items(&json!({"rows": [1]})).is_none());
        assert!(collection_items(&json!({"results": {"a": 1}})).is_none());
        assert!(collection_items(&json!("x")).is_none());
    }

    #[test]
    fn identity_shift_against_an_anonymous_sender() {
        let b = json!({"id": 2, "name": "Globex", "slug": "globex"});
        // No own view (refused without a certificate): the victim's body is still a shift.
        assert!(shows_identity(&b, &Value::Null, &b));
        // A body 90% like the victim's is enough; one field in four off is not.
        let victim = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10});
        let mut near = victim.clone();
        near["j"] = json!(11);
        assert!(similarity(&near, &victim) < 0.9);
        assert!(!shows_identity(&near, &Value::Null, &victim));
        let mut extra = victim.clone();
        extra["k"] = json!(0);
        assert!(similarity(&extra, &victim) >= 0.9);
        assert!(shows_identity(&extra, &Value::Null, &victim));
    }
}
