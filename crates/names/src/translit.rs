use std::collections::HashMap;

use unicode_normalization::char::decompose_canonical;

use crate::key::{is_persian_consonant, waw_is_consonant};
use crate::lexicon::{DICTIONARY, PREFIXES, SUFFIXES};
use crate::normalize::{Spacer, fold_arabic, is_arabic_mark, is_invisible};
use crate::script::{Script, is_arabic_script, letter_script};

const ZWNJ: char = '\u{200C}';

/// Readable Latin transliteration of Persian-script text, for display and for people who do
/// not read Persian. It is not reversible and not a matching key (use [`crate::match_key`]).
///
/// Each Persian word is looked up in a built-in dictionary of common Iranian names with their
/// usual English spellings (`محمد` → `Mohammad`, `حسینی` → `Hosseini`); otherwise it is split
/// into known names and affixes (`پورمحمدی` → `Pourmohammadi`, `حسین‌زاده` → `Hosseinzadeh`,
/// `غلامرضا` → `Gholamreza`); otherwise letter rules apply, guessing the unwritten short
/// vowels. Parts joined by ZWNJ that are names of their own are hyphenated
/// (`هاشمی‌رفسنجانی` → `Hashemi-Rafsanjani`). Words are title-cased and the output for
/// Persian-script input is ASCII. Words without Persian letters are returned as they are,
/// with whitespace collapsed and trimmed.
pub fn transliterate(text: &str) -> String {
    let text = crate::normalize::nfkc(text);
    let mut out = Spacer::default();
    for token in text.split_whitespace() {
        out.space();
        if token.chars().any(is_arabic_script) {
            persian_token(token).chars().for_each(|c| out.push(c));
        } else {
            token
                .chars()
                .filter(|&c| !is_invisible(c))
                .for_each(|c| out.push(c));
        }
    }
    out.text
}

/// A whitespace-free token containing Persian script: words of Persian letters (with ZWNJ)
/// are transliterated, everything else is kept if ASCII or folded to ASCII.
fn persian_token(token: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in token.chars().map(fold_arabic) {
        if c == ZWNJ || letter_script(c) == Some(Script::Persian) {
            word.push(c);
        } else if !is_invisible(c) && !is_arabic_mark(c) {
            out.push_str(&transliterate_word(&std::mem::take(&mut word)));
            push_ascii(c, &mut out);
        }
    }
    out.push_str(&transliterate_word(&word));
    out
}

fn push_ascii(c: char, out: &mut String) {
    match c {
        '،' | '٬' => out.push(','),
        '؛' => out.push(';'),
        '؟' => out.push('?'),
        '٫' | '۔' => out.push('.'),
        '٪' => out.push('%'),
        '«' | '»' => out.push('"'),
        _ => decompose_canonical(c, |d| {
            if d.is_ascii() {
                out.push(d);
            }
        }),
    }
}

fn transliterate_word(word: &str) -> String {
    let joined: String = word.chars().filter(|&c| c != ZWNJ).collect();
    if let Some(latin) = DICTIONARY.get(&joined) {
        return (*latin).to_string();
    }
    let mut out = String::new();
    for part in word.split(ZWNJ).filter(|p| !p.is_empty()) {
        let latin = part_latin(part);
        if out.is_empty() {
            out = capitalize(&latin);
        } else if part == "ای" {
            // The suffix -e'i: خامنه‌ای → Khamenei.
            if out.ends_with("eh") {
                out.pop();
            }
            out.push('i');
        } else if SUFFIXES.iter().any(|&(fa, _)| fa == part) {
            out.push_str(&latin);
        } else {
            out.push('-');
            out.push_str(&capitalize(&latin));
        }
    }
    out
}

/// Lowercase transliteration of a word without ZWNJ: dictionary, then known pieces, then rules.
fn part_latin(part: &str) -> String {
    if let Some(latin) = DICTIONARY.get(part) {
        return latin.to_lowercase();
    }
    let chars: Vec<char> = part.chars().collect();
    segment(&chars).unwrap_or_else(|| letter_rules(&chars))
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Piece {
    Start,
    Prefix,
    Name,
    Suffix,
}

/// Splits a word into dictionary names and affixes (fewest pieces wins) and joins their
/// spellings: `پور|محمد|ی` → `pourmohammadi`. `None` if the word has no such split.
fn segment(word: &[char]) -> Option<String> {
    let mut memo = HashMap::new();
    best_split(word, 0, Piece::Start, &mut memo).map(|(_, latin)| latin)
}

/// Best split of the rest of a word from a position, given the kind of piece before it.
type Memo = HashMap<(usize, Piece), Option<(usize, String)>>;

fn best_split(word: &[char], at: usize, before: Piece, memo: &mut Memo) -> Option<(usize, String)> {
    if at == word.len() {
        return (before != Piece::Start && before != Piece::Prefix).then(|| (0, String::new()));
    }
    let state = (at, before);
    if let Some(known) = memo.get(&state) {
        return known.clone();
    }
    let mut best: Option<(usize, String)> = None;
    for end in (at + 1..=word.len()).rev() {
        let piece: String = word[at..end].iter().collect();
        let mut options: Vec<(Piece, String)> = Vec::new();
        if let Some(latin) = DICTIONARY.get(&piece) {
            options.push((Piece::Name, latin.to_lowercase()));
        }
        let affixes = if before == Piece::Start {
            PREFIXES
        } else {
            SUFFIXES
        };
        if let Some(&(_, latin)) = affixes.iter().find(|&&(fa, _)| fa == piece) {
            let kind = if before == Piece::Start {
                Piece::Prefix
            } else {
                Piece::Suffix
            };
            options.push((kind, latin.to_string()));
        }
        if before == Piece::Name {
            match piece.as_str() {
                "ی" => options.push((Piece::Suffix, "i".to_string())),
                "یی" => options.push((Piece::Suffix, "ei".to_string())),
                _ => {}
            }
        }
        for (kind, latin) in options {
            if let Some((count, rest)) = best_split(word, end, kind, memo)
                && best
                    .as_ref()
                    .is_none_or(|(best_count, _)| count + 1 < *best_count)
            {
                best = Some((count + 1, latin + &rest));
            }
        }
    }
    memo.insert(state, best.clone());
    best
}

#[derive(Clone, Copy, PartialEq)]
enum Sound {
    Consonant(&'static str),
    Vowel(&'static str),
}

/// Letter-by-letter transliteration with guessed short vowels: Persian syllables start with
/// one consonant, so a vowel is inserted where two consonants could not otherwise be
/// pronounced (`حسن` → `hasan`); after `ا` the guess is "e", as in the common pattern
/// `کاظم` → `kazem`, `ناصر` → `naser`.
fn letter_rules(word: &[char]) -> String {
    let sounds = sounds(word);
    let mut out = String::new();
    let mut after_vowel = false;
    let mut after_long_a = false;
    for (i, sound) in sounds.iter().enumerate() {
        match *sound {
            Sound::Vowel(v) => {
                out.push_str(v);
                after_vowel = true;
                after_long_a = v == "a";
            }
            Sound::Consonant(c) => {
                out.push_str(c);
                let rest = sounds.get(i + 2..).unwrap_or_default();
                let insert = matches!(sounds.get(i + 1), Some(Sound::Consonant(_)))
                    && (!after_vowel
                        || rest.is_empty()
                        || (after_long_a && rest == [Sound::Vowel("eh")]));
                if insert {
                    out.push(if after_long_a { 'e' } else { 'a' });
                }
                after_vowel = insert;
                after_long_a = false;
            }
        }
    }
    out
}

fn sounds(w: &[char]) -> Vec<Sound> {
    use Sound::{Consonant as C, Vowel as V};
    let mut out = Vec::with_capacity(w.len());
    let mut i = 0;
    while i < w.len() {
        let prev = i.checked_sub(1).map(|j| w[j]);
        let next = w.get(i + 1).copied();
        let last = next.is_none();
        let vowel_waw_next = next == Some('و') && !matches!(w.get(i + 2), Some('ا' | 'ی' | 'و'));
        let sound = match w[i] {
            'ا' | 'ع' if i == 0 && next == Some('ی') => {
                i += 1;
                V("i")
            }
            'ا' | 'ع' if i == 0 && vowel_waw_next => {
                i += 1;
                V("ou")
            }
            'ع' if i == 0 && next == Some('ا') => {
                i += 1;
                V("a")
            }
            'ا' | 'آ' => V("a"),
            'ع' if i == 0 => V("a"),
            'ع' if last && prev.is_some_and(is_persian_consonant) => V("e"),
            'ع' => C(""),
            'و' if prev == Some('خ') && next == Some('ا') => C(""),
            'و' if waw_is_consonant(w, i) => C("v"),
            'و' if last => V("o"),
            'و' => V("ou"),
            'ی' if i == 0 || (matches!(prev, Some('ا' | 'آ')) && !last) => C("y"),
            'ی' => V("i"),
            'ه' if last && prev.is_some_and(is_persian_consonant) => V("eh"),
            c => C(consonant(c)),
        };
        out.push(sound);
        i += 1;
    }
    out.retain(|&s| s != C(""));
    out
}

fn consonant(c: char) -> &'static str {
    match c {
        'ب' => "b",
        'پ' => "p",
        'ت' | 'ط' => "t",
        'ث' | 'س' | 'ص' => "s",
        'ج' => "j",
        'چ' => "ch",
        'ح' | 'ه' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' | 'ز' | 'ض' | 'ظ' => "z",
        'ر' => "r",
        'ژ' => "zh",
        'ش' => "sh",
        'غ' | 'ق' => "gh",
        'ف' => "f",
        'ک' => "k",
        'گ' => "g",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        _ => "",
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
