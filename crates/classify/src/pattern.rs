//! The field-name pattern language, and the matcher every rule's `names` compile into.
//!
//! A pattern is a sequence of words, written in any naming style (`api key`, `api_key` and
//! `apiKey` are the same pattern), that must match the **end** of a field name's words:
//!
//! | pattern        | matches                                  | does not match                  |
//! |----------------|------------------------------------------|---------------------------------|
//! | `password`     | `password`, `user_password`, `passwords` | `password_policy`, `has_passwords_set` |
//! | `api key`      | `api_key`, `stripeApiKey`                | `api_key_id`, `key`             |
//! | `* id`         | `user_id`, `ownerId`                     | `id`, `uuid`                    |
//! | `^role`        | `role`, `roles`                          | `user_role` (the whole name must match) |
//!
//! - `*` stands for exactly one word of the field name itself.
//! - A leading `^` anchors the pattern to the whole field name.
//! - The last word of a name may be a plural (`-s`, `-es`) of the pattern's last word.
//! - A trailing number is ignored (`password2`, `address_line_1`).
//! - A rule's `suffixes` are qualifier words allowed after the pattern (`hash` lets `password`
//!   match `password_hash`; `policy` is not one, so `password_policy` stays clean).
//! - Unanchored patterns may reach into the parent object's key: in `{"card": {"number": …}}`,
//!   `card number` matches the field `number`. A `*` never matches a parent word, so `* id`
//!   does not turn every nested object's own `id` into a reference.
//!
//! A rule's `exclude` patterns use the same language: a name matching one of them is a near
//! miss for that rule (`page token` keeps `next_page_token` out of the token rule).

use crate::words;
use std::collections::HashMap;

/// Interned pattern words: field names are compared by integer, not by string.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    pub fn intern(&mut self, word: &str) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(word.to_string()).or_insert(next)
    }

    pub fn get(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    /// Look a field-name word up: its own id, and the id of a singular it may be the plural of.
    pub fn lookup(&self, word: &str) -> NameWord {
        NameWord {
            id: self.get(word),
            singular: words::singulars(word).find_map(|s| self.get(s)),
            number: words::is_number(word),
        }
    }
}

/// One word of a field name (or of its parent's key), resolved against the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct NameWord {
    /// `None`: the word is in no pattern (it can only match `*`).
    pub id: Option<u32>,
    pub singular: Option<u32>,
    pub number: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Word(u32),
    Any,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    tokens: Vec<Token>,
    anchored: bool,
}

/// Why a pattern string is not a pattern (the loader adds the file and line).
pub type PatternError = String;

impl Pattern {
    /// Compile `text`, interning its words.
    pub fn compile(text: &str, vocab: &mut Vocabulary) -> Result<Pattern, PatternError> {
        let trimmed = text.trim();
        let (anchored, body) = match trimmed.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut tokens = Vec::new();
        for chunk in body.split_whitespace() {
            if chunk == "*" {
                tokens.push(Token::Any);
            } else if chunk.contains('*') {
                return Err(format!(
                    "pattern `{text}`: `*` must be a word of its own (write `* id`, not `*_id`)"
                ));
            } else {
                for word in words::split(chunk) {
                    tokens.push(Token::Word(vocab.intern(&word)));
                }
            }
        }
        match tokens.last() {
            None => Err(format!("pattern `{text}` has no words")),
            Some(Token::Any) => Err(format!(
                "pattern `{text}` must end with a word, not `*` (patterns match the end of a name)"
            )),
            Some(Token::Word(_)) => Ok(Pattern { tokens, anchored }),
        }
    }

    /// The last word: the key the index files this pattern under.
    pub fn last_word(&self) -> u32 {
        match self.tokens.last() {
            Some(Token::Word(id)) => *id,
            _ => unreachable!("compile rejects patterns not ending with a word"),
        }
    }

    /// How specific a match is: anchored first, then the number of literal words.
    pub fn specificity(&self) -> (bool, usize) {
        let literal = self
            .tokens
            .iter()
            .filter(|t| matches!(t, Token::Word(_)))
            .count();
        (self.anchored, literal)
    }

    /// Does the pattern match the words `name[..end]`, whose field-name part starts at
    /// `field_start` (the words before it are the parent key's)?
    pub fn matches(&self, name: &[NameWord], field_start: usize, end: usize) -> bool {
        let n = self.tokens.len();
        let first = if self.anchored {
            if end - field_start != n {
                return false;
            }
            field_start
        } else {
            match end.checked_sub(n) {
                Some(first) => first,
                None => return false,
            }
        };
        self.tokens.iter().enumerate().all(|(i, token)| {
            let pos = first + i;
            match token {
                Token::Any => pos >= field_start,
                Token::Word(id) => {
                    let word = &name[pos];
                    word.id == Some(*id) || (pos + 1 == end && word.singular == Some(*id))
                }
            }
        })
    }
}

/// One way to read a name: its words up to `end`, after dropping a trailing number and/or a
/// qualifier word (`dropped`) that only rules listing it in `suffixes` accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Core {
    pub end: usize,
    pub dropped: Option<u32>,
}

/// The readings of a name whose field words are `name[field_start..]`.
pub fn cores(name: &[NameWord], field_start: usize, suffix_words: &[u32]) -> Vec<Core> {
    let mut out = vec![Core {
        end: name.len(),
        dropped: None,
    }];
    let field_len = name.len() - field_start;
    if field_len >= 2 && name[name.len() - 1].number {
        out.push(Core {
            end: name.len() - 1,
            dropped: None,
        });
    }
    for i in 0..out.len() {
        let end = out[i].end;
        // `password_hash`, and `{"password": {"hash": …}}`, but never a name that is only `hash`.
        if end < 2 || end == field_start {
            continue;
        }
        if let Some(word) = suffix_word(&name[end - 1], suffix_words) {
            out.push(Core {
                end: end - 1,
                dropped: Some(word),
            });
        }
    }
    out
}

/// The word (or its singular) is a qualifier some rule accepts after its pattern.
fn suffix_word(word: &NameWord, suffix_words: &[u32]) -> Option<u32> {
    [word.id, word.singular]
        .into_iter()
        .flatten()
        .find(|id| suffix_words.contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(vocab: &Vocabulary, parent: &str, field: &str) -> (Vec<NameWord>, usize) {
        let parent_words = words::split(parent);
        let field_words = words::split(field);
        let start = parent_words.len();
        let all = parent_words
            .iter()
            .chain(&field_words)
            .map(|w| vocab.lookup(w))
            .collect();
        (all, start)
    }

    fn matches(pattern: &str, parent: &str, field: &str) -> bool {
        let mut vocab = Vocabulary::default();
        let p = Pattern::compile(pattern, &mut vocab).unwrap();
        let (words, start) = name(&vocab, parent, field);
        cores(&words, start, &[])
            .iter()
            .any(|c| p.matches(&words, start, c.end))
    }

    #[test]
    fn matches_the_end_of_the_name() {
        assert!(matches("password", "", "password"));
        assert!(matches("password", "", "userPassword"));
        assert!(matches("password", "", "PASSWORDS"));
        assert!(matches("password", "", "password2"));
        assert!(!matches("password", "", "password_policy"));
        assert!(!matches("password", "", "passwordless"));
        assert!(matches("api key", "", "stripe_api_key"));
        assert!(!matches("api key", "", "key"));
    }

    #[test]
    fn wildcards_and_anchors() {
        assert!(matches("* id", "", "user_id"));
        assert!(!matches("* id", "", "id"));
        assert!(
            !matches("* id", "user", "id"),
            "`*` never matches the parent"
        );
        assert!(matches("^role", "", "roles"));
        assert!(!matches("^role", "", "user_role"));
        assert!(!matches("^role", "user", "name"));
    }

    #[test]
    fn parent_context() {
        assert!(matches("card number", "card", "number"));
        assert!(matches("card number", "payment", "card_number"));
        assert!(!matches("card number", "order", "number"));
        assert!(!matches("^card number", "card", "number"));
    }

    #[test]
    fn bad_patterns() {
        let mut vocab = Vocabulary::default();
        assert!(Pattern::compile("*_id", &mut vocab).is_err());
        assert!(Pattern::compile("id *", &mut vocab).is_err());
        assert!(Pattern::compile("  ", &mut vocab).is_err());
        assert!(Pattern::compile("^", &mut vocab).is_err());
    }
}
