//! Hand-written routing: URL → view → status + JSON body, independent of TLS and hyper so it can
//! be unit-tested directly. The caller's identity arrives as the client certificate's CN.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::data::{self, Tenant};

/// What every view answers: a status and a JSON body. `Allow` is the same for every route
/// because every demo view is read-only (DRF sends `Allow` on every response).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiResponse {
    pub status: StatusCode,
    pub body: Value,
}

pub(crate) const ALLOW: &str = "GET, HEAD, OPTIONS";

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
    CatalogueList,
    Ping,
    /// drf-spectacular's `SpectacularAPIView` (`?format=json`): the spec itself.
    Schema,
}

/// Answers one request. Order of checks follows Django/DRF: URL resolution (404), then
/// authentication/permission (403), then method dispatch (405), then the view.
pub(crate) fn respond(common_name: Option<&str>, method: &Method, path: &str) -> ApiResponse {
    let Some(route) = resolve(path) else {
        return not_found();
    };
    let Some(tenant) = common_name.and_then(data::tenant_for_cn) else {
        return forbidden();
    };
    match *method {
        Method::GET | Method::HEAD => dispatch(route, tenant),
        Method::OPTIONS => metadata(route),
        _ => method_not_allowed(method),
    }
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

fn dispatch(route: Route, tenant: &Tenant) -> ApiResponse {
    let body = match route {
        Route::ProfilesList => Some(data::profiles_list(tenant)),
        Route::ProfilesRetrieve(id) => data::profile_detail(tenant, id),
        Route::UsersList => Some(data::users_list(tenant)),
        Route::UsersRetrieve(id) => data::user_detail(tenant, id),
        Route::SecureProfileMe => data::secure_profile_me(tenant),
        Route::SecureProfileRetrieve(id) => data::secure_profile_detail(tenant, id),
        Route::OrdersList => Some(data::orders_list(tenant)),
        Route::OrdersRetrieve(id) => data::order_detail(id),
        Route::CatalogueList => Some(data::catalogue_list()),
        Route::Ping => Some(data::ping()),
        Route::Schema => Some(spec_json()),
    };
    body.map_or_else(not_found, ok)
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

fn ok(body: Value) -> ApiResponse {
    ApiResponse {
        status: StatusCode::OK,
        body,
    }
}

fn error(status: StatusCode, detail: &str) -> ApiResponse {
    ApiResponse {
        status,
        body: json!({ "detail": detail }),
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
        respond(Some(cn), &Method::GET, path)
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
            let r = respond(cn, &Method::GET, "/api/catalogue/");
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
        let r = respond(Some("partner-a"), &Method::POST, "/api/orders/");
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.body["detail"], "Method \"POST\" not allowed.");
        let r = respond(Some("partner-a"), &Method::OPTIONS, "/api/orders/");
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body["name"], "Order List");
    }
}
