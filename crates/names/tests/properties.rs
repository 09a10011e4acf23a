use proptest::prelude::*;
use rightsdoc_names::{match_key, match_key_tokens, normalize, transliterate};

/// Characters that exercise the normalization rules: Persian and Arabic letter variants,
/// harakat, tatweel, zero-width and bidi marks, digits, Latin with diacritics and
/// apostrophes, hyphens and spaces, presentation forms, Hangul jamo and other combining marks.
const INTERESTING: &[char] = &[
    'ا', 'آ', 'أ', 'إ', 'ٱ', 'ء', 'ؤ', 'ئ', 'ي', 'ى', 'ی', 'ك', 'ک', 'ة', 'ه', 'ۀ', 'و', 'ع', 'ل',
    'م', 'ح', 'د', 'ر', 'ض', 'س', 'ن', 'ش', 'ژ', 'گ', 'پ', 'چ', 'خ', 'ق', 'غ', 'ف', 'ز', 'ب', 'ت',
    '\u{064B}', '\u{064E}', '\u{0651}', '\u{0653}', '\u{0654}', '\u{0670}', '\u{0640}', '\u{200C}',
    '\u{200D}', '\u{200E}', '\u{200F}', '\u{FEFF}', '۱', '۳', '٩', '1', 'a', 'e', 'i', 'o', 'u',
    'y', 'w', 'v', 'h', 's', 'k', 'g', 'z', 'c', 'q', 'x', 'd', 'j', 'l', 'r', 'b', 'A', 'É', 'ā',
    'ß', 'İ', 'Σ', 'ǅ', '\'', '’', 'ʿ', 'ʾ', '´', '¨', '-', '–', ' ', '\t', '\u{00A0}', '.', ',',
    '(', 'ﻋ', 'ﻻ', 'ﷲ', 'Ａ', 'ᄀ', 'ᅡ', '\u{0301}', '\u{0308}', 'क', '\u{093C}', 'Ж',
];

fn interesting_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(INTERESTING), 0..24).prop_map(String::from_iter),
        any::<String>(),
    ]
}

/// Text a Persian record may hold: Arabic-script code points (letters, marks, digits,
/// punctuation, presentation forms), ZWNJ, spaces, ASCII digits and punctuation.
fn persian_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        8 => prop::char::range('\u{0600}', '\u{06FF}'),
        1 => prop::char::range('\u{FB50}', '\u{FDFF}'),
        1 => prop::char::range('\u{FE70}', '\u{FEFF}'),
        1 => prop::sample::select(vec!['\u{200C}', ' ', '-', '.', '0', '9']),
    ];
    prop::collection::vec(c, 0..24).prop_map(String::from_iter)
}

proptest! {
    #[test]
    fn normalize_is_idempotent(text in interesting_text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn match_key_ignores_what_normalize_removes(text in interesting_text()) {
        prop_assert_eq!(match_key(&normalize(&text)), match_key(&text));
        prop_assert_eq!(match_key_tokens(&text).join(" "), match_key(&text));
    }

    #[test]
    fn match_key_never_panics(text in any::<String>()) {
        let key = match_key(&text);
        prop_assert!(!key.starts_with(' ') && !key.ends_with(' ') && !key.contains("  "));
    }

    #[test]
    fn transliteration_of_persian_is_ascii(text in persian_text()) {
        let latin = transliterate(&text);
        prop_assert!(latin.is_ascii(), "{:?} -> {:?}", text, latin);
    }
}
