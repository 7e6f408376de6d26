//! Rules as data: the rules-file format, its loader and the errors a bad file gets.
//!
//! ```toml
//! [[rule]]
//! id = "OVS201"                 # unique; OVS ids are the built-in ones
//! name = "password"             # kebab-case, unique
//! class = "credential"          # credential | privilege | personal | financial | internal | internal-reference
//! severity = "critical"         # critical | high | medium | low | info
//! confidence = "medium"         # the confidence of this rule's evidence on its own
//! never_acceptable = true       # stays at full severity even when the spec declares the field
//! cwe = ["CWE-522", "CWE-213"]
//! owasp = ["API3:2023"]         # the default
//! names = ["password", "passwd", "pass phrase"]   # field-name patterns (below)
//! suffixes = ["hash", "digest"] # qualifier words allowed after a pattern: `password_hash`
//! exclude = ["reset password"]  # near misses: names matching these are not this rule's
//! types = ["string", "number"]  # JSON types the name patterns apply to (default: by class)
//! value = "django-password-hash"  # an overshare-detect value kind
//! summary = "Password or password hash"
//! doc = """..."""               # Markdown printed by `overshare explain`
//! ```
//!
//! Files are applied in order over the built-in rules: a rule whose id exists replaces that
//! rule; `enabled = false` (with just the `id`) disables one. Every mistake is reported with the
//! file, the line and column, and what to write instead.
//!
//! # Name patterns
//! A pattern is a sequence of words, in any naming style (`api key` = `api_key` = `apiKey`),
//! that must match the **end** of the field name's words (names are split on `_`, `-`, `.`,
//! case changes and digits, and lower-cased):
//!
//! | pattern    | matches                                  | does not match                      |
//! |------------|------------------------------------------|-------------------------------------|
//! | `password` | `password`, `user_password`, `passwords` | `password_policy`, `passwordless`   |
//! | `api key`  | `api_key`, `stripeApiKey`                | `api_key_id`, `key`                 |
//! | `* id`     | `user_id`, `ownerId`                     | `id`, `uuid`, `{"user": {"id": …}}` |
//! | `^role`    | `role`, `roles`                          | `user_role`                         |
//!
//! `*` is exactly one word of the field name; a leading `^` anchors the pattern to the whole
//! field name; the last word may be a plural; a trailing number is ignored (`password2`); the
//! rule's `suffixes` may follow the pattern (`password_hash`); an unanchored pattern may reach
//! into the parent key (`card number` matches `{"card": {"number": …}}`). A name matching one of
//! the rule's `exclude` patterns is a near miss: neither its name nor its value is reported
//! under that rule.

use overshare_detect::ValueKind;
use overshare_finding::{Confidence, Severity};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

use crate::pattern::{Pattern, Vocabulary};
use crate::words;

/// The class of data a rule finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Passwords, hashes, keys, tokens, secrets.
    Credential,
    /// Privilege and authentication state: staff flags, roles, permissions, last login.
    Privilege,
    /// Personal data: government ids, birth dates, contact details, location, device ids.
    Personal,
    /// Payment cards, bank accounts.
    Financial,
    /// Internal notes, debug output, settings, infrastructure names.
    Internal,
    /// Keys of other objects (foreign keys, sequential ids): they feed BOLA.
    InternalReference,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Credential,
        Class::Privilege,
        Class::Personal,
        Class::Financial,
        Class::Internal,
        Class::InternalReference,
    ];

    /// The kebab-case name used in rules files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Credential => "credential",
            Class::Privilege => "privilege",
            Class::Personal => "personal",
            Class::Financial => "financial",
            Class::Internal => "internal",
            Class::InternalReference => "internal-reference",
        }
    }

    /// The JSON types a name rule of this class applies to when the rule does not say.
    ///
    /// A boolean is never a password (`has_password: true`), but it is privilege state
    /// (`is_staff: false`); a foreign key is an integer (`user: 5`, not `user: {…}`).
    fn default_types(self) -> &'static [JsonType] {
        use JsonType::*;
        match self {
            Class::Credential | Class::Financial => &[String, Number, Array],
            Class::Personal => &[String, Number, Array],
            Class::Privilege => &[String, Number, Boolean, Null, Array, Object],
            Class::Internal => &[String, Number, Boolean, Array, Object],
            Class::InternalReference => &[Integer],
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A JSON type a rule's name patterns apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Number,
    /// An integer, or a string of decimal digits (ids are often stringified).
    Integer,
    Boolean,
    Null,
    /// Any array; without it, an array matches when its elements do (`emails: ["…"]`).
    Array,
    Object,
}

/// One rule, as loaded from the built-in file and the user's files.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub class: Class,
    pub severity: Severity,
    pub confidence: Confidence,
    pub never_acceptable: bool,
    pub cwe: Vec<String>,
    pub owasp: Vec<String>,
    pub summary: String,
    pub doc: String,
    /// Field-name patterns (the pattern language of the `pattern` module).
    pub names: Vec<String>,
    /// Near-miss patterns: a name matching one is not this rule's.
    pub exclude: Vec<String>,
    /// Qualifier words allowed after a name pattern (`hash` for `password_hash`).
    pub suffixes: Vec<String>,
    /// JSON types the name patterns apply to.
    pub types: Vec<JsonType>,
    /// The value detector whose detections this rule reports.
    pub value: Option<ValueKind>,
    /// `builtin`, or the path of the file that defined the rule.
    pub origin: String,
}

/// A rules file that could not be read or is wrong.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl RulesError {
    fn at(file: &Source<'_>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        let offset = span.map_or(0, |s| s.start).min(file.text.len());
        let before = &file.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        RulesError::Invalid {
            path: file.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// A rules file being loaded.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub builtin: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    enabled: Option<bool>,
    name: Option<Spanned<String>>,
    class: Option<Class>,
    severity: Option<Severity>,
    confidence: Option<Confidence>,
    #[serde(default)]
    never_acceptable: bool,
    cwe: Option<Vec<Spanned<String>>>,
    owasp: Option<Vec<String>>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    suffixes: Vec<Spanned<String>>,
    types: Option<Vec<JsonType>>,
    value: Option<Spanned<String>>,
    summary: Option<String>,
    doc: Option<String>,
}

/// The rules loaded so far, with where each came from (for errors about clashes).
#[derive(Default)]
pub(crate) struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Apply one file over the rules loaded so far.
    pub fn apply(&mut self, file: &Source<'_>) -> Result<(), RulesError> {
        let raw: RawFile = toml::from_str(file.text)
            .map_err(|err| RulesError::at(file, err.span(), toml_message(&err)))?;
        let mut seen = HashMap::new();
        for entry in raw.rule {
            let span = entry.span();
            let raw = entry.into_inner();
            let id = raw.id.get_ref().clone();
            if seen.insert(id.clone(), ()).is_some() {
                return Err(RulesError::at(
                    file,
                    Some(raw.id.span()),
                    format!("rule id `{id}` appears twice in this file: give each rule its own id"),
                ));
            }
            self.apply_rule(file, raw, span)?;
        }
        Ok(())
    }

    fn apply_rule(
        &mut self,
        file: &Source<'_>,
        raw: RawRule,
        span: Range<usize>,
    ) -> Result<(), RulesError> {
        let existing = self.position(raw.id.get_ref());
        if raw.enabled == Some(false) {
            return self.disable(file, &raw.id, existing);
        }
        check_id(file, &raw.id, existing.is_some())?;
        let span = header(file.text, span);
        let rule = build(file, raw, span.clone())?;
        self.check_clashes(file, &rule, span)?;
        match existing {
            Some(i) => self.rules[i] = rule,
            None => self.rules.push(rule),
        }
        Ok(())
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    fn disable(
        &mut self,
        file: &Source<'_>,
        id: &Spanned<String>,
        existing: Option<usize>,
    ) -> Result<(), RulesError> {
        match existing {
            Some(i) => {
                self.rules.remove(i);
                Ok(())
            }
            None => Err(RulesError::at(
                file,
                Some(id.span()),
                format!(
                    "`enabled = false` for rule `{}`, but no rule has that id: \
                     run `overshare rules` for the ids",
                    id.get_ref()
                ),
            )),
        }
    }

    /// Names and value kinds are unique among the rules (a detection maps to one rule).
    fn check_clashes(
        &self,
        file: &Source<'_>,
        rule: &Rule,
        span: Range<usize>,
    ) -> Result<(), RulesError> {
        for other in self.rules.iter().filter(|r| r.id != rule.id) {
            if other.name == rule.name {
                return Err(RulesError::at(
                    file,
                    Some(span),
                    format!(
                        "rule `{}` is named `{}`, like rule `{}`: names must be unique",
                        rule.id, rule.name, other.id
                    ),
                ));
            }
            if rule.value.is_some() && other.value == rule.value {
                return Err(RulesError::at(
                    file,
                    Some(span),
                    format!(
                        "rule `{}` reports value kind `{}`, which rule `{}` already reports: \
                         override `{}` (same id) or disable it with `enabled = false`",
                        rule.id,
                        value_name(rule.value),
                        other.id,
                        other.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The span of a rule's `[[rule]]` header line: where rule-level errors point.
fn header(text: &str, body: Range<usize>) -> Range<usize> {
    let before = &text[..body.start.min(text.len())];
    let start = match before.rfind("\n[[") {
        Some(newline) => newline + 1,
        None if before.starts_with("[[") => 0,
        None => body.start,
    };
    start..body.end
}

fn value_name(kind: Option<ValueKind>) -> &'static str {
    kind.map_or("", ValueKind::as_str)
}

/// toml's message, with the hint a user needs for the mistakes we expect.
fn toml_message(err: &toml::de::Error) -> String {
    let message = err.message().trim().to_string();
    if message.contains("unknown variant") && message.contains("`credential`") {
        return format!("{message} (the class of data the rule finds)");
    }
    message
}

/// Ids look like `OVS201` or `ACME7`: capitals, then digits. `OVS` ids belong to overshare.
fn check_id(file: &Source<'_>, id: &Spanned<String>, exists: bool) -> Result<(), RulesError> {
    let text = id.get_ref();
    let letters = text.trim_end_matches(|c: char| c.is_ascii_digit());
    let well_formed = !letters.is_empty()
        && letters.len() < text.len()
        && letters.chars().all(|c| c.is_ascii_uppercase());
    if !well_formed {
        return Err(RulesError::at(
            file,
            Some(id.span()),
            format!("rule id `{text}` must be capital letters then digits, like `ACME201`"),
        ));
    }
    if file.builtin && !(letters == "OVS" && text.len() == 6 && text.starts_with("OVS2")) {
        return Err(RulesError::at(
            file,
            Some(id.span()),
            format!("built-in data rule id `{text}` must be `OVS2nn`"),
        ));
    }
    if !file.builtin && letters == "OVS" && !exists {
        return Err(RulesError::at(
            file,
            Some(id.span()),
            format!(
                "rule id `{text}`: ids starting with `OVS` are overshare's own; \
                 use them only to override a built-in rule, and your own prefix \
                 (like `ACME201`) for new rules"
            ),
        ));
    }
    Ok(())
}

/// Turn a raw rule into a [`Rule`], checking every field.
fn build(file: &Source<'_>, raw: RawRule, span: Range<usize>) -> Result<Rule, RulesError> {
    let id = raw.id.get_ref().clone();
    let missing = |field: &str, what: &str| {
        RulesError::at(
            file,
            Some(span.clone()),
            format!("rule `{id}` has no `{field}`: add {what}"),
        )
    };
    let name = raw.name.ok_or_else(|| {
        missing(
            "name",
            "a kebab-case name, like `name = \"webhook-secret\"`",
        )
    })?;
    check_kebab(file, &name)?;
    let class = raw.class.ok_or_else(|| {
        missing(
            "class",
            "one of `credential`, `privilege`, `personal`, `financial`, `internal`, `internal-reference`",
        )
    })?;
    let severity = raw.severity.ok_or_else(|| {
        missing(
            "severity",
            "one of `critical`, `high`, `medium`, `low`, `info`",
        )
    })?;
    let confidence = raw
        .confidence
        .ok_or_else(|| missing("confidence", "one of `high`, `medium`, `low`"))?;
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| missing("summary", "one line saying what the rule finds"))?;
    if raw.names.is_empty() && raw.value.is_none() {
        return Err(missing(
            "names",
            "field-name patterns (`names = [\"webhook secret\"]`), a `value` detector, or both",
        ));
    }
    check_patterns(file, &raw.names)?;
    check_patterns(file, &raw.exclude)?;
    check_suffixes(file, &raw.suffixes)?;
    let value = raw.value.map(|v| value_kind(file, &v)).transpose()?;
    let cwe = match raw.cwe {
        Some(list) => check_cwes(file, list)?,
        None => vec!["CWE-213".to_string()],
    };
    Ok(Rule {
        id,
        name: name.into_inner(),
        class,
        severity,
        confidence,
        never_acceptable: raw.never_acceptable,
        cwe,
        owasp: raw.owasp.unwrap_or_else(|| vec!["API3:2023".to_string()]),
        summary: summary.trim().to_string(),
        doc: raw.doc.unwrap_or_default().trim().to_string(),
        names: strings(raw.names),
        exclude: strings(raw.exclude),
        suffixes: strings(raw.suffixes)
            .iter()
            .map(|s| s.to_lowercase())
            .collect(),
        types: raw.types.unwrap_or_else(|| class.default_types().to_vec()),
        value,
        origin: if file.builtin {
            "builtin".to_string()
        } else {
            file.path.display().to_string()
        },
    })
}

fn strings(list: Vec<Spanned<String>>) -> Vec<String> {
    list.into_iter().map(Spanned::into_inner).collect()
}

fn check_kebab(file: &Source<'_>, name: &Spanned<String>) -> Result<(), RulesError> {
    let text = name.get_ref();
    let ok = !text.is_empty()
        && text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        return Ok(());
    }
    let suggestion = words::split(text).join("-");
    Err(RulesError::at(
        file,
        Some(name.span()),
        format!("rule name `{text}` must be kebab-case, like `{suggestion}`"),
    ))
}

fn check_patterns(file: &Source<'_>, patterns: &[Spanned<String>]) -> Result<(), RulesError> {
    let mut scratch = Vocabulary::default();
    for pattern in patterns {
        Pattern::compile(pattern.get_ref(), &mut scratch)
            .map_err(|message| RulesError::at(file, Some(pattern.span()), message))?;
    }
    Ok(())
}

fn check_suffixes(file: &Source<'_>, suffixes: &[Spanned<String>]) -> Result<(), RulesError> {
    for suffix in suffixes {
        let words = words::split(suffix.get_ref());
        if words.len() != 1 || words[0] != suffix.get_ref().to_lowercase() {
            return Err(RulesError::at(
                file,
                Some(suffix.span()),
                format!(
                    "suffix `{}` must be one lower-case word, like `hash`",
                    suffix.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

fn value_kind(file: &Source<'_>, value: &Spanned<String>) -> Result<ValueKind, RulesError> {
    ValueKind::from_name(value.get_ref()).ok_or_else(|| {
        let valid: Vec<&str> = ValueKind::ALL.iter().map(|k| k.as_str()).collect();
        RulesError::at(
            file,
            Some(value.span()),
            format!(
                "unknown value detector `{}`: expected one of {}",
                value.get_ref(),
                valid.join(", ")
            ),
        )
    })
}

fn check_cwes(file: &Source<'_>, list: Vec<Spanned<String>>) -> Result<Vec<String>, RulesError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for cwe in list {
        let text = cwe.get_ref();
        let ok = text.strip_prefix("CWE-").is_some_and(words::is_number);
        if !ok {
            return Err(RulesError::at(
                file,
                Some(cwe.span()),
                format!("`{text}` is not a CWE id: write it like `CWE-213`"),
            ));
        }
        if seen.insert(text.clone()) {
            out.push(cwe.into_inner());
        }
    }
    Ok(out)
}
