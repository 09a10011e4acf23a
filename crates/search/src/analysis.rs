//! The analyzers: how names and free text become index terms, at index and at query time alike.
//!
//! tantivy's default tokenizer splits Persian words at the zero-width non-joiner and folds none
//! of the Arabic/Persian letter variants, so the project's own normalization runs first:
//!
//! * [`NAME`]: the whole text through [`normalize`] (which removes ZWNJ, folds ي/ی, ك/ک,
//!   diacritics, tatweel and digits, lowercases), then UAX #29 word segmentation.
//!   Normalizing first keeps `حسین‌زاده` one word.
//! * [`KEY`]: [`match_key_tokens`] of each name, the cross-script keys under which
//!   `Mohammed Rezaei`, `Muhammad Rezaie` and `محمد رضایی` meet.
//! * [`TEXT`]: like [`NAME`], then the English Snowball stemmer (`executions` → `execut`).

use rightsdoc_model::names::{match_key_tokens, normalize};
use tantivy::tokenizer::{
    Language, PreTokenizedString, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream,
    Tokenizer, TokenizerManager,
};
use unicode_segmentation::UnicodeSegmentation;

/// Analyzer of person, place and organization names: normalized words.
pub const NAME: &str = "rightsdoc_name";
/// Analyzer of names into cross-script matching keys.
pub const KEY: &str = "rightsdoc_key";
/// Analyzer of free text (titles, descriptions, notes): normalized, English-stemmed words.
pub const TEXT: &str = "rightsdoc_text";

/// Tokens longer than this (in bytes) are dropped: no name or word is that long, and tantivy
/// refuses terms beyond 64 KiB anyway.
const MAX_TOKEN_BYTES: usize = 100;

/// Normalized words of `text` (UAX #29 word boundaries on the normalized text). Offsets point
/// into the normalized text, which is all the index needs (nothing is highlighted).
#[derive(Clone, Default)]
pub struct WordTokenizer;

/// The matching keys of a name ([`match_key_tokens`]), one token per key.
#[derive(Clone, Default)]
pub struct KeyTokenizer;

/// A token stream over tokens computed up front: both tokenizers need the whole text first.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn stream(words: impl Iterator<Item = (usize, String)>) -> VecTokenStream {
    let tokens = words
        .enumerate()
        .map(|(position, (offset, text))| Token {
            offset_from: offset,
            offset_to: offset + text.len(),
            position,
            text,
            position_length: 1,
        })
        .collect();
    VecTokenStream { tokens, next: 0 }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let normalized = normalize(text);
        stream(
            normalized
                .unicode_word_indices()
                .map(|(offset, word)| (offset, word.to_string())),
        )
    }
}

impl Tokenizer for KeyTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        stream(match_key_tokens(text).into_iter().map(|key| (0, key)))
    }
}

/// The three analyzers, by name.
pub fn analyzers() -> [(&'static str, TextAnalyzer); 3] {
    [
        (
            NAME,
            TextAnalyzer::builder(WordTokenizer)
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .build(),
        ),
        (
            KEY,
            TextAnalyzer::builder(KeyTokenizer)
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .build(),
        ),
        (
            TEXT,
            TextAnalyzer::builder(WordTokenizer)
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(Stemmer::new(Language::English))
                .build(),
        ),
    ]
}

/// Registers the analyzers with an index, which needs them (by name) for every text field.
pub fn register(manager: &TokenizerManager) {
    for (name, analyzer) in analyzers() {
        manager.register(name, analyzer);
    }
}

/// The analyzers as one value, for threads that analyze documents before tantivy sees them.
#[derive(Clone)]
pub(crate) struct Analyzers {
    pub name: TextAnalyzer,
    pub key: TextAnalyzer,
    pub text: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        let [(_, name), (_, key), (_, text)] = analyzers();
        Analyzers { name, key, text }
    }
}

/// The terms `analyzer` makes of `text`.
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |t| out.push(t.text.clone()));
    out
}

/// `text` analyzed once, in the form tantivy indexes without analyzing again. The index keeps
/// the same text in up to three fields (one per clearance); analyzing it once saves two thirds
/// of the work.
pub(crate) fn pretokenize(analyzer: &mut TextAnalyzer, text: &str) -> PreTokenizedString {
    let mut tokens = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |t| tokens.push(t.clone()));
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persian_words_survive_zwnj_and_letter_variants() {
        let mut a = Analyzers::default();
        assert_eq!(terms(&mut a.name, "حسین‌زاده"), vec!["حسینزاده"]);
        assert_eq!(
            terms(&mut a.name, "علي رضايي"),
            terms(&mut a.name, "علی رضایی")
        );
        assert_eq!(
            terms(&mut a.name, "Ja'far  Pour-Mohammadi"),
            vec!["jafar", "pour", "mohammadi"]
        );
    }

    #[test]
    fn text_is_stemmed_and_keys_cross_scripts() {
        let mut a = Analyzers::default();
        assert_eq!(
            terms(&mut a.text, "Executions"),
            terms(&mut a.text, "execution")
        );
        assert_eq!(terms(&mut a.text, "اعدام"), vec!["اعدام"]);
        assert_eq!(
            terms(&mut a.key, "Mohammed Rezaei"),
            terms(&mut a.key, "محمد رضایی")
        );
    }
}
