//! "Does this text mention any of these words?", asked of every file and most functions.
//!
//! A few literal words are found fastest by a vectorized searcher (aho-corasick's Teddy) where
//! the CPU has one; the automaton aho-corasick builds by default picks a rare-byte prefilter
//! for such sets, which on Python text stops at nearly every identifier (`ser` in `user`, `val`
//! in `value`) and was several percent of an audit.

use aho_corasick::AhoCorasick;
use aho_corasick::packed;

/// A set of literal, case-sensitive words.
pub enum Words {
    /// The vectorized searcher, where the CPU has what it needs.
    Packed(packed::Searcher),
    /// Anywhere else.
    Automaton(AhoCorasick),
}

/// Where a word was found, and which.
pub struct Found {
    pub start: usize,
    pub end: usize,
    /// Index of the word in the list given to [`Words::new`].
    pub word: usize,
}

impl Words {
    pub fn new(words: &[&str]) -> Words {
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(words)
            .build();
        match packed {
            Some(searcher) => Words::Packed(searcher),
            None => Words::Automaton(automaton(words)),
        }
    }

    pub fn is_match(&self, text: impl AsRef<[u8]>) -> bool {
        let text = text.as_ref();
        match self {
            Words::Packed(searcher) => searcher.find(text).is_some(),
            Words::Automaton(automaton) => automaton.is_match(text),
        }
    }

    /// Every match, left to right, without overlaps.
    pub fn find_iter<'t>(&'t self, text: &'t [u8]) -> Box<dyn Iterator<Item = Found> + 't> {
        let found = |start, end, word| Found { start, end, word };
        match self {
            Words::Packed(searcher) => Box::new(
                searcher
                    .find_iter(text)
                    .map(move |m| found(m.start(), m.end(), m.pattern().as_usize())),
            ),
            Words::Automaton(automaton) => Box::new(
                automaton
                    .find_iter(text)
                    .map(move |m| found(m.start(), m.end(), m.pattern().as_usize())),
            ),
        }
    }
}

/// The automaton both searchers must agree with (leftmost-first, like the packed one).
fn automaton(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(words)
        .expect("plain words")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectorized searcher and the automaton find the same words at the same places.
    #[test]
    fn both_searchers_agree() {
        let list = ["values(", "values_list(", "META", "headers", "verif"];
        let words = Words::new(&list);
        let text = "x = qs.values_list('a') # META\nuser.values( ) headers verify values(";
        let by_words: Vec<(usize, usize, usize)> = words
            .find_iter(text.as_bytes())
            .map(|f| (f.start, f.end, f.word))
            .collect();
        let fallback = Words::Automaton(automaton(&list));
        let by_automaton: Vec<(usize, usize, usize)> = fallback
            .find_iter(text.as_bytes())
            .map(|f| (f.start, f.end, f.word))
            .collect();
        assert_eq!(by_words, by_automaton);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            assert!(
                matches!(words, Words::Packed(_)),
                "Teddy is used where it can be"
            );
        }
        assert_eq!(by_words.len(), 6, "{by_words:?}");
        for searcher in [&words, &fallback] {
            assert!(searcher.is_match("request.META"));
            assert!(!searcher.is_match("nothing here: value, header, environment"));
        }
    }
}
