//! Splitting field names into lower-case words.
//!
//! Names are matched on words, never on substrings: `secretary_name` must not look like a
//! `secret`, nor `tokenizer` like a `token`. Every naming style an API uses splits the same way,
//! so one pattern (`api key`) covers `api_key`, `apiKey`, `ApiKey`, `APIKey`, `api-key` and
//! `api.key`:
//!
//! - any character that is not a letter or a digit separates words (`_`, `-`, `.`, space, ...);
//! - a lower-case letter followed by an upper-case one starts a word (`userPassword`);
//! - in a run of capitals, the last one starts a word when a lower-case letter follows
//!   (`APIKey` → `api key`, `userID` → `user id`);
//! - letters and digits are separate words (`sha256` → `sha 256`, `password2` → `password 2`).

/// The kind of a character, as far as word boundaries go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Upper,
    Lower,
    Digit,
    Separator,
}

fn kind(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Digit
    } else if c.is_uppercase() {
        Kind::Upper
    } else if c.is_alphanumeric() {
        // Lower case, and scripts without case (they never start a word by case).
        Kind::Lower
    } else {
        Kind::Separator
    }
}

/// Split `name` into lower-case words, appended to `out`.
pub fn split_into(name: &str, out: &mut Vec<String>) {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let mut start: Option<usize> = None;
    for (i, &(byte, c)) in chars.iter().enumerate() {
        let here = kind(c);
        if here == Kind::Separator {
            if let Some(s) = start.take() {
                push_word(&name[s..byte], out);
            }
            continue;
        }
        if let Some(s) = start
            && starts_word(&chars, i)
        {
            push_word(&name[s..byte], out);
            start = Some(byte);
        }
        start.get_or_insert(byte);
    }
    if let Some(s) = start {
        push_word(&name[s..], out);
    }
}

/// Split `name` into lower-case words.
pub fn split(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    split_into(name, &mut out);
    out
}

/// Does the character at `i` (not a separator, not the first of its word) start a new word?
fn starts_word(chars: &[(usize, char)], i: usize) -> bool {
    let prev = kind(chars[i - 1].1);
    let here = kind(chars[i].1);
    let next = chars.get(i + 1).map(|&(_, c)| kind(c));
    match (prev, here) {
        (Kind::Digit, Kind::Upper | Kind::Lower) | (Kind::Upper | Kind::Lower, Kind::Digit) => true,
        (Kind::Lower, Kind::Upper) => true,
        // `APIKey`: the `K` starts `Key`.
        (Kind::Upper, Kind::Upper) => next == Some(Kind::Lower),
        _ => false,
    }
}

fn push_word(word: &str, out: &mut Vec<String>) {
    out.push(word.to_lowercase());
}

/// The word is all ASCII digits (`2` in `password2`, `1` in `address_line_1`).
pub fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// The singular forms a plural last word may stand for: `passwords` → `password`,
/// `addresses` → `address` (and `addresse`, harmless: it matches no pattern).
pub fn singulars(word: &str) -> impl Iterator<Item = &str> {
    let es = word.strip_suffix("es").filter(|w| w.len() >= 2);
    let s = word
        .strip_suffix('s')
        .filter(|w| w.len() >= 2 && !w.ends_with('s'));
    es.into_iter().chain(s)
}

/// The name looks like a settings constant: upper-case snake with at least two words
/// (`SECRET_KEY`, `DATABASE_URL`), the way Django settings are spelled.
pub fn is_settings_constant(name: &str) -> bool {
    name.contains('_')
        && name.bytes().any(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_naming_style_the_same_way() {
        for name in [
            "api_key", "apiKey", "ApiKey", "APIKey", "api-key", "api.key", "API_KEY", "api key",
        ] {
            assert_eq!(split(name), ["api", "key"], "{name}");
        }
    }

    #[test]
    fn splits_acronyms_digits_and_separators() {
        assert_eq!(split("userID"), ["user", "id"]);
        assert_eq!(split("HTTPServerURL"), ["http", "server", "url"]);
        assert_eq!(split("sha256"), ["sha", "256"]);
        assert_eq!(split("password2"), ["password", "2"]);
        assert_eq!(split("address_line_1"), ["address", "line", "1"]);
        assert_eq!(split("__private__key__"), ["private", "key"]);
        assert_eq!(split("user.password"), ["user", "password"]);
        assert_eq!(split("2faSecret"), ["2", "fa", "secret"]);
        assert_eq!(split(""), Vec::<String>::new());
        assert_eq!(split("---"), Vec::<String>::new());
        assert_eq!(split("Straße"), ["straße"]);
    }

    #[test]
    fn words_are_not_substrings() {
        assert_eq!(split("secretary_name"), ["secretary", "name"]);
        assert_eq!(split("tokenizer"), ["tokenizer"]);
        assert_eq!(split("username"), ["username"]);
    }

    #[test]
    fn singulars_strip_s_and_es() {
        assert_eq!(singulars("passwords").collect::<Vec<_>>(), ["password"]);
        assert_eq!(
            singulars("addresses").collect::<Vec<_>>(),
            ["address", "addresse"]
        );
        assert_eq!(singulars("address").count(), 0);
        assert_eq!(singulars("s").count(), 0);
    }

    #[test]
    fn settings_constants() {
        assert!(is_settings_constant("SECRET_KEY"));
        assert!(is_settings_constant("AWS_SECRET_ACCESS_KEY"));
        assert!(!is_settings_constant("DEBUG"));
        assert!(!is_settings_constant("secret_key"));
        assert!(!is_settings_constant("Secret_Key"));
    }
}
