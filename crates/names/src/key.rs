//! Matching keys: a consonant skeleton per word, shared by Persian and Latin spellings.
//!
//! Persian writes consonants and long vowels but not short vowels; Latin spellings write all
//! vowels, inconsistently (`Mohammad`, `Muhammad`, `Mohammed`). A key therefore keeps what both
//! scripts agree on:
//!
//! * consonants, folded to one class per sound: `ث س ص` = s, `ذ ز ض ظ` = z, `ت ط` = t,
//!   `ح ه` = h, `غ ق` = `gh`/`q` = q, `خ` = `kh` = x, `چ` = `ch` = c, `ج ژ` =
//!   `j`/`zh`/`jh`/`dj` = j (`Jila`/`Zhila`, `Pejman`/`Pezhman` are the same names), `ش` = `sh`;
//!   letters doubled in Latin (`Hassan`, `Mohammad`) count once;
//! * `y` wherever Persian writes `ی` and Latin writes `i`, `y`, `ee`, `ei`, `ae` (`Hossein` is
//!   not `Hassan`, `Karimi` is not `Karami`);
//! * `v` for a consonantal `و` (word-initial, after `ا`, before `ا` or `ی`: `Javad`, `Alavi`,
//!   `Mousavi`), so `Ali` is not `Alavi`;
//! * `u` for a vowel `و` right before the last consonant of a word (`ou`, `oo`, `u` in Latin),
//!   so `Mahmoud` (محمود) is not `Mohammad` (محمد); elsewhere it is dropped, because Latin
//!   `o`/`u` is as often an unwritten short vowel (`Hossein`, `Mostafa`);
//! * a leading `a` when the word starts with a vowel (`ا آ ع` or a Latin vowel), so short
//!   names keep their first sound class;
//! * final `h`: `Fatemeh` and `فاطمه` both keep it; a Latin final `e` after a consonant counts
//!   as `eh` (`Fateme`, `Zade`), so `Hamideh` stays apart from `Hamid`.
//!
//! Word-level rules make joined and separated spellings meet: the Arabic article in
//! `Abdol-Karim`, `Abd al-Karim`, `عبدالکریم`, `Nasr al-Din`, `نصرالدین`; the affixes
//! `-zadeh`, `-pour`/`Pour-`, `-nejad`, `-nia`, `-far`, `-rad`, `-manesh`, `-abadi`
//! (`Hossein Zadeh` = `Hosseinzadeh` = `حسین‌زاده`, one token); the suffixes `-vand`, `-lou`,
//! `-khani`, `-beigi`, `-doust` and the titles `Mir-`, `Amir-`, `Haj-`, `Agha-`, `Sheikh-`
//! keyed apart from a name they are joined to (`محمودوند` = `Mahmoudvand`); compound given names
//! (`Mohammadreza` = `Mohammad Reza` = `محمدرضا`, two tokens). The title `Seyed` (`Seyyed`,
//! `Sayyid`, `سید`, ...) gets its own token `syyd`, kept but not confused with `Saeed`.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::char::is_combining_mark;

use crate::normalize::normalize;
use crate::script::{Script, letter_script};

/// First letter of a key whose word starts with a vowel. Never a consonant class.
const VOWEL_START: char = 'a';

/// The keys of the title Seyed (male) and Seyedeh (female), in every spelling. General keys
/// never have two `y` in a row, so these cannot be the key of a name.
const SEYED_KEY: &str = "syyd";
const SEYEDEH_KEY: &str = "syydh";
#[rustfmt::skip]
const SEYED_FORMS: &[&str] = &[
    "سید", "seyed", "seyyed", "sayed", "sayyed", "sayyid", "seyyid", "sayid", "seyid", "seied",
    "syed", "seyd",
];
#[rustfmt::skip]
const SEYEDEH_FORMS: &[&str] = &[
    "سیده", "seyedeh", "seyyedeh", "sayedeh", "sayyedeh", "seyede", "seyyede", "sayyida",
];

/// Words that are glued to the following word: the first half of `Abd ol-`, `Abu al-`,
/// `Zol-` names and of the prefix `Pour-`.
#[rustfmt::skip]
const GLUE_NEXT: &[&str] = &[
    "abd", "abdol", "abdul", "abdel", "abdal", "abdu", "abu", "abo", "abol", "abul", "zol",
    "zul", "عبد", "عبدال", "ابو", "ابوال", "ذو", "ذوال",
];
/// The Arabic article on its own (`Nasr al-Din`, `Vosough od-Dowleh`): glued on both sides.
const ARTICLES: &[&str] = &[
    "al", "ol", "ul", "el", "ad", "ed", "od", "ud", "ar", "or", "ur", "as", "os", "us", "es",
    "ash", "osh", "esh", "az", "oz", "ez", "an", "on", "un", "at", "ot",
];
/// Second halves written as a word of their own but belonging to the word before.
const GLUE_PREVIOUS: &[&str] = &[
    "allah", "ollah", "ullah", "eddin", "oddin", "uddin", "addin",
];
/// Family-name affixes, written joined, hyphenated or apart. `pour` is also a prefix.
const SUFFIXES_LATIN: &[&str] = &[
    "zadeh", "zade", "nejad", "nezhad", "nejhad", "nia", "far", "rad", "manesh", "abadi", "pour",
    "poor", "pur",
];
#[rustfmt::skip]
const SUFFIXES_PERSIAN: &[&str] = &[
    "زاده", "نژاد", "نیا", "فر", "راد", "منش", "آبادی", "ابادی", "پور",
];
/// `Pour-`, written joined or apart; glued to the word after it.
const PREFIXES_LATIN: &[&str] = &["pour", "poor", "pur"];
const PREFIXES_PERSIAN: &[&str] = &["پور"];
/// Suffixes keyed apart from the name before them but never glued to a separate word: each is
/// also a family name of its own (`Doust`, `Khani`, `Beigi`). Keyed apart, `محمودوند` meets
/// `Mahmoudvand` (the `و` of `-vand` after a consonant would otherwise read as a vowel) and
/// `مصطفی‌خانی` meets `Mostafakhani` (the final `ی` of `مصطفی` is read as "a" only at a
/// word's end).
const SPLIT_SUFFIXES_LATIN: &[&str] = &[
    "vand", "lou", "loo", "lu", "khani", "beigi", "beygi", "baigi", "doust", "doost", "dust",
];
#[rustfmt::skip]
const SPLIT_SUFFIXES_PERSIAN: &[&str] = &["وند", "لو", "خانی", "بیگی", "دوست"];
/// Titles written joined to a family name (`Mirhosseini`, `Hajrezaei`, `Aghaebrahimi`):
/// keyed apart, so that a letter doubled at the seam (`میررضایی`, `Mirrezaei`) counts once
/// and the name after them starts a word (`Aghaebrahimi`: `ae` is not one vowel).
const TITLES_LATIN: &[&str] = &[
    "mir", "amir", "haj", "hadj", "agha", "aqa", "sheikh", "sheykh", "shaikh",
];
const TITLES_PERSIAN: &[&str] = &["میر", "امیر", "حاج", "آقا", "شیخ"];
/// Second elements that follow the Arabic article inside a name (`Hojjat-ol-Eslam`).
const ARTICLE_SUFFIXES_LATIN: &[&str] = &[
    "din", "abedin", "abidin", "eslam", "islam", "molk", "mulk", "dowleh", "doleh", "dowla",
    "dawla", "saltaneh", "saltane", "hagh", "haq", "hoda", "huda", "zaman", "nabi",
];
#[rustfmt::skip]
const ARTICLE_SUFFIXES_PERSIAN: &[&str] = &[
    "له", "دین", "عابدین", "اسلام", "ملک", "دوله", "سلطنه", "حق", "هدی", "زمان", "نبی",
];
/// Names whose final `ی` is read as "a" (alef maqsura): `مصطفی` = Mostafa, not "Mostafi".
#[rustfmt::skip]
const ALEF_MAQSURA: &[&str] = &[
    "مصطفی", "مرتضی", "موسی", "عیسی", "یحیی", "مجتبی", "هدی", "کبری", "صغری", "طوبی", "بشری",
    "عظمی",
];
/// First and second elements of compound given names, split into two tokens when joined.
const COMPOUND_FIRST: &[&str] = &["mohammad", "ali", "gholam", "hossein", "amir", "mir"];
const COMPOUND_SECOND: &[&str] = &[
    "reza", "ali", "hossein", "hassan", "mehdi", "taghi", "naghi", "bagher", "kazem", "javad",
    "sadegh", "jafar", "karim", "amin", "ebrahim", "esmaeil", "akbar", "asghar", "ghasem", "saleh",
    "hadi", "rahim", "hamid", "majid", "saeed", "mostafa", "morteza", "mojtaba", "mohammad",
    "abbas", "ahmad", "yousef", "davoud", "mahmoud", "rasoul", "morad", "naser", "hashem",
    "abolfazl", "sajjad",
];

/// Matching key of a name: the per-word keys of [`match_key_tokens`] joined by single spaces.
/// Two spellings of the same name are expected to have equal keys; see the module
/// documentation for what is kept and what is folded.
pub fn match_key(text: &str) -> String {
    match_key_tokens(text).join(" ")
}

/// Per-word matching keys of a name, for blocking and token-wise comparison (given name and
/// surname in either order, missing middle names). Works on [`normalize`]d text, so
/// `match_key_tokens(&normalize(x)) == match_key_tokens(x)`.
pub fn match_key_tokens(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for word in glue(split_words(&normalize(text))) {
        let key = match word.script {
            Script::Persian => persian_word_key(&word.text),
            Script::Latin => latin_word_key(&word.text),
            _ => word.text,
        };
        if let Some((first, second)) = COMPOUNDS.get(&key) {
            keys.push(first.clone());
            keys.push(second.clone());
        } else if !key.is_empty() {
            keys.push(key);
        }
    }
    keys
}

struct Word {
    script: Script,
    text: String,
}

/// Splits normalized text into words: runs of letters of one script (with their combining
/// marks, which some scripts need).
fn split_words(text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut current = None;
    for c in text.chars() {
        let script = letter_script(c).or(current.filter(|_| is_combining_mark(c)));
        match words.last_mut() {
            Some(word) if script.is_some() && script == current => word.text.push(c),
            _ => {
                if let Some(script) = script {
                    words.push(Word {
                        script,
                        text: c.to_string(),
                    });
                }
            }
        }
        current = script;
    }
    words
}

/// Joins words that are parts of one name element (`abd ol karim`, `hossein zadeh`).
fn glue(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut glue_next = false;
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        let text = word.text.as_str();
        let next_same = words.peek().is_some_and(|n| n.script == word.script);
        let is_article = ARTICLES.contains(&text) && next_same;
        let is_prefix =
            (PREFIXES_LATIN.contains(&text) || PREFIXES_PERSIAN.contains(&text)) && next_same;
        let joins_previous = glue_next
            || is_article
            || GLUE_PREVIOUS.contains(&text)
            || (!is_prefix && (SUFFIXES_LATIN.contains(&text) || SUFFIXES_PERSIAN.contains(&text)))
            || text
                .strip_prefix("ال")
                .is_some_and(|rest| ARTICLE_SUFFIXES_PERSIAN.contains(&rest));
        glue_next = next_same && (is_article || is_prefix || GLUE_NEXT.contains(&text));
        match out.last_mut() {
            Some(prev) if joins_previous && prev.script == word.script => {
                prev.text.push_str(&word.text);
            }
            _ => out.push(word),
        }
    }
    out
}

fn persian_word_key(word: &str) -> String {
    if let Some(key) = seyed_key(word) {
        return key.to_string();
    }
    // Spellings without the second و of a long "u": داود = داوود (Davoud).
    let word = word
        .replace("داود", "داوود")
        .replace("کاوس", "کاووس")
        .replace("طاوس", "طاووس");
    let word = strip_persian_article(&word);
    affixed_key(&word, &PERSIAN_AFFIXES, |part| {
        match part
            .strip_suffix('ی')
            .filter(|_| ALEF_MAQSURA.contains(&part))
        {
            Some(stem) => persian_letters_key(&format!("{stem}ا")),
            None => persian_letters_key(part),
        }
    })
}

fn latin_word_key(word: &str) -> String {
    if let Some(key) = seyed_key(word) {
        return key.to_string();
    }
    let word = strip_latin_article(word);
    affixed_key(&word, &LATIN_AFFIXES, latin_letters_key)
}

fn seyed_key(word: &str) -> Option<&'static str> {
    if SEYED_FORMS.contains(&word) {
        Some(SEYED_KEY)
    } else if SEYEDEH_FORMS.contains(&word) {
        Some(SEYEDEH_KEY)
    } else {
        None
    }
}

/// Drops the `ال` of the Arabic article after `عبد`, `ابو`, `ذو` and before a known second
/// element (`-ollah`, `-oddin`, ...), as Latin spellings assimilate or omit it (`Abdorrahim`,
/// `Nasreddin`) or write it as a doubled letter (`Nasrollah`).
/// Before a vowel (`عبدالعلی`) the `ل` stays: Latin keeps it too (`Abdolali`).
fn strip_persian_article(word: &str) -> String {
    for prefix in ["عبد", "ابو", "ذو"] {
        if let Some(rest) = word.strip_prefix(prefix).and_then(|r| r.strip_prefix("ال"))
            && rest.chars().count() >= 2
            && rest.starts_with(is_persian_consonant)
        {
            return format!("{prefix}{rest}");
        }
    }
    for suffix in ARTICLE_SUFFIXES_PERSIAN {
        if let Some(head) = word.strip_suffix(suffix).and_then(|h| h.strip_suffix("ال"))
            && head.chars().count() >= 2
        {
            return format!("{head}{suffix}");
        }
    }
    word.to_string()
}

/// The Latin counterpart of [`strip_persian_article`]: `abdolkarim` → `abdokarim`,
/// `abolfazl` → `abofazl`, `zolfaghar` → `zofaghar`, `nasraldin` → `nasradin`.
fn strip_latin_article(word: &str) -> String {
    for (prefix, vowels) in [("abd", "aeiou"), ("ab", "aou"), ("z", "ou")] {
        let Some(rest) = word.strip_prefix(prefix) else {
            continue;
        };
        let after_vowels = rest.trim_start_matches(|c| vowels.contains(c));
        let vowel_count = rest.len() - after_vowels.len();
        if let Some(name) = after_vowels.strip_prefix('l')
            && (1..=2).contains(&vowel_count)
            && name.len() >= 3
            && !name.starts_with(is_latin_vowel)
        {
            return format!("{prefix}{}{name}", &rest[..vowel_count]);
        }
    }
    for suffix in ARTICLE_SUFFIXES_LATIN {
        if let Some(head) = word.strip_suffix(suffix).and_then(|h| h.strip_suffix('l'))
            && head.ends_with(is_latin_vowel)
            && head.trim_end_matches(is_latin_vowel).len() >= 2
        {
            return format!("{head}{suffix}");
        }
    }
    word.to_string()
}

/// Affixes keyed apart from the name they are joined to, per script.
struct Affixes {
    /// `Pour-`: keyed apart before any letter.
    pour: &'static [&'static str],
    titles: &'static [&'static str],
    /// A title stays joined before these letters: a Latin `i` may be the title's own `ی`
    /// (`Hajizadeh` is `حاجی‌زاده`) or the start of the name (`Hajismaili`), and a Persian `ی`
    /// is keyed as its Latin `i`.
    ambiguous_after_title: &'static [char],
    suffixes: [&'static [&'static str]; 2],
}

const LATIN_AFFIXES: Affixes = Affixes {
    pour: PREFIXES_LATIN,
    titles: TITLES_LATIN,
    ambiguous_after_title: &['i', 'y'],
    suffixes: [SUFFIXES_LATIN, SPLIT_SUFFIXES_LATIN],
};
const PERSIAN_AFFIXES: Affixes = Affixes {
    pour: PREFIXES_PERSIAN,
    titles: TITLES_PERSIAN,
    ambiguous_after_title: &['ی'],
    suffixes: [SUFFIXES_PERSIAN, SPLIT_SUFFIXES_PERSIAN],
};

/// Keys a word after splitting off a prefix (`Pour-`, `Mir-`) and a family-name suffix, so
/// that joined and separated spellings give the same key (each part is keyed as a word of its
/// own). Parts must keep three letters, so that `Jafar` (`جعفر`) is not `Ja-far`.
fn affixed_key(word: &str, affixes: &Affixes, key: impl Fn(&str) -> String) -> String {
    let mut stem = word;
    let mut out = String::new();
    let pour = affixes.pour.iter().map(|p| (p, &[][..]));
    let titles = (affixes.titles.iter()).map(|p| (p, affixes.ambiguous_after_title));
    if let Some(rest) = pour.chain(titles).find_map(|(p, ambiguous)| {
        stem.strip_prefix(p)
            .filter(|rest| rest.chars().count() >= 3 && !rest.starts_with(ambiguous))
    }) {
        out = key(&stem[..stem.len() - rest.len()]);
        stem = rest;
    }
    let split = affixes
        .suffixes
        .iter()
        .copied()
        .flatten()
        .find_map(|suffix| {
            let head = stem.strip_suffix(suffix)?;
            (head.chars().count() >= 3).then_some((head, *suffix))
        });
    match split {
        Some((head, suffix)) => concat(concat(out, &key(head)), &key(suffix)),
        None => concat(out, &key(stem)),
    }
}

/// Appends the key of a later part of a word: no vowel-start mark, no doubled letter at the seam.
fn concat(mut key: String, part: &str) -> String {
    if key.is_empty() {
        return part.to_string();
    }
    let part = part.strip_prefix(VOWEL_START).unwrap_or(part);
    let mut chars = part.chars().peekable();
    if chars.peek().is_some_and(|&c| key.ends_with(c)) {
        chars.next();
    }
    key.extend(chars);
    key
}

/// Compound given names, joined key → (first key, second key).
static COMPOUNDS: LazyLock<HashMap<String, (String, String)>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for first in COMPOUND_FIRST.iter().map(|w| latin_word_key(w)) {
        for second in COMPOUND_SECOND.iter().map(|w| latin_word_key(w)) {
            let tail = second.strip_prefix(VOWEL_START).unwrap_or(&second);
            // `Mir` + `Reza` joined collapses to `Mirza`'s key: such pairs cannot be split.
            if tail.starts_with(|c| first.ends_with(c)) {
                continue;
            }
            map.insert(format!("{first}{tail}"), (first.clone(), second.clone()));
        }
    }
    map
});

/// Accumulates a key. In Latin spellings a consonant written twice in a row counts once
/// (`Hassan`, `Mohammad`: Persian does not write the doubling), but only the same letter unit
/// directly repeated: not across a vowel (`Momen`) and not `sh` followed by `h` (`Shahram`).
/// Persian letters next to each other stay apart: an unwritten short vowel usually separates
/// them (`الهه` = Elaheh, `ملیحه` = Maliheh).
#[derive(Default)]
struct KeyBuf {
    key: String,
    last_unit: Option<&'static str>,
    geminates_collapse: bool,
}

impl KeyBuf {
    fn latin() -> Self {
        Self {
            geminates_collapse: true,
            ..Self::default()
        }
    }

    fn vowel_start(&mut self) {
        self.key.push(VOWEL_START);
        self.last_unit = None;
    }

    /// One consonant letter, as its class (one or two key characters).
    fn consonant(&mut self, unit: &'static str) {
        if !self.geminates_collapse || self.last_unit != Some(unit) {
            self.key.push_str(unit);
        }
        self.last_unit = Some(unit);
    }

    /// A letter outside the known classes stands for itself.
    fn other(&mut self, c: char) {
        self.key.push(c);
        self.last_unit = None;
    }

    fn vowel(&mut self) {
        self.last_unit = None;
    }

    /// `ی` or a Latin `i`/`y`/`ee`: one `y` however it is spelled.
    fn y(&mut self) {
        if !self.key.ends_with('y') {
            self.key.push('y');
        }
        self.last_unit = None;
    }

    /// A long "u" (`و`, `ou`, `oo`, `u`); kept only before the last consonant, see `finish`.
    fn u(&mut self) {
        if !self.key.ends_with('u') {
            self.key.push('u');
        }
        self.last_unit = None;
    }

    fn finish(self) -> String {
        let chars: Vec<char> = self.key.chars().collect();
        let last_consonant = chars
            .iter()
            .rposition(|&c| c != 'y' && c != 'u')
            .filter(|&i| i > 0 || chars[0] != VOWEL_START);
        let mut key = String::with_capacity(self.key.len());
        for (i, &c) in chars.iter().enumerate() {
            let keep = c != 'u' || Some(i + 1) == last_consonant;
            if keep && !(c == 'y' && key.ends_with('y')) {
                key.push(c);
            }
        }
        key
    }
}

fn persian_letters_key(word: &str) -> String {
    let w: Vec<char> = word.chars().collect();
    let mut key = KeyBuf::default();
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let prev = i.checked_sub(1).map(|j| w[j]);
        let next = w.get(i + 1).copied();
        match c {
            'ا' | 'آ' | 'ع' if i == 0 => {
                key.vowel_start();
                // A following ی or vowel و is part of the initial vowel: ایران, عیسی, اورنگ.
                let absorbed = match next {
                    Some('ی') => true,
                    Some('و') => !matches!(w.get(i + 2), Some('ا' | 'ی' | 'و')),
                    _ => false,
                };
                i += usize::from(absorbed);
            }
            'ا' | 'آ' | 'ء' => key.vowel(),
            // Final ع after a consonant sounds like the final "-e" of ه: زارع = Zare.
            'ع' if next.is_none() && prev.is_some_and(is_persian_consonant) => key.consonant("h"),
            'ع' => key.vowel(),
            'ی' => key.y(),
            // Silent و of خوا: خواجه = Khajeh.
            'و' if prev == Some('خ') && next == Some('ا') => key.vowel(),
            'و' if waw_is_consonant(&w, i) => key.consonant("v"),
            'و' => key.u(),
            // Silent ه before the suffix ای: خامنه‌ای = Khamenei.
            'ه' if prev.is_some_and(is_persian_consonant)
                && matches!(w[i + 1..], ['ا', 'ی'] | ['ی', 'ی']) =>
            {
                key.vowel()
            }
            _ => match persian_consonant(c) {
                Some(class) => key.consonant(class),
                None => key.other(c),
            },
        }
        i += 1;
    }
    key.finish()
}

/// Whether the `و` at `i` is the consonant "v": word-initial, after `ا`, before `ا`, or before
/// a vowel `ی` (`جواد`, `داوود`, `علوی`, `پرویز`); otherwise it is the vowel "u"/"o".
pub(crate) fn waw_is_consonant(w: &[char], i: usize) -> bool {
    i == 0
        || matches!(w[i - 1], 'ا' | 'آ')
        || match w.get(i + 1) {
            Some('ا') => true,
            Some('ی') => !matches!(w.get(i + 2), Some('ا' | 'و')),
            _ => false,
        }
}

pub(crate) fn is_persian_consonant(c: char) -> bool {
    letter_script(c) == Some(Script::Persian) && !matches!(c, 'ا' | 'آ' | 'و' | 'ی' | 'ع' | 'ء')
}

fn persian_consonant(c: char) -> Option<&'static str> {
    Some(match c {
        'ب' => "b",
        'پ' => "p",
        'ت' | 'ط' | 'ٹ' => "t",
        'ث' | 'س' | 'ص' => "s",
        'ج' | 'ژ' => "j",
        'چ' => "c",
        'ح' | 'ه' => "h",
        'خ' => "x",
        'د' | 'ڈ' => "d",
        'ذ' | 'ز' | 'ض' | 'ظ' => "z",
        'ر' | 'ڑ' | 'ڕ' => "r",
        'ش' => "sh",
        'غ' | 'ق' => "q",
        'ف' => "f",
        'ڤ' => "v",
        'ک' => "k",
        'گ' => "g",
        'ل' | 'ڵ' => "l",
        'م' => "m",
        'ن' | 'ں' => "n",
        _ => return None,
    })
}

/// The key unit of a plain Latin letter: the letter itself.
fn latin_consonant(c: char) -> Option<&'static str> {
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
    let i = LETTERS.find(c)?;
    Some(&LETTERS[i..=i])
}

fn is_latin_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn latin_letters_key(word: &str) -> String {
    let mut s: Vec<char> = Vec::with_capacity(word.len() + 1);
    for c in word.chars() {
        match c {
            'ß' => s.extend(['s', 's']),
            'æ' => s.extend(['a', 'e']),
            'œ' => s.extend(['o', 'e']),
            'þ' => s.extend(['t', 'h']),
            'ø' => s.push('o'),
            'đ' | 'ð' => s.push('d'),
            'ł' => s.push('l'),
            'ı' => s.push('i'),
            _ => s.push(c),
        }
    }
    // A final "e" after a consonant is the Persian final ه: Fateme = Fatemeh, Marzie = Marzieh.
    if let [.., before, last, 'e'] = s[..]
        && (!is_latin_vowel(last) || (last == 'i' && !is_latin_vowel(before) && before != 'y'))
    {
        s.push('h');
    }
    let mut key = KeyBuf::latin();
    let mut i = 0;
    while i < s.len() {
        if is_vowel_letter(&s, i) {
            let start = i;
            while i < s.len() && is_vowel_letter(&s, i) {
                i += 1;
            }
            if start == 0 {
                key.vowel_start();
            } else {
                vowel_run(&mut key, &s[start..i]);
            }
            continue;
        }
        let (class, len) = match (s[i], s.get(i + 1)) {
            ('k', Some('h')) => ("x", 2),
            ('g', Some('h')) => ("q", 2),
            ('c', Some('h')) => ("c", 2),
            ('s', Some('h')) => ("sh", 2),
            ('z' | 'j', Some('h')) | ('d', Some('j')) => ("j", 2),
            ('p', Some('h')) => ("f", 2),
            ('c', _) => ("k", 1),
            ('x', _) => ("ks", 1),
            ('w', _) => ("v", 1),
            ('y', _) => {
                key.y();
                i += 1;
                continue;
            }
            (c, _) => match latin_consonant(c) {
                Some(class) => (class, 1),
                None => {
                    key.other(c);
                    i += 1;
                    continue;
                }
            },
        };
        key.consonant(class);
        i += len;
    }
    key.finish()
}

/// Whether the letter at `i` belongs to a vowel run: a vowel, `y` except a word-initial
/// consonant `y` (`Yousef`), and `w`/`v` after a vowel and not before one (`Nowruz`, `Mowlavi`).
fn is_vowel_letter(s: &[char], i: usize) -> bool {
    let next_is_vowel = s.get(i + 1).is_some_and(|&c| is_latin_vowel(c));
    match s[i] {
        c if is_latin_vowel(c) => true,
        'y' => i > 0 || !next_is_vowel,
        'w' | 'v' => {
            i > 0 && matches!(s[i - 1], 'a' | 'e' | 'i' | 'o' | 'u' | 'y') && !next_is_vowel
        }
        _ => false,
    }
}

/// Keys a run of vowel letters: `y` for i/y/ee/ae (`Hossein`, `Saeed`, `Rezaei`), `u` for
/// u/ou/oo/ow (`Mahmoud`), nothing for a, e, o.
fn vowel_run(key: &mut KeyBuf, run: &[char]) {
    key.vowel();
    let mut j = 0;
    while j < run.len() {
        match (run[j], run.get(j + 1)) {
            ('i' | 'y', _) => key.y(),
            ('e' | 'a', Some('e')) => {
                key.y();
                j += 1;
            }
            ('o', Some('o')) => {
                key.u();
                j += 1;
            }
            ('u' | 'w' | 'v', _) => key.u(),
            _ => {}
        }
        j += 1;
    }
}
