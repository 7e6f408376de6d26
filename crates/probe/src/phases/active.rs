//! Mass assignment (CWE-915), only with `--active`: for each PATCH (or PUT) on an item path
//! that has a GET beside it, write one extra property at a time to an object the primary
//! identity owns, read the object back, and write the original value back.
//!
//! Candidates are the properties the object's own GET shows that the request schema does not
//! let a client write: privileged flags and roles, owner fields (pointed at another identity's
//! value) and any other boolean. Values that cannot be put back safely are never written:
//! credentials (a password cannot be restored from its hash), identifiers, and properties the
//! GET does not show (no read-back, no proof, no restore). POST is not probed: it creates an
//! object that only a DELETE would remove, and overshare never sends DELETE.

use super::{PhaseInput, PhaseNotes, ok_json, send_one};
use crate::client::{Planned, Sender};
use crate::run::planned_operation;
use overshare_contract::view::View;
use overshare_contract::{Contract, Operation};
use overshare_exchange::compare::{is_id_key, is_owner_name};
use overshare_exchange::{Exchange, Purpose, WriteStep};
use serde_json::{Map, Value};
use url::Url;

/// Properties written per operation, at most.
const MAX_CANDIDATES: usize = 8;

/// One line per write operation saying what `--active` will do, for the user to read before
/// anything is sent.
pub fn preview(contract: &Contract) -> Vec<String> {
    contract
        .operations
        .iter()
        .filter(|op| matches!(op.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE"))
        .map(|op| match probe_plan(contract, op) {
            Ok(_) => format!(
                "{} {}: one extra property per request (privileged, owner and read-only \
                 fields), read back with GET, original value written back",
                op.method, op.path
            ),
            Err(reason) => format!("{} {}: not sent ({reason})", op.method, op.path),
        })
        .collect()
}

/// The GET that reads an operation's object back, or why the operation is not probed.
fn probe_plan(contract: &Contract, op: &Operation) -> Result<usize, String> {
    match op.method.as_str() {
        "DELETE" => return Err("overshare never sends DELETE".into()),
        "POST" => {
            return Err(
                "a POST creates an object that only a DELETE could remove, and overshare never \
                 sends DELETE"
                    .into(),
            );
        }
        "PUT" if contract.operation("PATCH", &op.path).is_some() => {
            return Err("the PATCH on the same path is probed instead".into());
        }
        _ => {}
    }
    contract
        .operations
        .iter()
        .position(|o| o.method == "GET" && o.path == op.path)
        .ok_or_else(|| format!("no GET {} to read the object back", op.path))
}

/// Run the mass-assignment probes.
pub async fn run(
    input: &PhaseInput<'_>,
    on_exchange: &mut (dyn FnMut(Exchange) + Send),
) -> PhaseNotes {
    let mut notes = PhaseNotes::default();
    let Some(&primary) = input.identities.first() else {
        return notes;
    };
    for (index, op) in input.contract.operations.iter().enumerate() {
        if !matches!(op.method.as_str(), "PATCH" | "PUT" | "POST" | "DELETE") {
            continue;
        }
        let get = match probe_plan(input.contract, op) {
            Ok(get) => get,
            Err(reason) => {
                notes.skipped.push((index, reason));
                continue;
            }
        };
        let Some(request) = input.run.succeeded(get, primary) else {
            notes.skipped.push((
                index,
                format!("GET {} did not return an object to write to", op.path),
            ));
            continue;
        };
        let target = WriteTarget {
            op,
            url: request.url.clone(),
            identity: primary,
        };
        match target.probe(input, on_exchange, &mut notes).await {
            Ok(()) => notes.tested.push((index, input.name(primary))),
            Err(reason) => notes.skipped.push((index, reason)),
        }
    }
    notes
}

struct WriteTarget<'a> {
    op: &'a Operation,
    url: Url,
    identity: usize,
}

impl WriteTarget<'_> {
    async fn probe(
        &self,
        input: &PhaseInput<'_>,
        on_exchange: &mut (dyn FnMut(Exchange) + Send),
        notes: &mut PhaseNotes,
    ) -> Result<(), String> {
        let before = self.read(input, WriteStep::Before, "", on_exchange).await;
        let Some(Value::Object(before)) = before else {
            return Err(format!(
                "GET {} did not return a JSON object",
                self.url.path()
            ));
        };
        let request = request_view(input.contract, self.op);
        let base = self.base_body(input.contract, &request, &before)?;
        let others = other_values(input, self.identity);
        for (property, value) in candidates(input.contract, &request, &before, &others) {
            if input.cancelled() {
                break;
            }
            let old = before.get(&property).cloned().unwrap_or(Value::Null);
            self.write(
                input,
                WriteStep::Write,
                &base,
                &property,
                value,
                on_exchange,
            )
            .await;
            let after = self
                .read(input, WriteStep::ReadBack, &property, on_exchange)
                .await;
            let changed = after
                .as_ref()
                .and_then(|a| a.get(&property))
                .is_some_and(|v| *v != old);
            if !changed {
                continue;
            }
            self.write(
                input,
                WriteStep::Restore,
                &base,
                &property,
                old.clone(),
                on_exchange,
            )
            .await;
            let verify = self
                .read(input, WriteStep::Verify, &property, on_exchange)
                .await;
            if verify.as_ref().and_then(|v| v.get(&property)) != Some(&old) {
                notes.warnings.push(format!(
                    "{} {}: `{property}` could not be restored to its original value; \
                     restore it by hand",
                    self.op.method,
                    self.url.path()
                ));
            }
        }
        Ok(())
    }

    /// The rest of a valid body: nothing extra for PATCH but one declared writable property
    /// with its current value (some servers reject a body with no known field); for PUT, every
    /// declared writable property with its current value.
    fn base_body(
        &self,
        contract: &Contract,
        request: &View,
        before: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let writable: Vec<&String> = request
            .properties
            .iter()
            .filter(|(_, ids)| !ids.iter().all(|&id| contract.schema(id).read_only))
            .map(|(name, _)| name)
            .filter(|name| !never_write(name))
            .collect();
        let mut base = Map::new();
        for name in writable {
            match before.get(name.as_str()) {
                Some(value) if !value.is_object() && !value.is_array() => {
                    base.insert(name.clone(), value.clone());
                    if self.op.method == "PATCH" {
                        break;
                    }
                }
                _ if self.op.method == "PUT" && required(contract, self.op, name) => {
                    return Err(format!(
                        "PUT needs `{name}`, which GET does not show: overshare will not invent \
                         a value it cannot restore"
                    ));
                }
                _ => {}
            }
        }
        Ok(base)
    }

    async fn read(
        &self,
        input: &PhaseInput<'_>,
        step: WriteStep,
        property: &str,
        on_exchange: &mut (dyn FnMut(Exchange) + Send),
    ) -> Option<Value> {
        let operation = input.contract.operation("GET", &self.op.path)?;
        let mut planned = Planned::get(
            planned_operation(operation),
            Sender::Identity(self.identity),
            self.url.clone(),
        );
        planned.purpose = Purpose::Write {
            step,
            property: property.to_string(),
        };
        let exchange = send_one(input, planned).await?;
        let body = ok_json(&exchange).cloned();
        on_exchange(exchange);
        body
    }

    async fn write(
        &self,
        input: &PhaseInput<'_>,
        step: WriteStep,
        base: &Map<String, Value>,
        property: &str,
        value: Value,
        on_exchange: &mut (dyn FnMut(Exchange) + Send),
    ) {
        let mut body = base.clone();
        body.insert(property.to_string(), value);
        let planned = Planned {
            method: self.op.method.clone(),
            json_body: serde_json::to_vec(&Value::Object(body)).ok(),
            purpose: Purpose::Write {
                step,
                property: property.to_string(),
            },
            ..Planned::get(
                planned_operation(self.op),
                Sender::Identity(self.identity),
                self.url.clone(),
            )
        };
        if let Some(exchange) = send_one(input, planned).await {
            on_exchange(exchange);
        }
    }
}

fn required(contract: &Contract, op: &Operation, name: &str) -> bool {
    request_schemas(op)
        .iter()
        .any(|&id| contract.schema(id).required.iter().any(|r| r == name))
}

fn request_schemas(op: &Operation) -> Vec<overshare_contract::SchemaId> {
    op.request_body
        .iter()
        .flat_map(|body| &body.content)
        .filter(|m| m.media_type.contains("json") || m.media_type == "*/*")
        .filter_map(|m| m.schema)
        .collect()
}

fn request_view(contract: &Contract, op: &Operation) -> View {
    View::of(contract, &request_schemas(op))
}

/// Owner-like values other identities' objects carry: (key, value) pairs from every list they
/// read, so an owner field can be pointed at another tenant.
fn other_values(input: &PhaseInput<'_>, identity: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for ((who, _), items) in &input.run.harvest {
        if *who == identity {
            continue;
        }
        for item in items {
            for (key, value) in item {
                if is_owner_name(key) && !out.iter().any(|(k, v)| k == key && v == value) {
                    out.push((key.clone(), value.clone()));
                }
            }
        }
    }
    out.sort();
    out
}

/// The properties to try, with the value to write: never a credential, an identifier, or
/// anything the request schema lets a client write anyway.
fn candidates(
    contract: &Contract,
    request: &View,
    before: &Map<String, Value>,
    others: &[(String, String)],
) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, value) in before {
        if never_write(name) || is_id_key(name) || writable(contract, request, name) {
            continue;
        }
        let new = match value {
            Value::Bool(b) => Some(Value::Bool(!b)),
            Value::String(s) if is_role_name(name) => Some(Value::String(
                if s == "admin" { "owner" } else { "admin" }.into(),
            )),
            current if is_owner_name(name) => others
                .iter()
                .find(|(k, v)| k == name && Some(v.as_str()) != scalar(current).as_deref())
                .map(|(_, v)| retyped(v, current)),
            _ => None,
        };
        if let Some(new) = new {
            out.push((name.clone(), new));
        }
        if out.len() == MAX_CANDIDATES {
            break;
        }
    }
    out
}

fn writable(contract: &Contract, request: &View, name: &str) -> bool {
    request
        .properties
        .get(name)
        .is_some_and(|ids| !ids.iter().all(|&id| contract.schema(id).read_only))
}

fn scalar(value: &Value) -> Option<String> {
    crate::plan::scalar_text(value)
}

/// `"2"` as the JSON type the current value has (a number stays a number).
fn retyped(text: &str, like: &Value) -> Value {
    match like {
        Value::Number(_) => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.into())),
        _ => Value::String(text.into()),
    }
}

/// Names whose value must never be written: it cannot be restored from what GET shows.
fn never_write(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "password", "secret", "token", "key", "hash", "salt", "otp", "pin", "session",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

fn is_role_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "role" | "user_role" | "access_level" | "tier" | "plan" | "level" | "user_type" | "type"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_ids_are_never_written() {
        assert!(never_write("password"));
        assert!(never_write("api_key"));
        assert!(never_write("webhook_secret"));
        assert!(!never_write("is_staff"));
    }

    /// What the issue asks to write: response-only flags flipped, privileged names, owner
    /// fields pointed at another identity's value; never credentials, ids, or what the request
    /// schema already lets a client write.
    #[test]
    fn candidates_are_privileged_owner_and_read_only_fields_only() {
        let contract = overshare_contract::load_str(
            r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /m/{id}/:
    patch:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                first_name: {type: string}
                is_active: {type: boolean}
      responses: {"200": {description: ok}}
"#,
            "spec.yaml",
            None,
        )
        .unwrap();
        let op = contract.operation("PATCH", "/m/{id}/").unwrap();
        let request = request_view(&contract, op);
        let before = serde_json::json!({
            "id": 3, "first_name": "Bob", "is_active": true, "is_staff": false,
            "role": "member", "tenant": 1, "password": "pbkdf2_sha256$1$x$y", "nickname": "b",
        });
        let others = vec![
            ("tenant".to_string(), "1".to_string()),
            ("tenant".to_string(), "2".to_string()),
        ];
        let found = candidates(&contract, &request, before.as_object().unwrap(), &others);
        assert_eq!(
            found,
            [
                ("is_staff".to_string(), Value::Bool(true)),
                ("role".to_string(), Value::from("admin")),
                ("tenant".to_string(), Value::from(2)),
            ]
        );
    }

    #[test]
    fn owner_values_keep_their_type() {
        assert_eq!(retyped("2", &Value::from(1)), Value::from(2));
        assert_eq!(retyped("b", &Value::from("a")), Value::from("b"));
    }
}
