//! The seeded "database" and the DRF-style serializers over it.
//!
//! Everything is deterministic: the same rows, the same fake password hashes and session keys on
//! every run, so tests and reports are reproducible. None of it is real personal data: emails are
//! under `.example`, phone numbers are in Ofcom's drama range (+44 20 7946 0xxx), IP addresses are
//! in the documentation ranges (RFC 5737), and the password hashes hash nothing.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A customer of the API; each maps to one client certificate CN (or none).
pub(crate) struct Tenant {
    pub id: u64,
    pub name: &'static str,
    pub common_name: Option<&'static str>,
    pub user_id: u64,
}

/// `django.contrib.auth.models.User`.
struct User {
    id: u64,
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    is_staff: bool,
    last_login: &'static str,
    date_joined: &'static str,
}

/// `accounts.Profile`: one per user, id = user id.
struct Profile {
    user_id: u64,
    tenant: u64,
    display_name: &'static str,
    bio: &'static str,
    date_of_birth: &'static str,
    phone: &'static str,
    salary: &'static str,
    /// A US SSN-shaped government id (valid shape, not a real person's).
    national_id: &'static str,
}

/// `accounts.UserActivity`: the reverse relation `user.activities` that leaks through nesting.
struct Activity {
    id: u64,
    user_id: u64,
    ip_address: &'static str,
    user_agent: &'static str,
    created_at: &'static str,
}

/// `orders.Order`.
pub(crate) struct Order {
    pub id: u64,
    pub reference: &'static str,
    pub tenant: u64,
    pub total: &'static str,
    pub currency: &'static str,
    pub status: &'static str,
    pub created_at: &'static str,
}

/// `logistics.Shipment`: served by a list view whose queryset nobody filtered by tenant.
struct Shipment {
    id: u64,
    tenant: u64,
    reference: &'static str,
    destination_city: &'static str,
    status: &'static str,
}

/// `catalogue.Item`: a clean model whose field names merely look sensitive.
struct CatalogueItem {
    public_id: &'static str,
    name: &'static str,
    is_staff_pick: bool,
    token_count: u64,
}

pub(crate) const TENANTS: &[Tenant] = &[
    Tenant {
        id: 1,
        name: "Partner A",
        common_name: Some("partner-a"),
        user_id: 1,
    },
    Tenant {
        id: 2,
        name: "Partner B",
        common_name: Some("partner-b"),
        user_id: 2,
    },
    // Partner C has data but no certificate in the demo: only a BOLA can reach it.
    Tenant {
        id: 3,
        name: "Partner C",
        common_name: None,
        user_id: 3,
    },
];

const USERS: &[User] = &[
    User {
        id: 1,
        username: "alice",
        first_name: "Alice",
        last_name: "Archer",
        email: "alice@partner-a.example",
        is_staff: true,
        last_login: "2025-11-20T08:15:42Z",
        date_joined: "2024-03-01T09:00:00Z",
    },
    User {
        id: 2,
        username: "bob",
        first_name: "Bob",
        last_name: "Baker",
        email: "bob@partner-b.example",
        is_staff: false,
        last_login: "2025-11-21T17:02:09Z",
        date_joined: "2024-05-14T10:30:00Z",
    },
    User {
        id: 3,
        username: "carol",
        first_name: "Carol",
        last_name: "Carter",
        email: "carol@partner-c.example",
        is_staff: false,
        last_login: "2025-11-18T12:44:31Z",
        date_joined: "2024-09-02T14:45:00Z",
    },
];

const PROFILES: &[Profile] = &[
    Profile {
        user_id: 1,
        tenant: 1,
        display_name: "Alice A.",
        bio: "Integration lead at Partner A.",
        date_of_birth: "1985-04-12",
        phone: "+44 20 7946 0101",
        salary: "72000.00",
        national_id: "536-22-8726",
    },
    Profile {
        user_id: 2,
        tenant: 2,
        display_name: "Bob B.",
        bio: "Keeps Partner B's nightly sync running.",
        date_of_birth: "1990-11-03",
        phone: "+44 20 7946 0202",
        salary: "58500.00",
        national_id: "412-67-1934",
    },
    Profile {
        user_id: 3,
        tenant: 3,
        display_name: "Carol C.",
        bio: "Finance operations, Partner C.",
        date_of_birth: "1978-06-27",
        phone: "+44 20 7946 0303",
        salary: "91250.00",
        national_id: "601-38-2275",
    },
];

const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SYNC_UA: &str = "partner-sync/2.3 (python-requests/2.32.3)";

const ACTIVITIES: &[Activity] = &[
    Activity {
        id: 1,
        user_id: 1,
        ip_address: "203.0.113.11",
        user_agent: BROWSER_UA,
        created_at: "2025-11-20T08:15:42Z",
    },
    Activity {
        id: 2,
        user_id: 1,
        ip_address: "198.51.100.21",
        user_agent: SYNC_UA,
        created_at: "2025-11-20T23:00:05Z",
    },
    Activity {
        id: 3,
        user_id: 2,
        ip_address: "203.0.113.42",
        user_agent: BROWSER_UA,
        created_at: "2025-11-21T17:02:09Z",
    },
    Activity {
        id: 4,
        user_id: 2,
        ip_address: "198.51.100.52",
        user_agent: SYNC_UA,
        created_at: "2025-11-21T23:00:03Z",
    },
    Activity {
        id: 5,
        user_id: 3,
        ip_address: "203.0.113.73",
        user_agent: BROWSER_UA,
        created_at: "2025-11-18T12:44:31Z",
    },
    Activity {
        id: 6,
        user_id: 3,
        ip_address: "198.51.100.83",
        user_agent: SYNC_UA,
        created_at: "2025-11-18T23:00:11Z",
    },
];

pub(crate) const ORDERS: &[Order] = &[
    Order {
        id: 101,
        reference: "ORD-A-0101",
        tenant: 1,
        total: "123.45",
        currency: "GBP",
        status: "paid",
        created_at: "2025-10-01T10:12:00Z",
    },
    Order {
        id: 102,
        reference: "ORD-A-0102",
        tenant: 1,
        total: "980.00",
        currency: "EUR",
        status: "pending",
        created_at: "2025-11-02T15:40:00Z",
    },
    Order {
        id: 201,
        reference: "ORD-B-0201",
        tenant: 2,
        total: "45.10",
        currency: "GBP",
        status: "shipped",
        created_at: "2025-10-11T08:05:00Z",
    },
    Order {
        id: 202,
        reference: "ORD-B-0202",
        tenant: 2,
        total: "12.00",
        currency: "GBP",
        status: "cancelled",
        created_at: "2025-11-09T19:22:00Z",
    },
    Order {
        id: 301,
        reference: "ORD-C-0301",
        tenant: 3,
        total: "5020.75",
        currency: "USD",
        status: "paid",
        created_at: "2025-11-15T11:00:00Z",
    },
];

/// Two shipments each of partner-a and partner-b, one of partner-c.
const SHIPMENTS: &[Shipment] = &[
    Shipment {
        id: 1,
        tenant: 1,
        reference: "SHP-A-0001",
        destination_city: "Leeds",
        status: "in_transit",
    },
    Shipment {
        id: 2,
        tenant: 1,
        reference: "SHP-A-0002",
        destination_city: "Bristol",
        status: "delivered",
    },
    Shipment {
        id: 3,
        tenant: 2,
        reference: "SHP-B-0003",
        destination_city: "Glasgow",
        status: "pending",
    },
    Shipment {
        id: 4,
        tenant: 2,
        reference: "SHP-B-0004",
        destination_city: "Cardiff",
        status: "in_transit",
    },
    Shipment {
        id: 5,
        tenant: 3,
        reference: "SHP-C-0005",
        destination_city: "Belfast",
        status: "delivered",
    },
];

const CATALOGUE: &[CatalogueItem] = &[
    CatalogueItem {
        public_id: "3f1c2a9e-7b4d-4e8a-9c61-2d5f0b7a8e13",
        name: "Standard API access",
        is_staff_pick: true,
        token_count: 1000,
    },
    CatalogueItem {
        public_id: "b8e4d0f2-1a3c-4c5e-8f70-6a9b2c4d1e57",
        name: "Bulk export add-on",
        is_staff_pick: false,
        token_count: 5000,
    },
    CatalogueItem {
        public_id: "5d7a9c1e-3b5f-4d71-a2c4-8e6f0a1b3c92",
        name: "Sandbox environment",
        is_staff_pick: false,
        token_count: 0,
    },
];

/// The tenant a client certificate CN maps to, if any.
pub(crate) fn tenant_for_cn(common_name: &str) -> Option<&'static Tenant> {
    TENANTS.iter().find(|t| t.common_name == Some(common_name))
}

fn user(id: u64) -> Option<&'static User> {
    USERS.iter().find(|u| u.id == id)
}

pub(crate) fn order(id: u64) -> Option<&'static Order> {
    ORDERS.iter().find(|o| o.id == id)
}

/// The profiles of one tenant (the queryset `Profile.objects.filter(tenant=request.tenant)`).
fn tenant_profiles(tenant: u64) -> impl Iterator<Item = &'static Profile> {
    PROFILES.iter().filter(move |p| p.tenant == tenant)
}

// ---------------------------------------------------------------------------------------------
// Serializers. Field order follows what DRF's ModelSerializer emits (model field order).
// ---------------------------------------------------------------------------------------------

/// `ProfileSerializer(fields='__all__', depth=1)`: the nested `user` is the whole auth user
/// row, password hash included. The mistake: `depth=1` builds an implicit nested serializer with
/// `fields='__all__'` for every relation.
fn profile_all_fields(profile: &Profile) -> Value {
    let user = user(profile.user_id).expect("seed: every profile has a user");
    json!({
        "id": profile.user_id,
        "user": user_all_fields(user),
        "tenant": profile.tenant,
        "display_name": profile.display_name,
        "bio": profile.bio,
        "date_of_birth": profile.date_of_birth,
        "phone": profile.phone,
        "salary": profile.salary,
        "national_id": profile.national_id,
    })
}

/// Every column of `auth_user`, as DRF's implicit depth-1 nested serializer renders it.
fn user_all_fields(user: &User) -> Value {
    json!({
        "id": user.id,
        "password": password_hash(user.username),
        "last_login": user.last_login,
        "is_superuser": false,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_staff": user.is_staff,
        "is_active": true,
        "date_joined": user.date_joined,
        "groups": [],
        "user_permissions": [],
    })
}

/// `UserSerializer` with explicit fields but a nested `activities = ActivitySerializer(many=True)`
/// reverse relation: explicit fields do not help when a nested serializer drags a table along.
fn user_with_activities(user: &User) -> Value {
    let activities: Vec<Value> = ACTIVITIES
        .iter()
        .filter(|a| a.user_id == user.id)
        .map(activity)
        .collect();
    json!({
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "activities": activities,
    })
}

fn activity(a: &Activity) -> Value {
    json!({
        "id": a.id,
        "ip_address": a.ip_address,
        "user_agent": a.user_agent,
        "session_key": session_key(a.id),
        "created_at": a.created_at,
    })
}

/// The correct pattern: `fields = ["id", "display_name", "bio"]`.
fn secure_profile(profile: &Profile) -> Value {
    json!({
        "id": profile.user_id,
        "display_name": profile.display_name,
        "bio": profile.bio,
    })
}

fn order_json(order: &Order) -> Value {
    json!({
        "id": order.id,
        "reference": order.reference,
        "tenant": order.tenant,
        "total": order.total,
        "currency": order.currency,
        "status": order.status,
        "created_at": order.created_at,
    })
}

/// Explicit fields, every one declared in the spec: nothing leaks field by field.
fn shipment_json(shipment: &Shipment) -> Value {
    json!({
        "id": shipment.id,
        "tenant": shipment.tenant,
        "reference": shipment.reference,
        "destination_city": shipment.destination_city,
        "status": shipment.status,
    })
}

fn catalogue_item(item: &CatalogueItem) -> Value {
    json!({
        "public_id": item.public_id,
        "name": item.name,
        "is_staff_pick": item.is_staff_pick,
        "password_policy": "min 12 characters",
        "token_count": item.token_count,
        "checksum": hex(&Sha256::digest(item.name.as_bytes())),
        "price": "9.99",
    })
}

// ---------------------------------------------------------------------------------------------
// Query + serialize, one function per view. `None` means 404.
// ---------------------------------------------------------------------------------------------

pub(crate) fn profiles_list(tenant: &Tenant) -> Value {
    Value::Array(tenant_profiles(tenant.id).map(profile_all_fields).collect())
}

pub(crate) fn profile_detail(tenant: &Tenant, id: u64) -> Option<Value> {
    tenant_profiles(tenant.id)
        .find(|p| p.user_id == id)
        .map(profile_all_fields)
}

pub(crate) fn users_list(tenant: &Tenant) -> Value {
    Value::Array(
        user(tenant.user_id)
            .map(user_with_activities)
            .into_iter()
            .collect(),
    )
}

pub(crate) fn user_detail(tenant: &Tenant, id: u64) -> Option<Value> {
    (id == tenant.user_id)
        .then(|| user(id))
        .flatten()
        .map(user_with_activities)
}

pub(crate) fn secure_profile_me(tenant: &Tenant) -> Option<Value> {
    PROFILES
        .iter()
        .find(|p| p.user_id == tenant.user_id)
        .map(secure_profile)
}

/// Object-level permission (`CertificateDataPermission.has_object_permission`): the object must
/// belong to the caller, otherwise 404 so that ids of others are not even confirmed.
pub(crate) fn secure_profile_detail(tenant: &Tenant, id: u64) -> Option<Value> {
    PROFILES
        .iter()
        .find(|p| p.user_id == id && p.user_id == tenant.user_id)
        .map(secure_profile)
}

/// DRF `PageNumberPagination` envelope; everything fits on one page.
pub(crate) fn orders_list(tenant: &Tenant) -> Value {
    let results: Vec<Value> = ORDERS
        .iter()
        .filter(|o| o.tenant == tenant.id)
        .map(order_json)
        .collect();
    json!({ "count": results.len(), "next": null, "previous": null, "results": results })
}

/// The BOLA: `Order.objects.get(pk=pk)` with no tenant filter and no object permission.
pub(crate) fn order_detail(id: u64) -> Option<Value> {
    order(id).map(order_json)
}

/// The unfiltered collection: `queryset = Shipment.objects.all()` and no `get_queryset`, so
/// every partner lists every partner's shipments.
pub(crate) fn shipments_list() -> Value {
    Value::Array(SHIPMENTS.iter().map(shipment_json).collect())
}

pub(crate) fn catalogue_list() -> Value {
    Value::Array(CATALOGUE.iter().map(catalogue_item).collect())
}

/// A health check that forgot to stay boring: `DEBUG` and the database DSN.
pub(crate) fn ping() -> Value {
    json!({ "status": "ok", "debug": true, "database": "postgres://app@db.internal:5432/app" })
}

// ---------------------------------------------------------------------------------------------
// Deterministic fake secrets. Real-shaped so that value-pattern analyzers fire; derived from
// SHA-256 of a label so they are stable across runs and hash nothing real.
// ---------------------------------------------------------------------------------------------

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `pbkdf2_sha256$870000$<22-char salt>$<base64 of 32 bytes>` (Django 5.1+ iteration count).
pub(crate) fn password_hash(username: &str) -> String {
    let salt = pick_chars(&format!("salt:{username}"), ALNUM, 22);
    let digest = Sha256::digest(format!("not-a-password:{salt}:{username}").as_bytes());
    format!("pbkdf2_sha256$870000${salt}${}", base64(&digest))
}

/// A Django session key: 32 characters of `[a-z0-9]`.
pub(crate) fn session_key(activity_id: u64) -> String {
    pick_chars(&format!("session:{activity_id}"), LOWER_ALNUM, 32)
}

fn pick_chars(label: &str, alphabet: &[u8], len: usize) -> String {
    let digest = Sha256::digest(label.as_bytes());
    digest
        .iter()
        .take(len)
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding (small enough not to warrant a dependency).
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every secret or personal value the demo serves, in full: what no report may ever contain.
/// Tests scan the demo with every output format and search the output for each of these.
pub fn planted_values() -> Vec<String> {
    let mut values = Vec::new();
    for user in USERS {
        values.push(password_hash(user.username));
        values.push(user.email.to_string());
    }
    for profile in PROFILES {
        values.extend(
            [
                profile.date_of_birth,
                profile.phone,
                profile.salary,
                profile.national_id,
            ]
            .map(str::to_string),
        );
    }
    for activity in ACTIVITIES {
        values.push(activity.ip_address.to_string());
        values.push(activity.user_agent.to_string());
        values.push(session_key(activity.id));
    }
    values.extend(crate::store::MEMBERS.iter().map(|m| m.email.to_string()));
    values.push("postgres://app@db.internal:5432/app".to_string());
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn password_hash_is_django_shaped() {
        let hash = password_hash("alice");
        let parts: Vec<&str> = hash.split('$').collect();
        assert_eq!(parts.len(), 4, "{hash}");
        assert_eq!(parts[0], "pbkdf2_sha256");
        assert_eq!(parts[1], "870000");
        assert_eq!(parts[2].len(), 22);
        assert!(parts[2].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(parts[3].len(), 44);
        assert!(parts[3].ends_with('=') && !parts[3].ends_with("=="));
        assert_eq!(hash, password_hash("alice"), "deterministic");
        assert_ne!(hash, password_hash("bob"));
    }

    #[test]
    fn session_keys_are_django_shaped_and_distinct() {
        let keys: Vec<String> = ACTIVITIES.iter().map(|a| session_key(a.id)).collect();
        for key in &keys {
            assert_eq!(key.len(), 32);
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
    }

    #[test]
    fn catalogue_checksum_is_sha256_of_name() {
        let items = catalogue_list();
        let first = &items[0];
        // `printf 'Standard API access' | sha256sum`
        let expected = "0b7909a344d7ea41fcb963600ccb16202ed27ada33ecc9e2bd5640a74cab96a1";
        assert_eq!(first["name"], "Standard API access");
        assert_eq!(first["checksum"], expected);
    }

    #[test]
    fn no_real_personal_data() {
        for u in USERS {
            assert!(u.email.ends_with(".example"), "{}", u.email);
        }
        for m in crate::store::MEMBERS {
            assert!(m.email.ends_with(".example"), "{}", m.email);
        }
        for p in PROFILES {
            assert!(p.phone.starts_with("+44 20 7946 0"), "{}", p.phone);
        }
        for a in ACTIVITIES {
            assert!(
                a.ip_address.starts_with("203.0.113.") || a.ip_address.starts_with("198.51.100."),
                "{}",
                a.ip_address
            );
        }
    }
}
