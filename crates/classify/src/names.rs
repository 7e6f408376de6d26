//! Which rules a field name matches, computed once per distinct (parent key, field name).
//!
//! Every rule's patterns are compiled against one shared vocabulary and filed by their last
//! word, so a name only tries the few patterns that end with one of its words (usually none:
//! most field names are not sensitive). The result is cached by [`crate::cache`].

use crate::pattern::{Core, NameWord, Pattern, Vocabulary, cores};
use crate::rules::{Class, Rule};
use crate::words;
use std::collections::HashMap;

/// The most rules one name is remembered to match (best first); more never happens in practice.
pub const MAX_CANDIDATES: usize = 4;

/// Keys longer than this are data, not field names: they are never matched (nor cached).
pub const MAX_NAME_LEN: usize = 128;

/// Words of an ancestor key that make string values below it settings-like
/// (`settings.SECRET_KEY`, `config.database_url`, `env.AWS_SECRET_ACCESS_KEY`).
const SETTINGS_WORDS: &[&str] = &[
    "settings",
    "setting",
    "config",
    "configuration",
    "conf",
    "env",
    "environ",
    "environment",
];

/// One rule's compiled name matchers.
struct RuleMatcher {
    names: Vec<Pattern>,
    exclude: Vec<Pattern>,
    suffixes: Vec<u32>,
}

/// Everything the name side of classification needs, built once per [`crate::Classifier`].
pub struct NameIndex {
    vocab: Vocabulary,
    matchers: Vec<RuleMatcher>,
    /// Last pattern word → (rule index, pattern index).
    by_last_word: HashMap<u32, Vec<(u16, u16)>>,
    /// Every word some rule accepts as a suffix.
    suffix_words: Vec<u32>,
    /// (rule index → severity, class) copies, for ordering candidates without the rules.
    ranks: Vec<(overshare_finding::Severity, Class)>,
}

/// What a field name says, independent of its value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameFacts {
    /// Rule indexes whose name patterns match, most specific first.
    candidates: [u16; MAX_CANDIDATES],
    len: u8,
    /// Rules whose `exclude` patterns the name matched: a near miss for them, by value too
    /// (`support_email: "help@shop.example"` is not a person's address).
    excluded: [u16; MAX_CANDIDATES],
    excluded_len: u8,
    /// The name (or its parent's) says "secret": values get the detector's entropy check.
    pub secret_like: bool,
    /// The name is a settings constant, or the parent or grandparent is a settings object.
    pub settings_like: bool,
}

impl NameFacts {
    pub fn candidates(&self) -> &[u16] {
        &self.candidates[..self.len as usize]
    }

    pub fn excludes(&self, rule: usize) -> bool {
        self.excluded[..self.excluded_len as usize]
            .iter()
            .any(|&r| r as usize == rule)
    }
}

/// One pattern match, with what ranks it against the others.
#[derive(Debug, Clone, Copy)]
struct Match {
    rule: u16,
    /// (anchored, literal words, no suffix dropped, severity): bigger is more specific.
    rank: (bool, usize, bool, overshare_finding::Severity),
}

impl NameIndex {
    /// Compile the patterns of `rules` (already validated by the loader).
    pub fn build(rules: &[Rule]) -> NameIndex {
        let mut vocab = Vocabulary::default();
        let mut by_last_word: HashMap<u32, Vec<(u16, u16)>> = HashMap::new();
        let mut suffix_words = Vec::new();
        let mut matchers = Vec::with_capacity(rules.len());
        for (r, rule) in rules.iter().enumerate() {
            let compile = |vocab: &mut Vocabulary, list: &[String]| -> Vec<Pattern> {
                list.iter()
                    .map(|p| Pattern::compile(p, vocab).expect("validated by the loader"))
                    .collect()
            };
            let names = compile(&mut vocab, &rule.names);
            let exclude = compile(&mut vocab, &rule.exclude);
            for (p, pattern) in names.iter().enumerate() {
                by_last_word
                    .entry(pattern.last_word())
                    .or_default()
                    .push((r as u16, p as u16));
            }
            let suffixes: Vec<u32> = rule.suffixes.iter().map(|s| vocab.intern(s)).collect();
            suffix_words.extend(&suffixes);
            matchers.push(RuleMatcher {
                names,
                exclude,
                suffixes,
            });
        }
        suffix_words.sort_unstable();
        suffix_words.dedup();
        let ranks = rules.iter().map(|r| (r.severity, r.class)).collect();
        NameIndex {
            vocab,
            matchers,
            by_last_word,
            suffix_words,
            ranks,
        }
    }

    /// The facts for `field` inside an object under the key `parent`, itself under
    /// `grandparent` (`""` where there is none).
    pub fn facts(&self, [grandparent, parent, field]: [&str; 3], rules: &[Rule]) -> NameFacts {
        if field.len() > MAX_NAME_LEN {
            return NameFacts::default();
        }
        let parent = if parent.len() > MAX_NAME_LEN {
            ""
        } else {
            parent
        };
        let parent_words = words::split(parent);
        let field_words = words::split(field);
        let resolved: Vec<NameWord> = parent_words
            .iter()
            .chain(&field_words)
            .map(|w| self.vocab.lookup(w))
            .collect();
        let (matches, excluded) = self.matching_rules(&resolved, parent_words.len());
        let (parent_matches, _) = self.matching_rules(&resolved[..parent_words.len()], 0);
        let is_credential = |r: &u16| rules[*r as usize].class == Class::Credential;
        let mut facts = NameFacts {
            secret_like: matches.iter().any(is_credential)
                || parent_matches.iter().any(is_credential),
            settings_like: words::is_settings_constant(field)
                || is_settings_key_words(&parent_words)
                || is_settings_key(grandparent),
            ..NameFacts::default()
        };
        for (slot, rule) in facts.candidates.iter_mut().zip(&matches) {
            *slot = *rule;
            facts.len += 1;
        }
        for (slot, rule) in facts.excluded.iter_mut().zip(&excluded) {
            *slot = *rule;
            facts.excluded_len += 1;
        }
        facts
    }

    /// Rules matching `name[field_start..]` (with `name[..field_start]` as parent context),
    /// most specific first, and the rules for which the name is a near miss.
    fn matching_rules(&self, name: &[NameWord], field_start: usize) -> (Vec<u16>, Vec<u16>) {
        if name.len() == field_start {
            return (Vec::new(), Vec::new());
        }
        let readings = cores(name, field_start, &self.suffix_words);
        let mut found: Vec<Match> = Vec::new();
        for core in &readings {
            self.match_core(name, field_start, *core, &mut found);
        }
        let mut excluded: Vec<u16> = Vec::new();
        found.retain(|m| {
            let near_miss = self.excluded(m.rule, name, field_start, &readings);
            if near_miss && !excluded.contains(&m.rule) {
                excluded.push(m.rule);
            }
            !near_miss
        });
        found.sort_by(|a, b| b.rank.cmp(&a.rank).then(a.rule.cmp(&b.rule)));
        let mut rules: Vec<u16> = Vec::new();
        for m in found {
            if !rules.contains(&m.rule) {
                rules.push(m.rule);
            }
        }
        (rules, excluded)
    }

    /// Try the patterns filed under the core's last word (and its singular).
    fn match_core(&self, name: &[NameWord], field_start: usize, core: Core, out: &mut Vec<Match>) {
        let last = &name[core.end - 1];
        let keys = [last.id, last.singular.filter(|s| Some(*s) != last.id)];
        for key in keys.into_iter().flatten() {
            let Some(entries) = self.by_last_word.get(&key) else {
                continue;
            };
            for &(r, p) in entries {
                let matcher = &self.matchers[r as usize];
                if let Some(dropped) = core.dropped
                    && !matcher.suffixes.contains(&dropped)
                {
                    continue;
                }
                let pattern = &matcher.names[p as usize];
                if pattern.matches(name, field_start, core.end) {
                    let (anchored, literal) = pattern.specificity();
                    let severity = self.ranks[r as usize].0;
                    out.push(Match {
                        rule: r,
                        rank: (anchored, literal, core.dropped.is_none(), severity),
                    });
                }
            }
        }
    }

    /// A near miss: one of the rule's `exclude` patterns matches a reading of the name.
    fn excluded(
        &self,
        rule: u16,
        name: &[NameWord],
        field_start: usize,
        readings: &[Core],
    ) -> bool {
        let exclude = &self.matchers[rule as usize].exclude;
        exclude.iter().any(|pattern| {
            readings
                .iter()
                .any(|core| pattern.matches(name, field_start, core.end))
        })
    }
}

/// A key whose words include `settings`, `config`, `env`, ...
pub fn is_settings_key(key: &str) -> bool {
    key.len() <= MAX_NAME_LEN && is_settings_key_words(&words::split(key))
}

fn is_settings_key_words(words: &[String]) -> bool {
    words.iter().any(|w| SETTINGS_WORDS.contains(&w.as_str()))
}
