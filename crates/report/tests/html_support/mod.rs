//! Rule docs for the HTML tests, in the shape the binary passes them (`overshare_analyze` and
//! `overshare_classify` rule catalogues), written here so this crate's tests stay independent of
//! the analyzer crates.

#![allow(dead_code)] // each test binary uses a different subset

use overshare_report::HtmlRule;

fn rule(id: &str, name: &str, summary: &str, doc: &str) -> HtmlRule {
    HtmlRule {
        id: id.into(),
        name: name.into(),
        summary: summary.into(),
        doc: doc.into(),
    }
}

/// Docs for the rules of `common::sample_report()`, less OVS150 (a rule without a doc must
/// still get an anchor), plus one the report does not use (it must not be shown).
pub fn sample_rules() -> Vec<HtmlRule> {
    vec![
        rule(
            "OVS101",
            "undeclared-property",
            "Undeclared property in a response",
            OVS101_DOC,
        ),
        rule(
            "OVS110",
            "personal-data",
            "Personal data in a response",
            "## What it finds\nA value that looks like personal data (a phone number, an e-mail \
             address) in a field the client does not need.\n\n## Why it matters\nEvery client \
             that can call the operation collects it (GDPR art. 5(1)(c), *data minimisation*).\n",
        ),
        rule(
            "OVS201",
            "cross-identity-read",
            "Another client's object is readable",
            "## What it finds\nAn object created by one identity that another identity can \
             read.\n\n## How to fix it\n```python\ndef get_queryset(self):\n    return \
             Profile.objects.filter(owner=self.request.user)\n```\n",
        ),
        rule(
            "OVS401",
            "serializer-all-fields",
            "Serializer exposes all model fields",
            "## What it finds\n`fields = \"__all__\"` on a `ModelSerializer`.\n\n\
             ## Use instead\n- list the fields\n- or use `exclude` with care\n",
        ),
        rule(
            "OVS999",
            "unused-rule",
            "A rule no finding uses",
            "## What it finds\nNothing in this report.\n",
        ),
    ]
}

pub const OVS101_DOC: &str = r#"Undeclared property in a response (`undeclared-property`, OVS101).

## What it finds
A property in a JSON response that the operation's response schema does not list in
`properties` (at any depth, inside arrays and nested objects), whatever
`additionalProperties` says. One finding per operation and field path, with array indexes
folded (`/results/*/user/password`), listing every identity that received it.

## Why it matters
The spec is what the API's owners agreed clients should get. A field outside it was not
reviewed: typically a `ModelSerializer` with `fields = '__all__'` or `depth = 1` that started
shipping a new model column, a password hash or a staff flag the day it was added. mTLS does
not help: it authenticates the client, it does not limit what the server sends back
(OWASP API3:2023, CWE-213).

## Example
```python
class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = "__all__"   # every column, now and in the future
        depth = 1            # and every column of every related model: user.password, ...
```

## Use instead
```python
class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]

class ProfileSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    class Meta:
        model = Profile
        fields = ["id", "display_name", "bio", "user"]
```
If the field is meant to be public, declare it in the spec so the next reviewer sees it.
"#;
