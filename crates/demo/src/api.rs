//! Hand-written routing: URL → view → status + JSON body, independent of TLS and hyper so it can
//! be unit-tested directly. The caller's identity arrives as the client certificate's CN, the
//! request body as bytes (already bounded by the server), and the server's mutable rows as a
//! [`Store`].

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::data::{self, Tenant};
use crate::store::Store;

/// What every view answers: a status, a JSON body and the `Allow` header of the route (DRF
/// sends `Allow` on every response).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiResponse {
    pub status: StatusCode,
    pub body: Value,
    pub allow: &'static str,
}

/// The methods of every read-only view (and of answers that resolved no view).
const ALLOW: &str = "GET, HEAD, OPTIONS";
/// The methods of the one writable view, in DRF's order.
const ALLOW_PATCH: &str = "GET, PATCH, HEAD, OPTIONS";

/// The URL patterns (`urls.py`), with `<int:pk>` already converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    ProfilesList,
    ProfilesRetrieve(u64),
    UsersList,
    UsersRetrieve(u64),
    SecureProfileMe,
    SecureProfileRetrieve(u64),
    OrdersList,
    OrdersRetrieve(u64),
    ShipmentsList,
    MembersList,
    MembersRetrieve(u64),
    CatalogueList,
    Ping,
    /// drf-spectacular's `SpectacularAPIView` (`?format=json`): the spec itself.
    Schema,
}

impl Route {
    fn allow(self) -> &'static str {
        match self {
            Route::MembersRetrieve(_) => ALLOW_PATCH,
            _ => ALLOW,
        }
    }
}

/// Answers one request. Order of checks follows Django/DRF: URL resolution (404), then
/// authentication/permission (403), then method dispatch (405), then the view.
pub(crate) fn respond(
    common_name: Option<&str>,
    method: &Method,
    path: &str,
    body: &[u8],
    store: &Store,
) -> ApiResponse {
    let Some(route) = resolve(path) else {
        return not_found();
    };
    let Some(tenant) = common_name.and_then(data::tenant_for_cn) else {
        return forbidden().allowing(route);
    };
    let answer = match (method, route) {
        (&Method::GET | &Method::HEAD, _) => dispatch(route, tenant, store),
        (&Method::OPTIONS, _) => metadata(route),
        (&Method::PATCH, Route::MembersRetrieve(id)) => {
            member_partial_update(store, tenant, id, body)
        }
        _ => method_not_allowed(method),
    };
    answer.allowing(route)
}

fn resolve(path: &str) -> Option<Route> {
    // Django's patterns all end in '/'; without APPEND_SLASH redirects a missing one is a 404.
    let rest = path.strip_prefix("/api/")?.strip_suffix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let route = match segments.as_slice() {
        ["profiles"] => Route::ProfilesList,
        ["profiles", id] => Route::ProfilesRetrieve(parse_pk(id)?),
        ["users"] => Route::UsersList,
        ["users", id] => Route::UsersRetrieve(parse_pk(id)?),
        // "me" is matched before "<int:pk>", as in a DRF `@action(detail=False)`.
        ["secure-profiles", "me"] => Route::SecureProfileMe,
        ["secure-profiles", id] => Route::SecureProfileRetrieve(parse_pk(id)?),
        ["orders"] => Route::OrdersList,
        ["orders", id] => Route::OrdersRetrieve(parse_pk(id)?),
        ["shipments"] => Route::ShipmentsList,
        ["members"] => Route::MembersList,
        ["members", id] => Route::MembersRetrieve(parse_pk(id)?),
        ["catalogue"] => Route::CatalogueList,
        ["ping"] => Route::Ping,
        ["schema"] => Route::Schema,
        _ => return None,
    };
    Some(route)
}

/// The embedded spec as JSON, as `GET /api/schema/?format=json` serves it.
fn spec_json() -> Value {
    yaml_serde::from_str(crate::SPEC_YAML).unwrap_or(Value::Null)
}

/// Django's `int` path converter: `[0-9]+`.
fn parse_pk(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

fn dispatch(route: Route, tenant: &Tenant, store: &Store) -> ApiResponse {
    let body = match route {
        Route::ProfilesList => Some(data::profiles_list(tenant)),
        Route::ProfilesRetrieve(id) => data::profile_detail(tenant, id),
        Route::UsersList => Some(data::users_list(tenant)),
        Route::UsersRetrieve(id) => data::user_detail(tenant, id),
        Route::SecureProfileMe => data::secure_profile_me(tenant),
        Route::SecureProfileRetrieve(id) => data::secure_profile_detail(tenant, id),
        Route::OrdersList => Some(data::orders_list(tenant)),
        Route::OrdersRetrieve(id) => data::order_detail(id),
        Route::ShipmentsList => Some(data::shipments_list()),
        Route::MembersList => Some(store.members_list(tenant.id)),
        Route::MembersRetrieve(id) => store.member_detail(tenant.id, id),
        Route::CatalogueList => Some(data::catalogue_list()),
        Route::Ping => Some(data::ping()),
        Route::Schema => Some(spec_json()),
    };
    body.map_or_else(not_found, ok)
}

/// `MemberViewSet.partial_update`: `get_object()` first (another tenant's member is a 404
/// before the body is even parsed), then the body, then the serializer.
fn member_partial_update(store: &Store, tenant: &Tenant, id: u64, body: &[u8]) -> ApiResponse {
    if store.member_detail(tenant.id, id).is_none() {
        return not_found();
    }
    let data = match parse_json_object(body) {
        Ok(data) => data,
        Err(answer) => return answer,
    };
    match store.member_partial_update(tenant.id, id, &data) {
        Some(Ok(member)) => ok(member),
        Some(Err(errors)) => ApiResponse {
            status: StatusCode::BAD_REQUEST,
            body: Value::Object(errors),
            allow: ALLOW,
        },
        None => not_found(),
    }
}

/// DRF's `JSONParser` and the serializer's first check: an empty body is no data, anything else
/// must be a JSON object.
fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, ApiResponse> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        other => {
            let python_type = match other {
                Value::Array(_) => "list",
                Value::String(_) => "str",
                Value::Number(ref n) if n.is_f64() => "float",
                Value::Number(_) => "int",
                Value::Bool(_) => "bool",
                _ => "NoneType",
            };
            Err(ApiResponse {
                status: StatusCode::BAD_REQUEST,
                body: json!({
                    "non_field_errors": [
                        format!("Invalid data. Expected a dictionary, but got {python_type}.")
                    ]
                }),
                allow: ALLOW,
            })
        }
    }
}

/// DRF's `SimpleMetadata` answer to OPTIONS.
fn metadata(route: Route) -> ApiResponse {
    let name = match route {
        Route::ProfilesList => "Profile List",
        Route::ProfilesRetrieve(_) => "Profile Instance",
        Route::UsersList => "User List",
        Route::UsersRetrieve(_) => "User Instance",
        Route::SecureProfileMe => "Me",
        Route::SecureProfileRetrieve(_) => "Secure Profile Instance",
        Route::OrdersList => "Order List",
        Route::OrdersRetrieve(_) => "Order Instance",
        Route::ShipmentsList => "Shipment List",
        Route::MembersList => "Member List",
        Route::MembersRetrieve(_) => "Member Instance",
        Route::CatalogueList => "Catalogue List",
        Route::Ping => "Ping",
        Route::Schema => "Schema",
    };
    ok(json!({
        "name": name,
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json"],
    }))
}

impl ApiResponse {
    /// The same answer with the route's `Allow`.
    fn allowing(self, route: Route) -> ApiResponse {
        ApiResponse {
            allow: route.allow(),
            ..self
        }
    }
}

fn ok(body: Value) -> ApiResponse {
    ApiResponse {
        status: StatusCode::OK,
        body,
        allow: ALLOW,
    }
}

pub(crate) fn error(status: StatusCode, detail: &str) -> ApiResponse {
    ApiResponse {
        status,
        body: json!({ "detail": detail }),
        allow: ALLOW,
    }
}

pub(crate) fn not_found() -> ApiResponse {
    error(StatusCode::NOT_FOUND, "Not found.")
}

fn forbidden() -> ApiResponse {
    error(
        StatusCode::FORBIDDEN,
        "You do not have permission to perform this action.",
    )
}

fn method_not_allowed(method: &Method) -> ApiResponse {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("Method \"{method}\" not allowed."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(cn: &str, path: &str) -> ApiResponse {
        respond(Some(cn), &Method::GET, path, b"", &Store::seeded())
    }

    fn patch(store: &Store, cn: &str, path: &str, body: &str) -> ApiResponse {
        respond(Some(cn), &Method::PATCH, path, body.as_bytes(), store)
    }

    #[test]
    fn profiles_leak_the_whole_user_row() {
        let r = get("partner-a", "/api/profiles/");
        assert_eq!(r.status, StatusCode::OK);
        let profile = &r.body[0];
        assert_eq!(r.body.as_array().unwrap().len(), 1);
        assert_eq!(profile["id"], 1);
        assert_eq!(profile["tenant"], 1);
        assert!(
            profile["user"]["password"]
                .as_str()
                .unwrap()
                .starts_with("pbkdf2_sha256$")
        );
        assert_eq!(profile["user"]["is_staff"], true);
        let keys: Vec<&str> = profile
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "id",
                "user",
                "tenant",
                "display_name",
                "bio",
                "date_of_birth",
                "phone",
                "salary",
                "national_id"
            ]
        );
    }

    #[test]
    fn profile_detail_is_tenant_scoped() {
        assert_eq!(get("partner-a", "/api/profiles/1/").status, StatusCode::OK);
        let other = get("partner-a", "/api/profiles/2/");
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        assert_eq!(other.body, json!({"detail": "Not found."}));
    }

    #[test]
    fn users_nest_activities_with_session_keys() {
        let r = get("partner-b", "/api/users/");
        assert_eq!(r.body[0]["username"], "bob");
        let activities = r.body[0]["activities"].as_array().unwrap();
        assert_eq!(activities.len(), 2);
        assert_eq!(activities[0]["session_key"].as_str().unwrap().len(), 32);
        assert_eq!(get("partner-b", "/api/users/2/").status, StatusCode::OK);
        assert_eq!(
            get("partner-b", "/api/users/1/").status,
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn secure_profiles_check_object_ownership() {
        let me = get("partner-a", "/api/secure-profiles/me/");
        assert_eq!(
            me.body,
            json!({"id": 1, "display_name": "Alice A.", "bio": "Integration lead at Partner A."})
        );
        assert_eq!(get("partner-a", "/api/secure-profiles/1/").body, me.body);
        assert_eq!(
            get("partner-a", "/api/secure-profiles/2/").status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get("partner-a", "/api/secure-profiles/3/").status,
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn orders_list_is_scoped_but_detail_is_bola() {
        let list = get("partner-b", "/api/orders/");
        assert_eq!(list.body["count"], 2);
        assert!(list.body["next"].is_null() && list.body["previous"].is_null());
        let ids: Vec<u64> = list.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [201, 202]);
        // Deliberate: partner-b reads partner-a's and partner-c's orders.
        assert_eq!(get("partner-b", "/api/orders/101/").body["tenant"], 1);
        assert_eq!(get("partner-b", "/api/orders/301/").body["tenant"], 3);
        assert_eq!(
            get("partner-b", "/api/orders/999/").status,
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn catalogue_is_identical_for_everyone() {
        let a = get("partner-a", "/api/catalogue/");
        assert_eq!(a, get("partner-b", "/api/catalogue/"));
        assert_eq!(a.body.as_array().unwrap().len(), 3);
        assert_eq!(a.body[0]["password_policy"], "min 12 characters");
    }

    #[test]
    fn ping_answers_with_a_body() {
        let r = get("partner-a", "/api/ping/");
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["debug"], true);
    }

    #[test]
    fn unknown_identity_is_forbidden() {
        for cn in [Some("partner-c"), Some("intruder"), None] {
            let r = respond(cn, &Method::GET, "/api/catalogue/", b"", &Store::seeded());
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            assert!(r.body["detail"].is_string());
        }
    }

    #[test]
    fn unknown_paths_and_bad_ids_are_404() {
        for path in [
            "/",
            "/api/",
            "/api/profiles",
            "/api/profiles/abc/",
            "/api/profiles/-1/",
            "/api/profiles/1/extra/",
            "/api/orders/99999999999999999999999/",
            "/admin/",
        ] {
            let r = get("partner-a", path);
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(r.body, json!({"detail": "Not found."}));
        }
    }

    #[test]
    fn writes_are_not_allowed_and_options_describes() {
        let store = Store::seeded();
        let r = respond(
            Some("partner-a"),
            &Method::POST,
            "/api/orders/",
            b"{}",
            &store,
        );
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.body["detail"], "Method \"POST\" not allowed.");
        assert_eq!(r.allow, "GET, HEAD, OPTIONS");
        let r = respond(
            Some("partner-a"),
            &Method::OPTIONS,
            "/api/orders/",
            b"",
            &store,
        );
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["name"], "Order List");
    }

    #[test]
    fn shipments_are_listed_unfiltered_to_everyone() {
        let a = get("partner-a", "/api/shipments/");
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a, get("partner-b", "/api/shipments/"));
        let owners: Vec<(u64, u64)> = a
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_u64().unwrap(), s["tenant"].as_u64().unwrap()))
            .collect();
        assert_eq!(owners, [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]);
        let keys: Vec<&str> = a.body[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["id", "tenant", "reference", "destination_city", "status"]
        );
        // The caller's own tenant is what its profiles say.
        assert_eq!(get("partner-b", "/api/profiles/").body[0]["tenant"], 2);
    }

    #[test]
    fn members_are_tenant_scoped() {
        let list = get("partner-a", "/api/members/");
        let ids: Vec<u64> = list
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [11, 12]);
        assert_eq!(list.allow, "GET, HEAD, OPTIONS");
        let dave = get("partner-a", "/api/members/11/");
        assert_eq!(
            dave.body,
            json!({
                "id": 11, "username": "dave", "first_name": "Dave", "last_name": "Dawson",
                "email": "dave@partner-a.example", "is_staff": false, "role": "member",
            })
        );
        assert_eq!(dave.allow, "GET, PATCH, HEAD, OPTIONS");
        assert_eq!(
            get("partner-b", "/api/members/11/").status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get("partner-b", "/api/members/")
                .body
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn patch_mass_assigns_is_staff_and_role_and_sets_them_back() {
        let store = Store::seeded();
        let read = |cn| respond(Some(cn), &Method::GET, "/api/members/21/", b"", &store);
        let r = patch(
            &store,
            "partner-b",
            "/api/members/21/",
            r#"{"first_name": "Francis", "is_staff": true, "role": "admin", "tenant": 1}"#,
        );
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["first_name"], "Francis");
        assert_eq!(r.body["is_staff"], true);
        assert_eq!(r.body["role"], "admin");
        assert_eq!(read("partner-b").body, r.body, "stored");
        assert_eq!(
            read("partner-a").status,
            StatusCode::NOT_FOUND,
            "tenant kept"
        );

        let r = patch(
            &store,
            "partner-b",
            "/api/members/21/",
            r#"{"first_name": "Frank", "is_staff": false, "role": "member"}"#,
        );
        assert_eq!(r.status, StatusCode::OK);
        let seeded = respond(
            Some("partner-b"),
            &Method::GET,
            "/api/members/21/",
            b"",
            &Store::seeded(),
        );
        assert_eq!(read("partner-b").body, seeded.body, "back to the seed");
    }

    #[test]
    fn patch_answers_like_drf_for_odd_bodies() {
        let store = Store::seeded();
        let before = respond(
            Some("partner-a"),
            &Method::GET,
            "/api/members/12/",
            b"",
            &store,
        );
        for body in [
            "",
            "  ",
            r#"{"colour": "blue", "username": "root", "id": 99}"#,
        ] {
            let r = patch(&store, "partner-a", "/api/members/12/", body);
            assert_eq!(
                (r.status, &r.body),
                (StatusCode::OK, &before.body),
                "{body:?}"
            );
        }
        let r = patch(&store, "partner-a", "/api/members/12/", "{not json");
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let detail = r.body["detail"].as_str().unwrap();
        assert!(detail.starts_with("JSON parse error - "), "{detail}");
        let r = patch(&store, "partner-a", "/api/members/12/", "[1, 2]");
        assert_eq!(
            (r.status, r.body),
            (
                StatusCode::BAD_REQUEST,
                json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
            )
        );
        let r = patch(
            &store,
            "partner-a",
            "/api/members/12/",
            r#"{"is_staff": "maybe"}"#,
        );
        assert_eq!(
            (r.status, r.body),
            (
                StatusCode::BAD_REQUEST,
                json!({"is_staff": ["Must be a valid boolean."]})
            )
        );
        // Another tenant's member is a 404 before its body is looked at.
        let r = patch(&store, "partner-b", "/api/members/12/", "{not json");
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = patch(
            &store,
            "partner-a",
            "/api/members/99/",
            r#"{"is_staff": true}"#,
        );
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // No tenant, no write.
        let r = respond(
            Some("intruder"),
            &Method::PATCH,
            "/api/members/12/",
            br#"{"is_staff": true}"#,
            &store,
        );
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let after = respond(
            Some("partner-a"),
            &Method::GET,
            "/api/members/12/",
            b"",
            &store,
        );
        assert_eq!(after.body, before.body);
    }

    #[test]
    fn every_other_write_is_405() {
        let store = Store::seeded();
        let body = br#"{"is_staff": true}"#;
        for (method, path) in [
            (Method::POST, "/api/members/"),
            (Method::PATCH, "/api/members/"),
            (Method::PUT, "/api/members/11/"),
            (Method::DELETE, "/api/members/11/"),
            (Method::POST, "/api/members/11/"),
            (Method::PATCH, "/api/orders/101/"),
            (Method::PATCH, "/api/shipments/"),
            (Method::DELETE, "/api/profiles/1/"),
        ] {
            let r = respond(Some("partner-a"), &method, path, body, &store);
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(
                r.body["detail"],
                format!("Method \"{method}\" not allowed.")
            );
            let allow = if path == "/api/members/11/" {
                "GET, PATCH, HEAD, OPTIONS"
            } else {
                "GET, HEAD, OPTIONS"
            };
            assert_eq!(r.allow, allow, "{method} {path}");
        }
        let dave = respond(
            Some("partner-a"),
            &Method::GET,
            "/api/members/11/",
            b"",
            &store,
        );
        assert_eq!(dave.body["is_staff"], false, "nothing was written");
        let r = respond(
            Some("partner-a"),
            &Method::OPTIONS,
            "/api/members/11/",
            b"",
            &store,
        );
        assert_eq!(r.body["name"], "Member Instance");
    }
}
