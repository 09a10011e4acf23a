use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;

/// The writing system of a text, judged by its letters only (digits, punctuation, whitespace,
/// combining marks and modifier letters such as `ʿ` do not count). It decides which spelling
/// rules apply to a name and which form is shown as "original script".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// Arabic script: Persian, plus Arabic, Urdu and Kurdish letters, which names in Persian
    /// records are often typed with.
    Persian,
    /// Latin script, with or without diacritics.
    Latin,
    /// Letters of more than one script.
    Mixed,
    /// Letters only from scripts other than Arabic and Latin (Cyrillic, Hebrew, CJK, ...).
    Other,
    /// No letters at all (empty, whitespace, digits or punctuation only).
    Empty,
}

/// Classifies `text` by the scripts of its letters.
pub fn script(text: &str) -> Script {
    let mut seen = None;
    for s in text.chars().filter_map(letter_script) {
        match seen {
            None => seen = Some(s),
            Some(prev) if prev != s => return Script::Mixed,
            Some(_) => {}
        }
    }
    seen.unwrap_or(Script::Empty)
}

/// The script of one letter, or `None` for anything that is not a letter.
pub(crate) fn letter_script(c: char) -> Option<Script> {
    if !c.is_alphabetic() || is_combining_mark(c) || ('\u{02B0}'..='\u{02FF}').contains(&c) {
        None
    } else if is_arabic_script(c) {
        Some(Script::Persian)
    } else if is_latin(c) {
        Some(Script::Latin)
    } else {
        Some(Script::Other)
    }
}

/// Any code point of the Arabic-script blocks (letters, marks, digits, punctuation).
pub(crate) fn is_arabic_script(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{0870}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
}

fn is_latin(c: char) -> bool {
    matches!(c,
        'a'..='z'
        | 'A'..='Z'
        | '\u{00AA}'
        | '\u{00BA}'
        | '\u{00C0}'..='\u{02AF}'
        | '\u{1D00}'..='\u{1DBF}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}'
        | '\u{FB00}'..='\u{FB06}'
        | '\u{FF21}'..='\u{FF3A}'
        | '\u{FF41}'..='\u{FF5A}')
}
