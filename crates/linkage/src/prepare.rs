//! Turns input rows into what the comparators need, once per record: normalized spellings and
//! cross-script matching keys of each name (interned as numbers, so that most comparisons are
//! integer equality), the Gregorian birth-year range (Solar Hijri years converted), and the
//! place with its province.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rightsdoc_dates::parse_date;
use rightsdoc_names::{match_key, match_key_tokens, normalize};
use rustc_hash::FxHashMap;

use crate::input::InputRecord;
use crate::places::{self, Known};

/// An interned string that is absent.
pub(crate) const NONE: u32 = u32::MAX;

/// Words of a name kept for word-wise comparison.
const MAX_WORDS: usize = 4;

/// Title tokens (`Seyed`, `Seyedeh`: see `rightsdoc_names::match_key`): a lineage honorific
/// that one list writes and the next leaves out, so it takes no part in comparison.
const TITLES: &[&str] = &["syyd", "syydh"];

/// One name field of one record.
#[derive(Clone, Debug)]
pub(crate) struct Name {
    /// The normalized spelling; `NONE` when missing or when only derived from a full name.
    pub spelled: u32,
    /// The matching key of the whole field (tokens joined); `NONE` when missing.
    pub key: u32,
    /// The key without its vowel letters (`y`, `u`, `v` after a word's first letter) and
    /// doubled letters: `Kazemi` and `Kazimi`, `Khoyfar` and `خویفر` meet here.
    pub loose: u32,
    /// Per-word keys, for "one name contained in the other" and for blocking: the first
    /// four words (no name has more that matter), `NONE` after the last. Inline, because a
    /// million records would otherwise mean three million small allocations.
    words: [u32; MAX_WORDS],
    /// Hashes of the first word's key's first and last [`END`] letters: one typo in a long
    /// family name leaves one of them whole (`Pourkermanjahan`, `Pourkemanjahan`).
    pub ends: [u32; 2],
}

/// Letters of a key's ends in [`Name::ends`].
const END: usize = 4;

impl Name {
    fn missing() -> Name {
        Name {
            spelled: NONE,
            key: NONE,
            loose: NONE,
            words: [NONE; MAX_WORDS],
            ends: [NONE; 2],
        }
    }

    pub fn is_missing(&self) -> bool {
        self.key == NONE
    }

    /// The per-word keys.
    pub fn tokens(&self) -> &[u32] {
        let len = self
            .words
            .iter()
            .position(|&w| w == NONE)
            .unwrap_or(MAX_WORDS);
        &self.words[..len]
    }
}

/// A place: its key, and the gazetteer entry when the place is listed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    pub key: u32,
    pub known: Option<Known>,
}

/// A record ready for comparison.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub first: Name,
    pub last: Name,
    pub father: Name,
    /// First letter of the given name's matching key: survives most typos in the rest.
    pub initial: Option<char>,
    /// First letter of the family name's matching key.
    pub last_initial: Option<char>,
    /// Earliest and latest Gregorian birth year.
    pub birth: Option<(i16, i16)>,
    pub place: Option<Place>,
    /// The list the record comes from (interned), `NONE` when not given.
    pub list: u32,
    /// Other readings of a full name (index into `Table::readings`), `NONE` when the record
    /// gives its names in fields or its full name has one reading only.
    pub readings: u32,
}

/// Words of a full name read as given name(s) and family name: `Ali Hosseini Tabrizi` may be
/// `Ali` + `Hosseini Tabrizi` or `Ali Hosseini` + `Tabrizi` (as `Mohammad Reza` + `Rezaei`).
#[derive(Clone, Debug)]
pub(crate) struct Reading {
    pub first: Name,
    pub last: Name,
    pub initial: Option<char>,
    pub last_initial: Option<char>,
}

/// All records, prepared, with the interned strings and the term frequencies of name keys.
pub(crate) struct Table {
    pub records: Vec<Prepared>,
    pub strings: Vec<String>,
    /// Per name field (first, last, father): how many records have each key.
    pub key_counts: [FxHashMap<u32, u32>; 3],
    /// Per name field: how many records have the field at all.
    pub present: [u32; 3],
    /// Other readings of full names (see [`Prepared::readings`]).
    pub readings: Vec<Vec<Reading>>,
    /// Per name field, by interned string: `log2` of [`Table::frequency`], looked up for
    /// every pair compared (see [`Table::frequency_bits`]).
    log_frequency: [Vec<f32>; 3],
}

impl Table {
    pub fn string(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// The other readings of a record's full name (none for names given in fields).
    pub fn readings(&self, r: &Prepared) -> &[Reading] {
        match r.readings {
            NONE => &[],
            i => &self.readings[i as usize],
        }
    }

    /// Share of records (with the field) whose field `f` has key `key`: the chance that a
    /// random record agrees with this one on it.
    pub fn frequency(&self, f: usize, key: u32) -> f64 {
        let count = self.key_counts[f].get(&key).copied().unwrap_or(1);
        count as f64 / self.present[f].max(1) as f64
    }

    /// `log2` of [`Table::frequency`].
    pub fn frequency_bits(&self, f: usize, key: u32) -> f64 {
        f64::from(self.log_frequency[f][key as usize])
    }

    /// Sum of squared frequencies of field `f`: the chance that two random records agree on it.
    pub fn agreement_rate(&self, f: usize) -> f64 {
        let n = self.present[f].max(1) as f64;
        self.key_counts[f]
            .values()
            .map(|&c| (c as f64 / n).powi(2))
            .sum()
    }
}

/// Text forms of one name, before interning.
struct NameText {
    spelled: Option<String>,
    tokens: Vec<String>,
}

struct Raw {
    names: [NameText; 3],
    /// Other splits of a full name into given and family name.
    alternates: Vec<[NameText; 2]>,
    list: String,
    initial: Option<char>,
    last_initial: Option<char>,
    birth: Option<(i16, i16)>,
    place: Option<String>,
}

/// Records prepared per parallel batch.
const PREPARE_CHUNK: usize = 65_536;

/// Prepares every record, in parallel, then interns the strings in input order (so that the
/// numbers, and everything downstream, are the same on every run).
pub(crate) fn prepare(records: &[InputRecord]) -> Table {
    let mut interner = Interner::default();
    let mut key_counts: [FxHashMap<u32, u32>; 3] = Default::default();
    let mut present = [0u32; 3];
    let mut readings = Vec::new();
    let mut prepared = Vec::with_capacity(records.len());
    // In chunks, so that the text forms of only one chunk are held at a time.
    for chunk in records.chunks(PREPARE_CHUNK) {
        let raw: Vec<Raw> = chunk.par_iter().map(raw).collect();
        for r in raw {
            let [first, last, father] = r.names;
            let mut names = [first, last, father].map(|text| intern_name(&mut interner, text));
            for (f, name) in names.iter_mut().enumerate() {
                if !name.is_missing() {
                    *key_counts[f].entry(name.key).or_default() += 1;
                    present[f] += 1;
                }
            }
            let [first, last, father] = names;
            let alternates = if r.alternates.is_empty() {
                NONE
            } else {
                readings.push(
                    r.alternates
                        .into_iter()
                        .map(|[first, last]| Reading {
                            initial: first_letter(&first.tokens),
                            last_initial: first_letter(&last.tokens),
                            first: intern_name(&mut interner, first),
                            last: intern_name(&mut interner, last),
                        })
                        .collect(),
                );
                readings.len() as u32 - 1
            };
            let place = r.place.map(|key| {
                let known = places::lookup(&key);
                Place {
                    key: interner.intern(key),
                    known,
                }
            });
            prepared.push(Prepared {
                first,
                last,
                father,
                initial: r.initial,
                last_initial: r.last_initial,
                birth: r.birth,
                place,
                list: if r.list.is_empty() {
                    NONE
                } else {
                    interner.intern(r.list)
                },
                readings: alternates,
            });
        }
    }
    let log_frequency = std::array::from_fn(|f| {
        let present = f64::from(present[f].max(1));
        let mut bits = vec![(1.0 / present).log2() as f32; interner.strings.len()];
        for (&key, &count) in &key_counts[f] {
            bits[key as usize] = (f64::from(count) / present).log2() as f32;
        }
        bits
    });
    Table {
        records: prepared,
        strings: interner.strings,
        key_counts,
        present,
        readings,
        log_frequency,
    }
}

fn first_letter(tokens: &[String]) -> Option<char> {
    tokens.first().and_then(|t| t.chars().next())
}

fn raw(record: &InputRecord) -> Raw {
    let mut first = name_text(&record.first_name);
    let mut last = name_text(&record.last_name);
    let mut alternates = Vec::new();
    if first.tokens.is_empty() && last.tokens.is_empty() {
        // Only a full name: the last word is the family name, the rest the given name(s);
        // other splits (`Ali` + `Hosseini Tabrizi`) are kept as other readings.
        let mut tokens = name_tokens(&record.full_name);
        if (3..=MAX_WORDS + 1).contains(&tokens.len()) {
            for given in 1..tokens.len() - 1 {
                let split = |range: &[String]| NameText {
                    spelled: None,
                    tokens: range.to_vec(),
                };
                alternates.push([split(&tokens[..given]), split(&tokens[given..])]);
            }
        }
        if let Some(family) = tokens.pop() {
            last = NameText {
                spelled: None,
                tokens: vec![family],
            };
            first = NameText {
                spelled: None,
                tokens,
            };
        }
    }
    let place = Some(match_key(&record.place)).filter(|k| !k.is_empty());
    let initial = first_letter(&first.tokens);
    let last_initial = first_letter(&last.tokens);
    Raw {
        alternates,
        list: record.list.trim().to_owned(),
        initial,
        last_initial,
        names: [first, last, name_text(&record.father_name)],
        birth: birth_years(&record.birth_year).or_else(|| birth_years(&record.birth_date)),
        place,
    }
}

fn name_tokens(text: &str) -> Vec<String> {
    let mut tokens = match_key_tokens(text);
    tokens.retain(|t| !TITLES.contains(&t.as_str()));
    tokens
}

fn name_text(text: &str) -> NameText {
    let tokens = name_tokens(text);
    let spelled = (!tokens.is_empty()).then(|| {
        let spelled = normalize(text);
        // Drop a leading title from the spelling too, so `Seyed Ali` is spelled like `Ali`.
        match spelled.split_once(' ') {
            Some((head, rest)) if is_title(head) => rest.to_owned(),
            _ => spelled,
        }
    });
    NameText { spelled, tokens }
}

fn is_title(word: &str) -> bool {
    TITLES.contains(&match_key(word).as_str())
}

fn intern_name(interner: &mut Interner, text: NameText) -> Name {
    if text.tokens.is_empty() {
        return Name::missing();
    }
    let key = interner.intern(text.tokens.join(" "));
    let loose = interner.intern(loose(&text.tokens));
    let ends = ends(&text.tokens[0]);
    let mut words = [NONE; MAX_WORDS];
    for (word, token) in words.iter_mut().zip(text.tokens) {
        *word = interner.intern(token);
    }
    Name {
        spelled: text.spelled.map_or(NONE, |s| interner.intern(s)),
        key,
        loose,
        words,
        ends,
    }
}

/// See [`Name::ends`]; a key shorter than [`END`] letters is its own two ends.
fn ends(key: &str) -> [u32; 2] {
    let chars: Vec<char> = key.chars().collect();
    let hash = |part: &[char]| {
        let mut h = rustc_hash::FxHasher::default();
        part.hash(&mut h);
        h.finish() as u32
    };
    let end = END.min(chars.len());
    [hash(&chars[..end]), hash(&chars[chars.len() - end..])]
}

/// The loose form of a key (see [`Name::loose`]).
pub(crate) fn loose(tokens: &[String]) -> String {
    let mut out = String::new();
    // Words run together, so that `علی یوسف` and `علییوسف` (a zero-width non-joiner typed
    // as a space or left out), or `Jamal Pour` and `Jamalpour`, meet.
    let mut last = None;
    for (i, c) in tokens.iter().flat_map(|t| t.chars()).enumerate() {
        if (i > 0 && matches!(c, 'y' | 'u' | 'v')) || last == Some(c) {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

/// Birth years as lists give them: `1962`; a Solar Hijri year `1341` or `۱۳۴۱` (which covers
/// parts of two Gregorian years, 1962 and 1963); or any date `parse_date` reads (EDTF, Solar
/// Hijri with marker or month), taken as the range of years it spans.
pub(crate) fn birth_years(text: &str) -> Option<(i16, i16)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let digits: String = text
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            _ => c,
        })
        .collect();
    if let Ok(year) = digits.parse::<i16>() {
        // No one on a list of the twentieth century's dead was born in Gregorian 1250-1420;
        // those numbers are Solar Hijri years, which begin in March of year + 621.
        return match year {
            1250..=1420 => Some((year + 621, year + 622)),
            1800..=2100 => Some((year, year)),
            _ => None,
        };
    }
    let span = parse_date(text).ok()?.edtf.year_span()?;
    Some((i16::try_from(span.0).ok()?, i16::try_from(span.1).ok()?))
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    fn intern(&mut self, s: String) -> u32 {
        if let Some(&id) = self.ids.get(&s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.ids.insert(s, id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_years_read_gregorian_solar_hijri_and_persian_digits() {
        assert_eq!(birth_years("1962"), Some((1962, 1962)));
        assert_eq!(birth_years("1341"), Some((1962, 1963)));
        assert_eq!(birth_years("۱۳۴۱"), Some((1962, 1963)));
        assert_eq!(birth_years("1962~"), Some((1962, 1962)));
        assert_eq!(birth_years("196X"), Some((1960, 1969)));
        assert_eq!(birth_years(""), None);
        assert_eq!(birth_years("unknown"), None);
    }

    #[test]
    fn loose_keys_fold_vowel_letters() {
        let l = |s: &str| loose(&match_key_tokens(s));
        assert_eq!(l("Kazemi"), l("Kazimi"));
        assert_eq!(l("Khoyfar"), l("خویفر"));
        assert_eq!(l("Yousofpour"), l("Yousoofpour"));
        assert_ne!(l("Hassan"), l("Mohsen"));
        // Words split or run together.
        assert_eq!(l("علی یوسف"), l("علییوسف"));
        assert_eq!(l("Jamal Pour Kermani"), l("Jamalpour Kermani"));
    }

    #[test]
    fn names_meet_across_scripts_and_titles() {
        let rows = [("Seyed Mohammad", "Rezaei"), ("محمد", "رضایي"), ("", "")];
        let records: Vec<InputRecord> = rows
            .iter()
            .map(|(first, last)| InputRecord {
                first_name: first.to_string(),
                last_name: last.to_string(),
                full_name: "Ali Hosseini".into(),
                ..Default::default()
            })
            .collect();
        let table = prepare(&records);
        let [a, b, c] = &table.records[..] else {
            panic!()
        };
        assert_eq!(a.first.key, b.first.key);
        assert_eq!(a.last.key, b.last.key);
        assert_ne!(a.first.spelled, b.first.spelled);
        assert_eq!(table.string(a.first.spelled), "mohammad");
        // A full name stands in for missing first and last names.
        assert_eq!(table.string(c.last.key), match_key("Hosseini"));
        assert_eq!(table.string(c.first.key), match_key("Ali"));
        assert_eq!(c.first.spelled, NONE);
        assert!(c.father.is_missing());
        assert_eq!(table.frequency(0, a.first.key), 2.0 / 3.0);
    }
}
