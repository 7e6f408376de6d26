//! The one table the demo lets partners change: `accounts.Member`, the console users each
//! partner manages itself through `PATCH /api/members/{id}/`.
//!
//! Every [`DemoServer`](crate::DemoServer) start seeds a fresh [`Store`], so each run begins
//! with the same rows whatever an earlier run (or a mass-assignment probe) changed.
//!
//! The mistake it imitates: `MemberSerializer(fields = [..., "is_staff", "role"])` with neither in
//! `read_only_fields`, so a partner that renames its member can also make it a Django staff
//! member or an admin. The spec's request schema allows only `first_name`, `last_name` and
//! `email`.

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Map, Value, json};

/// A seeded member (`django.contrib.auth.models.User` plus the profile's `role`).
pub(crate) struct MemberSeed {
    pub id: u64,
    pub tenant: u64,
    pub username: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub is_staff: bool,
    pub role: &'static str,
}

/// Members 11 and 12 of partner-a (tenant 1), 21 and 22 of partner-b (tenant 2), 31 of
/// Partner C (tenant 3). None is staff.
pub(crate) const MEMBERS: &[MemberSeed] = &[
    MemberSeed {
        id: 11,
        tenant: 1,
        username: "dave",
        first_name: "Dave",
        last_name: "Dawson",
        email: "dave@partner-a.example",
        is_staff: false,
        role: "member",
    },
    MemberSeed {
        id: 12,
        tenant: 1,
        username: "erin",
        first_name: "Erin",
        last_name: "Ellis",
        email: "erin@partner-a.example",
        is_staff: false,
        role: "manager",
    },
    MemberSeed {
        id: 21,
        tenant: 2,
        username: "frank",
        first_name: "Frank",
        last_name: "Foster",
        email: "frank@partner-b.example",
        is_staff: false,
        role: "member",
    },
    MemberSeed {
        id: 22,
        tenant: 2,
        username: "grace",
        first_name: "Grace",
        last_name: "Green",
        email: "grace@partner-b.example",
        is_staff: false,
        role: "member",
    },
    MemberSeed {
        id: 31,
        tenant: 3,
        username: "heidi",
        first_name: "Heidi",
        last_name: "Hughes",
        email: "heidi@partner-c.example",
        is_staff: false,
        role: "member",
    },
];

/// One member as stored now.
#[derive(Debug, Clone, PartialEq)]
struct Member {
    id: u64,
    tenant: u64,
    username: &'static str,
    first_name: String,
    last_name: String,
    email: String,
    is_staff: bool,
    role: String,
}

impl Member {
    /// `MemberSerializer`: every field it declares, in model order.
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "is_staff": self.is_staff,
            "role": self.role,
        })
    }
}

/// Validation errors keyed by field, as DRF's `ValidationError` renders them.
pub(crate) type FieldErrors = Map<String, Value>;

/// The members of one running demo, behind a mutex (requests run on many tasks).
#[derive(Debug)]
pub(crate) struct Store {
    members: Mutex<Vec<Member>>,
}

impl Store {
    /// A store holding exactly the seeded [`MEMBERS`].
    pub(crate) fn seeded() -> Store {
        let members = MEMBERS
            .iter()
            .map(|m| Member {
                id: m.id,
                tenant: m.tenant,
                username: m.username,
                first_name: m.first_name.to_owned(),
                last_name: m.last_name.to_owned(),
                email: m.email.to_owned(),
                is_staff: m.is_staff,
                role: m.role.to_owned(),
            })
            .collect();
        Store {
            members: Mutex::new(members),
        }
    }

    /// A panic while holding the lock cannot leave a row half-written (updates are applied
    /// after validation, field by field, without anything that panics), so a poisoned lock is
    /// still usable.
    fn members(&self) -> MutexGuard<'_, Vec<Member>> {
        self.members.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `Member.objects.filter(tenant=request.tenant)`, serialized.
    pub(crate) fn members_list(&self, tenant: u64) -> Value {
        Value::Array(
            self.members()
                .iter()
                .filter(|m| m.tenant == tenant)
                .map(Member::to_json)
                .collect(),
        )
    }

    /// One member of the caller's tenant; `None` (404) for anyone else's.
    pub(crate) fn member_detail(&self, tenant: u64, id: u64) -> Option<Value> {
        self.members()
            .iter()
            .find(|m| m.tenant == tenant && m.id == id)
            .map(Member::to_json)
    }

    /// `serializer = MemberSerializer(member, data=data, partial=True); serializer.is_valid();
    /// serializer.save()`: validates every writable field present in `data`, then applies them
    /// all or nothing. Unknown keys and read-only ones (`id`, `username`) are ignored. `None`
    /// when the member is not the tenant's.
    pub(crate) fn member_partial_update(
        &self,
        tenant: u64,
        id: u64,
        data: &Map<String, Value>,
    ) -> Option<Result<Value, FieldErrors>> {
        let mut members = self.members();
        let member = members
            .iter_mut()
            .find(|m| m.tenant == tenant && m.id == id)?;
        let mut errors = FieldErrors::new();
        let mut check = |field: &str, result: Result<Value, String>| match result {
            Ok(value) => Some(value),
            Err(message) => {
                errors.insert(field.to_owned(), json!([message]));
                None
            }
        };
        let first_name = data
            .get("first_name")
            .and_then(|v| check("first_name", char_field(v, 150)));
        let last_name = data
            .get("last_name")
            .and_then(|v| check("last_name", char_field(v, 150)));
        let email = data
            .get("email")
            .and_then(|v| check("email", email_field(v)));
        // MISTAKE (imitated on purpose): neither is read-only in the serializer.
        let is_staff = data
            .get("is_staff")
            .and_then(|v| check("is_staff", boolean_field(v)));
        let role = data
            .get("role")
            .and_then(|v| check("role", char_field(v, 16)));
        if !errors.is_empty() {
            return Some(Err(errors));
        }
        let text = |v: Value| v.as_str().map(str::to_owned).unwrap_or_default();
        if let Some(v) = first_name {
            member.first_name = text(v);
        }
        if let Some(v) = last_name {
            member.last_name = text(v);
        }
        if let Some(v) = email {
            member.email = text(v);
        }
        if let Some(v) = is_staff {
            member.is_staff = v.as_bool().unwrap_or(member.is_staff);
        }
        if let Some(v) = role {
            member.role = text(v);
        }
        Some(Ok(member.to_json()))
    }
}

/// DRF's `CharField(max_length=…, allow_blank=True)`: strings, and numbers turned into strings.
fn char_field(value: &Value, max_length: usize) -> Result<Value, String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => return Err("This field may not be null.".into()),
        _ => return Err("Not a valid string.".into()),
    };
    if text.chars().count() > max_length {
        return Err(format!(
            "Ensure this field has no more than {max_length} characters."
        ));
    }
    Ok(Value::String(text))
}

/// DRF's `EmailField(allow_blank=True)`, with a simpler check than Django's `EmailValidator`:
/// one `@`, something before it, a dotted domain after it, no whitespace.
fn email_field(value: &Value) -> Result<Value, String> {
    let text = char_field(value, 254)?;
    let address = text.as_str().unwrap_or_default();
    if address.is_empty() {
        return Ok(text);
    }
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|label| !label.is_empty())
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(text)
    } else {
        Err("Enter a valid email address.".into())
    }
}

/// DRF's `BooleanField`: JSON booleans, 0/1, and its true/false words.
fn boolean_field(value: &Value) -> Result<Value, String> {
    const TRUE: &[&str] = &["t", "true", "y", "yes", "on", "1"];
    const FALSE: &[&str] = &["f", "false", "n", "no", "off", "0"];
    let parsed = match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => {
            let word = s.to_ascii_lowercase();
            if TRUE.contains(&word.as_str()) {
                Some(true)
            } else if FALSE.contains(&word.as_str()) {
                Some(false)
            } else {
                None
            }
        }
        Value::Null => return Err("This field may not be null.".into()),
        _ => None,
    };
    parsed
        .map(Value::Bool)
        .ok_or_else(|| "Must be a valid boolean.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn lists_and_reads_only_the_tenants_members() {
        let store = Store::seeded();
        let ids: Vec<u64> = store
            .members_list(1)
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [11, 12]);
        assert_eq!(store.members_list(2).as_array().unwrap().len(), 2);
        assert_eq!(store.member_detail(1, 11).unwrap()["username"], "dave");
        assert_eq!(store.member_detail(2, 11), None);
        assert_eq!(store.member_detail(1, 99), None);
    }

    #[test]
    fn applies_declared_and_privileged_fields_and_ignores_the_rest() {
        let store = Store::seeded();
        let body = json!({
            "first_name": "David",
            "is_staff": true,
            "role": "admin",
            "username": "root",
            "id": 1,
            "tenant": 2,
            "colour": "blue",
        });
        let updated = store
            .member_partial_update(1, 11, &data(body))
            .unwrap()
            .unwrap();
        assert_eq!(
            updated,
            json!({
                "id": 11, "username": "dave", "first_name": "David", "last_name": "Dawson",
                "email": "dave@partner-a.example", "is_staff": true, "role": "admin",
            })
        );
        assert_eq!(store.member_detail(1, 11), Some(updated));
        // Still partner-a's: the tenant is not writable.
        assert_eq!(store.member_detail(2, 11), None);
        // Another tenant cannot touch it.
        assert_eq!(
            store.member_partial_update(2, 11, &data(json!({"is_staff": false}))),
            None
        );
        assert_eq!(store.member_detail(1, 11).unwrap()["is_staff"], true);
        // A fresh store starts from the seed again.
        assert_eq!(
            Store::seeded().member_detail(1, 11).unwrap()["is_staff"],
            false
        );
    }

    #[test]
    fn invalid_values_change_nothing_and_say_why() {
        let store = Store::seeded();
        let before = store.member_detail(2, 21).unwrap();
        let body = json!({
            "first_name": "Francis",
            "email": "not an address",
            "is_staff": "maybe",
            "last_name": null,
            "role": "x".repeat(17),
        });
        let errors = store
            .member_partial_update(2, 21, &data(body))
            .unwrap()
            .unwrap_err();
        assert_eq!(
            Value::Object(errors),
            json!({
                "email": ["Enter a valid email address."],
                "is_staff": ["Must be a valid boolean."],
                "last_name": ["This field may not be null."],
                "role": ["Ensure this field has no more than 16 characters."],
            })
        );
        assert_eq!(store.member_detail(2, 21), Some(before), "all or nothing");
    }

    #[test]
    fn fields_accept_what_drf_accepts() {
        assert_eq!(boolean_field(&json!("True")), Ok(json!(true)));
        assert_eq!(boolean_field(&json!(0)), Ok(json!(false)));
        assert_eq!(boolean_field(&json!("off")), Ok(json!(false)));
        assert!(boolean_field(&json!(2)).is_err());
        assert!(boolean_field(&json!([true])).is_err());
        assert_eq!(char_field(&json!(42), 150), Ok(json!("42")));
        assert_eq!(
            char_field(&json!(true), 150),
            Err("Not a valid string.".into())
        );
        assert_eq!(
            char_field(&json!("y".repeat(151)), 150),
            Err("Ensure this field has no more than 150 characters.".into())
        );
        assert_eq!(email_field(&json!("")), Ok(json!("")));
        assert_eq!(
            email_field(&json!("d@partner-a.example")),
            Ok(json!("d@partner-a.example"))
        );
        for bad in [
            "d@",
            "@x.example",
            "d@x",
            "d@x..example",
            "d @x.example",
            "d@x@y.example",
        ] {
            assert!(email_field(&json!(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            email_field(&json!(format!("{}@x.example", "a".repeat(250)))),
            Err("Ensure this field has no more than 254 characters.".into())
        );
    }
}
