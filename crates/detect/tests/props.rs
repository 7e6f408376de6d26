//! Property tests for the checksum validators (Luhn, IBAN mod-97, SSN rules) and for the
//! robustness of `detect` on arbitrary input.

use overshare_detect::{
    NameHint, ValueKind, detect, iban_lengths, iban_valid, luhn_valid, ssn_valid,
};
use proptest::prelude::*;

/// The Luhn check digit that makes `payload` + digit valid (independent implementation: double
/// every second digit from the right of the *final* number).
fn luhn_check_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn digits_to_string(d: &[u8]) -> String {
    d.iter().map(|x| char::from(b'0' + x)).collect()
}

/// ISO 7064 mod 97-10 the textbook way: expand letters to two digits, then reduce the decimal
/// string nine digits at a time.
fn reference_mod97(rearranged: &str) -> u64 {
    let expanded: String = rearranged
        .chars()
        .map(|c| match c {
            '0'..='9' => c.to_string(),
            _ => (c as u32 - 'A' as u32 + 10).to_string(),
        })
        .collect();
    let mut rem = 0u64;
    for chunk in expanded.as_bytes().chunks(7) {
        let s = format!("{rem}{}", std::str::from_utf8(chunk).unwrap());
        rem = s.parse::<u64>().unwrap() % 97;
    }
    rem
}

/// Build a valid IBAN from a country and a BBAN by computing its check digits.
fn make_iban(country: &str, bban: &str) -> String {
    let rem = reference_mod97(&format!("{bban}{country}00"));
    format!("{country}{:02}{bban}", 98 - rem)
}

fn group4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

fn country_and_bban() -> impl Strategy<Value = (String, String)> {
    let table = iban_lengths();
    (0..table.len()).prop_flat_map(move |i| {
        let (country, len) = table[i];
        proptest::collection::vec(
            prop_oneof![3 => proptest::char::range('0', '9'), 1 => proptest::char::range('A', 'Z')],
            len - 4,
        )
        .prop_map(move |chars| (country.to_string(), chars.into_iter().collect()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn luhn_generated_numbers_validate(payload in proptest::collection::vec(0u8..10, 11..19)) {
        let mut digits = payload.clone();
        digits.push(luhn_check_digit(&payload));
        let s = digits_to_string(&digits);
        prop_assert!(luhn_valid(&s), "{s}");
        // Separators do not matter.
        prop_assert!(luhn_valid(&group4(&s)));
        prop_assert!(luhn_valid(&group4(&s).replace(' ', "-")));
    }

    #[test]
    fn luhn_catches_every_single_digit_change(
        payload in proptest::collection::vec(0u8..10, 11..19),
        pos in any::<prop::sample::Index>(),
        delta in 1u8..10,
    ) {
        let mut digits = payload.clone();
        digits.push(luhn_check_digit(&payload));
        let i = pos.index(digits.len());
        digits[i] = (digits[i] + delta) % 10;
        prop_assert!(!luhn_valid(&digits_to_string(&digits)));
    }

    #[test]
    fn luhn_catches_adjacent_transpositions(
        payload in proptest::collection::vec(0u8..10, 11..19),
        pos in any::<prop::sample::Index>(),
    ) {
        let mut digits = payload.clone();
        digits.push(luhn_check_digit(&payload));
        let i = pos.index(digits.len() - 1);
        let (a, b) = (digits[i], digits[i + 1]);
        // Luhn's one blind spot: 09 <-> 90.
        prop_assume!(a != b && !matches!((a, b), (0, 9) | (9, 0)));
        digits.swap(i, i + 1);
        prop_assert!(!luhn_valid(&digits_to_string(&digits)));
    }

    #[test]
    fn generated_visa_numbers_are_detected_as_cards(payload in proptest::collection::vec(0u8..10, 14)) {
        let mut digits = vec![4];
        digits.extend(&payload);
        digits.push(luhn_check_digit(&digits));
        let s = group4(&digits_to_string(&digits));
        let d = detect(&s, NameHint::default()).expect("detected");
        prop_assert_eq!(d.kind, ValueKind::CardNumber);
        prop_assert_eq!(d.detail.as_deref(), Some("issuer=visa"));
        prop_assert_eq!(d.safe_prefix, format!("{} ", &s[..4]));
    }

    #[test]
    fn generated_ibans_validate((country, bban) in country_and_bban()) {
        let iban = make_iban(&country, &bban);
        prop_assert!(iban_valid(&iban), "{iban}");
        prop_assert!(iban_valid(&group4(&iban)), "{iban}");
        // The check digits we computed are the ones the validator accepts, and no others.
        let check: u32 = iban[2..4].parse().unwrap();
        for other in (2..=98).filter(|&c| c != check) {
            let altered = format!("{country}{other:02}{bban}");
            prop_assert!(!iban_valid(&altered), "{altered}");
        }
    }

    #[test]
    fn generated_ibans_are_detected((country, bban) in country_and_bban()) {
        let iban = group4(&make_iban(&country, &bban));
        let d = detect(&iban, NameHint::default());
        prop_assert_eq!(d.map(|d| d.kind), Some(ValueKind::Iban), "{}", iban);
    }

    #[test]
    fn iban_single_substitution_fails(
        (country, bban) in country_and_bban(),
        pos in any::<prop::sample::Index>(),
        delta in 1u8..10,
    ) {
        let iban = make_iban(&country, &bban);
        let mut bytes = iban.clone().into_bytes();
        // Change one BBAN or check character within its class (digit stays digit, letter
        // stays letter): mod 97 detects every such substitution.
        let i = 2 + pos.index(bytes.len() - 2);
        bytes[i] = if bytes[i].is_ascii_digit() {
            b'0' + (bytes[i] - b'0' + delta) % 10
        } else {
            b'A' + (bytes[i] - b'A' + delta) % 26
        };
        let altered = String::from_utf8(bytes).unwrap();
        prop_assert!(!iban_valid(&altered), "{iban} -> {altered}");
    }

    #[test]
    fn ssn_invalid_areas_are_always_rejected(
        area in prop_oneof![Just(0u32), Just(666u32), 900u32..1000],
        group in 0u32..100,
        serial in 0u32..10000,
    ) {
        let ssn = format!("{area:03}-{group:02}-{serial:04}");
        prop_assert!(!ssn_valid(&ssn), "{ssn}");
        prop_assert!(!ssn_valid(&ssn.replace('-', "")));
        prop_assert!(detect(&ssn, NameHint::default()).is_none_or(|d| d.kind != ValueKind::UsSsn));
    }

    #[test]
    fn ssn_zero_group_or_serial_is_rejected(area in 1u32..900, group in 0u32..100, serial in 0u32..10000) {
        let zero_group = format!("{area:03}-00-{serial:04}");
        let zero_serial = format!("{area:03}-{group:02}-0000");
        prop_assert!(!ssn_valid(&zero_group), "{}", zero_group);
        prop_assert!(!ssn_valid(&zero_serial), "{}", zero_serial);
    }

    #[test]
    fn ssn_valid_ranges_are_accepted_and_detected(
        area in (1u32..900).prop_filter("666", |a| *a != 666),
        group in 1u32..100,
        serial in 1u32..10000,
    ) {
        let ssn = format!("{area:03}-{group:02}-{serial:04}");
        prop_assume!(!["078-05-1120", "219-09-9999", "457-55-5462", "123-45-6789"].contains(&ssn.as_str()));
        prop_assert!(ssn_valid(&ssn), "{ssn}");
        prop_assert!(ssn_valid(&ssn.replace('-', "")));
        let d = detect(&ssn, NameHint::default());
        prop_assert_eq!(d.map(|d| d.kind), Some(ValueKind::UsSsn), "{}", ssn);
    }

    #[test]
    fn detect_never_panics(s in any::<String>(), secret in any::<bool>(), settings in any::<bool>()) {
        let _ = detect(&s, NameHint { secret_like: secret, settings_like: settings });
    }

    #[test]
    fn detect_never_panics_near_markers(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("-----BEGIN PRIVATE KEY-----".to_string()),
                Just("-----END PRIVATE KEY-----".to_string()),
                Just("://".to_string()), Just("eyJ".to_string()), Just("AKIA".to_string()),
                Just("ghp_".to_string()), Just("xoxb-".to_string()), Just("sk_live_".to_string()),
                Just("AIza".to_string()), Just("SG.".to_string()), Just("pbkdf2_sha256$".to_string()),
                Just("argon2$argon2id$".to_string()), Just("$2b$".to_string()), Just("$6$rounds=".to_string()),
                Just("Password=".to_string()), Just("%7B".to_string()), Just("{\"a\":".to_string()),
                Just("@".to_string()), Just("+1 ".to_string()), Just("(".to_string()), Just(":".to_string()),
                "[A-Za-z0-9+/=._-]{0,12}",
                "\\PC{0,4}",
            ],
            0..12,
        ),
        secret in any::<bool>(),
    ) {
        let s: String = parts.concat();
        let _ = detect(&s, NameHint { secret_like: secret, settings_like: secret });
    }

    #[test]
    fn lowercase_words_are_never_detected(s in "[a-z]{1,30}( [a-z]{1,12}){0,6}") {
        prop_assert_eq!(detect(&s, NameHint::default()), None);
    }

    #[test]
    fn plain_integers_are_never_phones_and_cards_only_when_valid(n in any::<u64>()) {
        let s = n.to_string();
        if let Some(d) = detect(&s, NameHint::default()) {
            prop_assert_eq!(d.kind, ValueKind::CardNumber, "{}", s);
            prop_assert!(luhn_valid(&s) && (13..=19).contains(&s.len()));
        }
    }
}

#[test]
fn reference_iban_construction_matches_registry_example() {
    // DE89 3704 0044 0532 0130 00 from the IBAN registry.
    assert_eq!(
        make_iban("DE", "370400440532013000"),
        "DE89370400440532013000"
    );
}
