use std::borrow::Cow;
use unicode_normalization::char::decompose_canonical;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

use crate::script::is_arabic_script;

/// Normalizes a name for comparison that ignores how it was typed and displayed.
///
/// * Unicode NFKC (presentation forms, ligatures, full-width letters, no-break spaces).
/// * Arabic letter variants become the Persian letter a Persian reader sees: `ي ى ئ` → `ی`,
///   `ك` → `ک`, `ة ۀ` → `ه`, `أ إ ٱ` → `ا`, `ؤ` → `و`. `آ` is kept: it is a distinct
///   letter in Persian spelling (a long initial "ā"), transliteration needs it, and
///   [`crate::match_key`] treats it like `ا` anyway.
/// * Harakat and Quranic marks (U+064B–U+065F, superscript alef U+0670, ...), tatweel, ZWNJ,
///   ZWJ and other zero-width and bidi controls are removed, so `حسین‌زاده` equals `حسینزاده`.
/// * Persian and Arabic-Indic digits become ASCII digits.
/// * Other letters are lowercased and lose their diacritics (`é` → `e`, `ā` → `a`); letters of
///   scripts that need their marks (Devanagari, ...) keep them. Apostrophes and transliteration
///   signs for ʿayn and hamza (`' ’ ʿ ʾ`) are removed: `Ja'fari` equals `Jafari`.
/// * Hyphens become spaces; whitespace is collapsed and trimmed. Other punctuation is kept.
///
/// The result is a fixed point: `normalize(&normalize(x)) == normalize(x)`.
pub fn normalize(text: &str) -> String {
    // Apostrophes go before NFKC, which would turn `´` into a space and a combining accent.
    let text: Cow<str> = if text.chars().any(is_apostrophe) {
        Cow::Owned(text.chars().filter(|&c| !is_apostrophe(c)).collect())
    } else {
        Cow::Borrowed(text)
    };
    // Most names are already in NFKC (the quick check is a table lookup per character);
    // decomposing and recomposing them is most of the cost of this function.
    let text = nfkc(&text);
    let mut out = Spacer::default();
    out.text.reserve(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if is_invisible(c) || is_apostrophe(c) {
            continue;
        }
        if c.is_whitespace() || is_hyphen(c) {
            out.space();
            continue;
        }
        let c = fold_arabic(c);
        if is_arabic_script(c) {
            if !is_arabic_mark(c) {
                out.push(c);
            }
            continue;
        }
        for lower in c.to_lowercase() {
            let mut base = String::new();
            let mut stripped = false;
            decompose_canonical(lower, |d| {
                if is_diacritic(d) {
                    stripped = true;
                } else {
                    base.push(d);
                }
            });
            if stripped {
                base.nfc().for_each(|b| out.push(b));
            } else {
                out.push(lower);
            }
        }
    }
    // Removing a zero-width character can leave a decomposed sequence (Hangul jamo, ...).
    match is_nfc_quick(out.text.chars()) {
        IsNormalized::Yes => out.text,
        _ => out.text.nfc().collect(),
    }
}

/// `text` in NFKC, borrowed when it already is.
pub(crate) fn nfkc(text: &str) -> Cow<'_, str> {
    match is_nfkc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfkc().collect()),
    }
}

/// Builds text with runs of whitespace collapsed to one space and no space at either end.
#[derive(Default)]
pub(crate) struct Spacer {
    pub(crate) text: String,
    pending: bool,
}

impl Spacer {
    pub(crate) fn space(&mut self) {
        self.pending = !self.text.is_empty();
    }

    pub(crate) fn push(&mut self, c: char) {
        if self.pending {
            self.text.push(' ');
            self.pending = false;
        }
        self.text.push(c);
    }
}

/// Folds Arabic-script digits to ASCII and Arabic letter variants to the Persian letter.
pub(crate) fn fold_arabic(c: char) -> char {
    match c {
        '\u{06F0}'..='\u{06F9}' => ascii_digit(c as u32 - 0x06F0),
        '\u{0660}'..='\u{0669}' => ascii_digit(c as u32 - 0x0660),
        'ي' | 'ى' | 'ئ' => 'ی',
        'ك' | 'ڪ' => 'ک',
        'ة' | 'ۀ' | 'ۂ' | 'ہ' | 'ھ' => 'ه',
        'أ' | 'إ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ؤ' => 'و',
        _ => c,
    }
}

fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// Harakat, Quranic annotation signs and other Arabic combining marks.
pub(crate) fn is_arabic_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{08CA}'..='\u{08FF}')
}

/// Zero-width and bidi format characters, soft hyphen and tatweel: invisible in display.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0640}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}')
}

/// Apostrophes and the signs used for ʿayn and hamza in transliterations.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{00B4}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{2032}'
            | '\u{02B9}'
            | '\u{02BB}'
            | '\u{02BC}'
            | '\u{02BD}'
            | '\u{02BE}'
            | '\u{02BF}'
            | '\u{02C8}'
            | '\u{FF07}'
    )
}

fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{058A}' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Combining diacritics of Latin, Greek and Cyrillic letters.
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}
