//! Sensitive-data classification of response fields: is this field a password, a staff flag,
//! a date of birth, a card number, an internal note, a foreign key?
//!
//! ```text
//!                ┌─ field name words ─► name rule (patterns, types) ─┐
//! path, value ───┤                                                    ├─► combine ─► Hit
//!                └─ string values ────► overshare_detect::detect ─────┘
//!                                       └► value rule (by ValueKind)
//! ```
//!
//! **Rules are data.** Every rule (id, name, class, severity, confidence, what it matches, and
//! the doc `overshare explain` prints) lives in `rules/builtin.toml`, embedded in the binary.
//! Users extend or override it with their own files in the same shape ([`Classifier::with_files`]);
//! see [`rules`] for the format.
//!
//! **Names are matched on words**, never substrings, against the end of the name, with the
//! parent key as context (the pattern language is summarised in [`rules`]): `user_password` and
//! `{"user": {"password": …}}` are passwords, `password_policy`, `secretary_name` and
//! `tokenizer` are not. Name results are cached per (grandparent, parent, field), because the same names
//! recur thousands of times in one response.
//!
//! **Evidence is combined.** A name alone or a value alone is less sure than both agreeing;
//! a validated value (a Django hash, a Luhn-valid card) beats a name when it is more severe;
//! empty, null and redacted values under secret names are not exposures, while privilege flags
//! are evidence whatever their value (`is_staff: false` is the state itself).
//!
//! The classifier is `Send + Sync` and pure apart from its cache: the analyzers of `scan`,
//! `analyze` and `guard` share one.

mod cache;
mod names;
mod pattern;
pub mod rules;
mod shape;
mod words;

use cache::NameCache;
use names::{NameFacts, NameIndex};
use overshare_detect::{Certainty, Detection, NameHint};
use overshare_finding::{Confidence, Severity};
use rules::{RuleSet, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub use overshare_detect::ValueKind;
pub use rules::{Class, JsonType, Rule, RulesError};
/// Split a field name into the lower-case words rules match on (`userID` → `user id`).
pub use words::split as split_words;

/// The built-in rules file.
pub const BUILTIN_RULES: &str = include_str!("../rules/builtin.toml");

/// How many strings of one array are run through the value detectors.
const MAX_ARRAY_STRINGS: usize = 64;

/// The loaded rules, compiled for matching.
pub struct Classifier {
    /// Enabled rules, in id order.
    rules: Vec<Rule>,
    index: NameIndex,
    /// Which rule reports each value kind, indexed by the kind's position in `ValueKind::ALL`.
    by_kind: Vec<Option<usize>>,
    cache: NameCache,
}

/// What the evidence for a hit was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The field name (and path) only.
    Name,
    /// The value only (a validated detection).
    Value,
    /// Both matched a rule.
    NameAndValue,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Name => "name",
            Basis::Value => "value",
            Basis::NameAndValue => "name and value",
        }
    }
}

/// One classified field.
#[derive(Debug, Clone)]
pub struct Hit<'r> {
    /// The rule reported: the more severe (or, on a tie, the more specific) of the name rule
    /// and the value rule.
    pub rule: &'r Rule,
    pub severity: Severity,
    pub confidence: Confidence,
    pub basis: Basis,
    /// Facts about the value that are not the value (`hasher=pbkdf2_sha256`, `alg=HS256`).
    pub detail: Option<String>,
    /// A short non-identifying prefix of the value for evidence (`pbkdf2_sha256$`, `4111 `).
    pub safe_prefix: Option<String>,
    /// The value kind detected, when the value was evidence.
    pub value_kind: Option<ValueKind>,
    /// The value was found after decoding (base64, URL-encoded JSON).
    pub decoded: bool,
    /// When name and value pointed to different rules, the one not reported.
    pub other: Option<&'r Rule>,
}

/// A value detection, mapped to its rule.
struct ValueEvidence<'r> {
    rule: &'r Rule,
    index: usize,
    confidence: Confidence,
    detection: Detection,
}

impl Classifier {
    /// The built-in rules only.
    pub fn builtin() -> Classifier {
        Classifier::with_sources(std::iter::empty())
            .expect("the built-in rules file is valid (checked by the crate's tests)")
    }

    /// The built-in rules, compiled once per process: compiling parses the rules file and
    /// every pattern in it, milliseconds that a command which needs them in several places (the
    /// audit's rules, then the report's rule docs) should pay once.
    pub fn builtin_shared() -> &'static Classifier {
        static SHARED: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
        SHARED.get_or_init(Classifier::builtin)
    }

    /// The built-in rules, then each file in order (a rule with an existing id replaces it;
    /// `enabled = false` disables it).
    pub fn with_files(files: &[PathBuf]) -> Result<Classifier, RulesError> {
        let texts = files
            .iter()
            .map(|path| {
                std::fs::read_to_string(path)
                    .map(|text| (path.as_path(), text))
                    .map_err(|source| RulesError::Read {
                        path: path.clone(),
                        source,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Classifier::with_sources(texts.iter().map(|(path, text)| (*path, text.as_str())))
    }

    /// Like [`with_files`](Self::with_files), with the files' contents already read (a config
    /// file's inline rules, tests). `path` only names the source in errors.
    pub fn with_sources<'a>(
        sources: impl IntoIterator<Item = (&'a Path, &'a str)>,
    ) -> Result<Classifier, RulesError> {
        let mut set = RuleSet::default();
        set.apply(&Source {
            path: Path::new("builtin.toml"),
            text: BUILTIN_RULES,
            builtin: true,
        })?;
        for (path, text) in sources {
            set.apply(&Source {
                path,
                text,
                builtin: false,
            })?;
        }
        Ok(Classifier::compile(set.rules))
    }

    fn compile(mut rules: Vec<Rule>) -> Classifier {
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let index = NameIndex::build(&rules);
        let by_kind = ValueKind::ALL
            .iter()
            .map(|kind| rules.iter().position(|rule| rule.value == Some(*kind)))
            .collect();
        Classifier {
            rules,
            index,
            by_kind,
            cache: NameCache::default(),
        }
    }

    /// The enabled rules, in id order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id (`OVS201`, any case) or name (`password`).
    pub fn rule(&self, id_or_name: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| {
            rule.id.eq_ignore_ascii_case(id_or_name) || rule.name.eq_ignore_ascii_case(id_or_name)
        })
    }

    /// Classify one field.
    ///
    /// `path`: the object keys from the body root to the field (array indexes left out), the
    /// last being the field name; `value`: the field's value, whatever its type. Call it once
    /// per object member: an array of strings is checked element by element here, and objects
    /// inside arrays are walked by the caller (their members have paths of their own).
    pub fn classify(&self, path: &[&str], value: &Value) -> Option<Hit<'_>> {
        let facts = self.name_facts(path);
        let name = self.name_rule(&facts, value);
        if shape::is_void(value) {
            // Nothing is exposed, except privilege state, which is the field itself.
            return name
                .filter(|rule| rule.class == Class::Privilege)
                .map(Hit::by_name);
        }
        let found = match value {
            Value::String(_) | Value::Array(_) => self
                .value_evidence(value, Classifier::hint(&facts))
                .filter(|found| !facts.excludes(found.index)),
            _ => None,
        };
        match (name, found) {
            (None, None) => None,
            (Some(rule), None) => Some(Hit::by_name(rule)),
            (None, Some(found)) => Some(Hit::by_value(found)),
            (Some(rule), Some(found)) => Some(Hit::by_both(rule, found)),
        }
    }

    /// The most specific rule the field name matches, whatever the value (for places that have
    /// names but no values: a spec's properties, a serializer's `fields`).
    pub fn classify_name(&self, path: &[&str]) -> Option<&Rule> {
        let facts = self.name_facts(path);
        let first = *facts.candidates().first()?;
        Some(&self.rules[first as usize])
    }

    fn name_facts(&self, path: &[&str]) -> NameFacts {
        let Some((field, ancestors)) = path.split_last() else {
            return NameFacts::default();
        };
        let mut up = ancestors.iter().rev().copied();
        let parent = up.next().unwrap_or("");
        let key = [up.next().unwrap_or(""), parent, *field];
        self.cache.facts(key, || self.index.facts(key, &self.rules))
    }

    /// The most specific name rule that applies to a value of this type.
    fn name_rule(&self, facts: &NameFacts, value: &Value) -> Option<&Rule> {
        facts
            .candidates()
            .iter()
            .map(|&i| &self.rules[i as usize])
            .find(|rule| shape::admits(&rule.types, value))
    }

    /// What the name tells the value detectors.
    fn hint(facts: &NameFacts) -> NameHint {
        NameHint {
            secret_like: facts.secret_like,
            settings_like: facts.settings_like,
        }
    }

    /// The strongest value detection: the string, or the strings of an array.
    fn value_evidence(&self, value: &Value, hint: NameHint) -> Option<ValueEvidence<'_>> {
        match value {
            // `classify` has ruled out a placeholder already.
            Value::String(s) => self.detect_one(s, hint),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .take(MAX_ARRAY_STRINGS)
                .filter(|s| !shape::is_placeholder(s))
                .filter_map(|s| self.detect_one(s, hint))
                .max_by_key(|found| (found.rule.severity, found.confidence)),
            _ => None,
        }
    }

    fn detect_one(&self, s: &str, hint: NameHint) -> Option<ValueEvidence<'_>> {
        let detection = overshare_detect::detect(s, hint)?;
        let position = ValueKind::ALL.iter().position(|k| *k == detection.kind)?;
        let index = self.by_kind[position]?;
        let rule = &self.rules[index];
        Some(ValueEvidence {
            rule,
            index,
            confidence: rule.confidence.min(confidence_of(detection.certainty)),
            detection,
        })
    }
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("rules", &self.rules.len())
            .field("cached_names", &self.cache.len())
            .finish()
    }
}

impl<'r> Hit<'r> {
    fn by_name(rule: &'r Rule) -> Hit<'r> {
        Hit {
            rule,
            severity: rule.severity,
            confidence: rule.confidence,
            basis: Basis::Name,
            detail: None,
            safe_prefix: None,
            value_kind: None,
            decoded: false,
            other: None,
        }
    }

    fn by_value(found: ValueEvidence<'r>) -> Hit<'r> {
        let mut hit = Hit::by_name(found.rule);
        hit.confidence = found.confidence;
        hit.basis = Basis::Value;
        hit.with_detection(found.detection)
    }

    /// Name and value both matched. They agree when their rules are of one class: then the
    /// hit is surer than either alone. Otherwise the more severe rule is reported; on a tie the
    /// value's (a validated value is more specific than a name), unless the value is only
    /// "high entropy", which says less than any name.
    fn by_both(name: &'r Rule, found: ValueEvidence<'r>) -> Hit<'r> {
        let agree = name.class == found.rule.class;
        let generic = found.detection.kind == ValueKind::HighEntropySecret;
        let value_wins = found.rule.severity > name.severity
            || (found.rule.severity == name.severity && !generic);
        let (rule, other) = if value_wins {
            (found.rule, name)
        } else {
            (name, found.rule)
        };
        let surest = name.confidence.max(found.confidence);
        let mut hit = Hit::by_name(rule);
        hit.confidence = if agree { raise(surest) } else { surest };
        hit.basis = Basis::NameAndValue;
        hit.other = (other.id != rule.id).then_some(other);
        hit.with_detection(found.detection)
    }

    fn with_detection(mut self, detection: Detection) -> Hit<'r> {
        self.detail = detection.detail;
        self.safe_prefix = Some(detection.safe_prefix).filter(|p| !p.is_empty());
        self.value_kind = Some(detection.kind);
        self.decoded = detection.decoded;
        self
    }
}

fn confidence_of(certainty: Certainty) -> Confidence {
    match certainty {
        Certainty::Low => Confidence::Low,
        Certainty::Medium => Confidence::Medium,
        Certainty::High => Confidence::High,
    }
}

fn raise(confidence: Confidence) -> Confidence {
    match confidence {
        Confidence::Low => Confidence::Medium,
        Confidence::Medium | Confidence::High => Confidence::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifier_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Classifier>();
    }

    #[test]
    fn names_are_matched_once_per_path_tail() {
        let c = Classifier::builtin();
        for i in 0..1000 {
            c.classify(&["results", "user", "password"], &Value::from(i));
            c.classify(&["results", "user", "is_staff"], &Value::Bool(false));
        }
        assert_eq!(c.cache.len(), 2);
        c.classify(&["profile", "password"], &Value::from(1));
        assert_eq!(c.cache.len(), 3, "another parent is another entry");
    }

    #[test]
    fn the_cache_is_bounded_under_map_shaped_bodies() {
        let c = Classifier::builtin();
        for i in 0..(cache::LIMIT + 100) {
            let key = format!("user{i}@example.com");
            c.classify(&["by_email", &key], &Value::from(1));
        }
        assert!(c.cache.len() <= cache::LIMIT);
        // Keys too long to be field names are not matched at all.
        let long = "password_".repeat(40);
        assert!(c.classify(&[&long], &Value::from("hunter2")).is_none());
    }
}
