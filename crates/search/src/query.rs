//! Queries: what a caller asks, the one tantivy query it becomes, and the facet counter.

use crate::analysis::{Analyzers, terms};
use crate::fields::{Fields, LevelFields};
use rightsdoc_model::{Classification, Kind};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery,
    Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// What results can be counted and filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// Record kind.
    Kind,
    /// Violation type of acts (`act_type`) and events (`act_types`).
    ActType,
    /// Year of the record's main date; `1988-1990` when it may lie in several years.
    Year,
    /// Place ids: act and detention `place`, event `places`, person `birth_place`.
    Place,
    /// List ids a person appears on.
    List,
    /// Recommendation themes.
    Theme,
    /// Recommendation responses.
    Response,
}

impl Facet {
    pub const ALL: [Facet; 7] = [
        Facet::Kind,
        Facet::ActType,
        Facet::Year,
        Facet::Place,
        Facet::List,
        Facet::Theme,
        Facet::Response,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::ActType => "act_type",
            Facet::Year => "year",
            Facet::Place => "place",
            Facet::List => "list",
            Facet::Theme => "theme",
            Facet::Response => "response",
        }
    }
}

impl fmt::Display for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Facet {
    type Err = String;
    fn from_str(s: &str) -> Result<Facet, String> {
        Facet::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Facet::ALL.iter().map(|f| f.as_str()).collect();
                format!("`{s}` is not a facet; use one of {}", all.join(", "))
            })
    }
}

/// A search. An empty `text` matches every record the clearance may see (browse by facets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words in any script; names match across scripts and spellings, with typo tolerance.
    pub text: String,
    pub kind: Option<Kind>,
    /// Only records with these facet values: values of one facet are alternatives, different
    /// facets must all hold.
    pub filters: Vec<(Facet, String)>,
    /// At most this many hits (counts and facets always cover every match).
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            kind: None,
            filters: Vec::new(),
            limit: 20,
        }
    }
}

impl SearchQuery {
    /// A query for `text` with the default limit and no filters.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    pub kind: Kind,
    /// `Record::label()` of the record as the caller's clearance shows it.
    pub label: String,
    pub score: f32,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct SearchResults {
    /// Every matching record the caller may see (not only the hits returned).
    pub total: usize,
    /// Best first.
    pub hits: Vec<Hit>,
    /// Per facet name, its values with the number of matching records: years in order,
    /// other facets by count (largest first). Facets without values are left out.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

impl SearchResults {
    /// The JSON form `--json` prints: `{"total", "hits": [{"id", "kind", "label", "score"}],
    /// "facets": {"year": [["1988", 12], …], …}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "total": self.total,
            "hits": self.hits.iter().map(|h| json!({
                "id": h.id, "kind": h.kind.as_str(), "label": h.label, "score": h.score,
            })).collect::<Vec<_>>(),
            "facets": self.facets,
        })
    }
}

/// Scores: an exact name word counts most, a typo-tolerant one least; keys (cross-script,
/// spelling variants) and stemmed text in between.
const BOOST_NAME: Score = 3.0;
const BOOST_FUZZY: Score = 0.5;
const BOOST_ID: Score = 10.0;

/// Levenshtein distance tolerated for a query word of `chars` characters.
fn typo_distance(chars: usize) -> u8 {
    match chars {
        0..4 => 0,
        4..8 => 1,
        _ => 2,
    }
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// A scored term (BM25 needs term frequencies).
fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// A condition that must hold but does not change the score.
fn filter(field: Field, text: &str) -> Box<dyn Query> {
    let q = TermQuery::new(term(field, text), IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

/// `query` on one field of every tier the reader reads, as one query. A record a higher
/// tier holds differently matches in each tier: only its best score counts, not their sum.
fn across(
    tiers: &[LevelFields],
    field: fn(&LevelFields) -> Field,
    query: impl Fn(Field) -> Box<dyn Query>,
) -> Box<dyn Query> {
    match tiers {
        [one] => query(field(one)),
        _ => Box::new(DisjunctionMaxQuery::new(
            tiers.iter().map(|t| query(field(t))).collect(),
        )),
    }
}

/// The one query a search runs: the clearance filter, kind and facet filters, and the text.
pub fn build(
    q: &SearchQuery,
    clearance: Classification,
    fields: &Fields,
    analyzers: &mut Analyzers,
    searcher: &Searcher,
) -> tantivy::Result<Box<dyn Query>> {
    let tiers = fields.tiers(clearance);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut by_facet: BTreeMap<Facet, Vec<&str>> = BTreeMap::new();
    if let Some(kind) = q.kind {
        by_facet.entry(Facet::Kind).or_default().push(kind.as_str());
    }
    for (facet, value) in &q.filters {
        by_facet.entry(*facet).or_default().push(value);
    }
    for (facet, values) in by_facet {
        let alternatives = values
            .into_iter()
            .map(|v| {
                let value = format!("{facet}:{v}");
                (
                    Occur::Should,
                    across(tiers, |t| t.facets, |f| filter(f, &value)),
                )
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
    }
    let text = q.text.trim();
    if !text.is_empty() {
        // Text without a single word or key (punctuation only) matches nothing.
        let text = text_query(text, clearance, fields, analyzers, searcher)?
            .unwrap_or_else(|| Box::new(EmptyQuery));
        clauses.push((Occur::Must, text));
    }
    // Every clause so far requires a value in one of the tiers up to the clearance, which
    // only documents it may see have (see `fields`). A query without any (browsing) gets the
    // explicit filter; adding it to the others would only slow them down.
    if clauses.is_empty() {
        clauses.push((Occur::Must, filter(fields.visible, clearance.as_str())));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// Two readings of the text, either may match:
/// * every matching key of the whole text is a key of the record's names (cross-script and
///   spelling variants; keys come from the whole text because `Hossein Zadeh` is one key);
/// * every word is found, as an exact name word, a name word within a typo or two, or a
///   stemmed word of the free text.
///
/// An id typed as the query finds its record too, if the clearance may see it.
///
/// Typo tolerance is for rare words: a word that many records have is spelled as people
/// spell it, its variants meet through the keys, and expanding it would only cost time.
fn text_query(
    text: &str,
    clearance: Classification,
    fields: &Fields,
    a: &mut Analyzers,
    searcher: &Searcher,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let tiers = fields.tiers(clearance);
    let common = (searcher.num_docs() / 1000).max(100);
    let mut readings: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let keys = terms(&mut a.key, text);
    if !keys.is_empty() {
        let all = keys
            .iter()
            .map(|k| (Occur::Must, across(tiers, |t| t.keys, |f| term_query(f, k))))
            .collect();
        readings.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    let words = terms(&mut a.name, text);
    if !words.is_empty() {
        let mut all = Vec::new();
        for w in &words {
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Should,
                Box::new(BoostQuery::new(
                    across(tiers, |t| t.names, |f| term_query(f, w)),
                    BOOST_NAME,
                )),
            )];
            let distance = typo_distance(w.chars().count());
            let mut frequency = 0;
            for t in tiers {
                frequency += searcher.doc_freq(&term(t.names, w))?;
            }
            if distance > 0 && frequency < common {
                let fuzzy =
                    |f| Box::new(FuzzyTermQuery::new(term(f, w), distance, true)) as Box<dyn Query>;
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        across(tiers, |t| t.names, fuzzy),
                        BOOST_FUZZY,
                    )),
                ));
            }
            for stem in terms(&mut a.text, w) {
                any.push((
                    Occur::Should,
                    across(tiers, |t| t.text, |f| term_query(f, &stem)),
                ));
            }
            all.push((
                Occur::Must,
                Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
            ));
        }
        readings.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    if Kind::from_id(text).is_some() && !text.contains(char::is_whitespace) {
        // The id is the one field every level shares: it needs the visibility filter.
        let id = BooleanQuery::new(vec![
            (Occur::Must, term_query(fields.id, text)),
            (Occur::Must, filter(fields.visible, clearance.as_str())),
        ]);
        readings.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(id), BOOST_ID)),
        ));
    }
    Ok((!readings.is_empty()).then(|| Box::new(BooleanQuery::new(readings)) as Box<dyn Query>))
}

/// Counts matching documents and their facet values, read from the `facets` fast fields of
/// the tiers a reader reads (no stored document is opened): for each document, from the
/// highest tier that holds it.
pub struct FacetCounter {
    /// Names of the tiers' `facets_<level>` fields, lowest first.
    pub fields: Vec<String>,
    pub cache: Arc<FacetCache>,
}

/// The facets of one segment's tier field, read once (segments never change). Documents
/// share a few thousand combinations of facet values (a kind, a year, some lists), so each
/// document keeps the number of its combination, and a search counts combinations (a small
/// array that stays in the cache) and turns them into values once at the end. Through the
/// column itself, each search opened it and its dictionary again and made three lookups
/// per matching document; with a flat copy of every document's values, the two reads per
/// document missed the cache and counting was half of a search's CPU at 1M records.
struct SegmentFacets {
    /// Per document, its combination; 0 is "no values" (a document of another tier).
    combination: Combinations,
    /// Combination `c`'s value ordinals are `ords[offsets[c]..offsets[c + 1]]`.
    offsets: Vec<u32>,
    ords: Vec<u32>,
    /// Ordinal `o`'s `facet:value` text.
    values: Vec<String>,
}

/// Two bytes per document while the combinations fit (a million documents in 2 MB).
enum Combinations {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Combinations {
    fn of(&self, doc: DocId) -> usize {
        match self {
            Combinations::Narrow(c) => c[doc as usize] as usize,
            Combinations::Wide(c) => c[doc as usize] as usize,
        }
    }
}

impl SegmentFacets {
    fn read(column: &StrColumn, max_doc: DocId) -> std::io::Result<SegmentFacets> {
        let terms = column.dictionary().num_terms();
        let mut values = Vec::with_capacity(terms);
        for ord in 0..terms {
            let mut value = String::new();
            column.ord_to_str(ord as u64, &mut value)?;
            values.push(value);
        }
        let documents = (0..max_doc).map(|doc| column.term_ords(doc).map(|o| o as u32));
        Ok(SegmentFacets::new(documents, values))
    }

    /// Numbers the combinations of `documents`' value ordinals (each in ascending order, as
    /// a column gives them) in order of first appearance, after the empty one.
    fn new<D: Iterator<Item = u32>>(
        documents: impl Iterator<Item = D>,
        values: Vec<String>,
    ) -> SegmentFacets {
        let mut numbers: HashMap<Vec<u32>, u32> = HashMap::new();
        numbers.insert(Vec::new(), 0);
        let mut offsets = vec![0, 0];
        let mut ords = Vec::new();
        let mut combination = Vec::new();
        let mut of_document = Vec::new();
        for document in documents {
            of_document.clear();
            of_document.extend(document);
            let number = match numbers.get(&of_document) {
                Some(&n) => n,
                None => {
                    let n = (offsets.len() - 1) as u32;
                    numbers.insert(of_document.clone(), n);
                    ords.extend_from_slice(&of_document);
                    offsets.push(ords.len() as u32);
                    n
                }
            };
            combination.push(number);
        }
        let combination = if offsets.len() - 1 <= usize::from(u16::MAX) + 1 {
            Combinations::Narrow(combination.into_iter().map(|c| c as u16).collect())
        } else {
            Combinations::Wide(combination)
        };
        SegmentFacets {
            combination,
            offsets,
            ords,
            values,
        }
    }

    fn combinations(&self) -> usize {
        self.offsets.len() - 1
    }

    fn ords_of(&self, combination: usize) -> &[u32] {
        &self.ords[self.offsets[combination] as usize..self.offsets[combination + 1] as usize]
    }
}

/// [`SegmentFacets`] of the segments searched, kept across searches; `None` for a tier that
/// no document of the segment is in.
#[derive(Default)]
pub struct FacetCache {
    segments: Mutex<HashMap<(SegmentId, String), Cached>>,
}

type Cached = Option<Arc<SegmentFacets>>;

impl FacetCache {
    fn get(&self, reader: &SegmentReader, field: &str) -> tantivy::Result<Cached> {
        let mut segments = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        let key = (reader.segment_id(), field.to_string());
        if let Some(facets) = segments.get(&key) {
            return Ok(facets.clone());
        }
        let facets = match reader.fast_fields().str(field)? {
            Some(column) if column.dictionary().num_terms() > 0 => {
                Some(Arc::new(SegmentFacets::read(&column, reader.max_doc())?))
            }
            _ => None,
        };
        segments.insert(key, facets.clone());
        Ok(facets)
    }

    /// Forgets segments no longer in the index. A search still running on an older searcher
    /// may read one back in; the next reload forgets it again.
    pub(crate) fn retain(&self, live: &[SegmentId]) {
        let mut segments = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        segments.retain(|(segment, _), _| live.contains(segment));
    }
}

pub struct SegmentFacetCounter {
    /// Per tier, its facets (none where no document of the segment is in the tier).
    tiers: Vec<Option<TierCount>>,
    total: u64,
}

/// The matching documents of one tier of a segment, per combination of facet values.
struct TierCount {
    facets: Arc<SegmentFacets>,
    counts: Vec<u32>,
    /// The combinations counted, so that a search of a few documents does not read every
    /// combination at the end.
    seen: Vec<u32>,
}

/// Matching documents, and per `facet:value` string the number of them that have it.
pub type FacetFruit = (u64, BTreeMap<String, u64>);

impl Collector for FacetCounter {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let mut tiers = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            tiers.push(self.cache.get(reader, field)?.map(|facets| TierCount {
                counts: vec![0; facets.combinations()],
                facets,
                seen: Vec::new(),
            }));
        }
        Ok(SegmentFacetCounter { tiers, total: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut total = 0;
        let mut merged = BTreeMap::new();
        for (n, counts) in fruits {
            total += n;
            for (value, c) in counts {
                *merged.entry(value).or_insert(0) += c;
            }
        }
        Ok((total, merged))
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        // Every document has a `kind:` value in each tier that holds it, so combination 0
        // (no values) means the tier does not hold it.
        for tier in self.tiers.iter_mut().rev().flatten() {
            let c = tier.facets.combination.of(doc);
            if c != 0 {
                if tier.counts[c] == 0 {
                    tier.seen.push(c as u32);
                }
                tier.counts[c] += 1;
                break;
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut out = BTreeMap::new();
        for tier in self.tiers.iter().flatten() {
            let mut counts = vec![0u64; tier.facets.values.len()];
            for &c in &tier.seen {
                let n = u64::from(tier.counts[c as usize]);
                for &ord in tier.facets.ords_of(c as usize) {
                    counts[ord as usize] += n;
                }
            }
            for (value, n) in tier.facets.values.iter().zip(counts) {
                if n > 0 {
                    *out.entry(value.clone()).or_insert(0) += n;
                }
            }
        }
        (self.total, out)
    }
}

/// Splits `facet:value` counts into per-facet lists in display order.
pub fn group_facets(counts: BTreeMap<String, u64>) -> BTreeMap<String, Vec<(String, u64)>> {
    let mut out: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for (key, n) in counts {
        if let Some((facet, value)) = key.split_once(':') {
            out.entry(facet.to_string())
                .or_default()
                .push((value.to_string(), n));
        }
    }
    for (facet, values) in out.iter_mut() {
        if facet == Facet::Year.as_str() {
            values.sort_by_key(|(v, _)| year_order(v));
        } else {
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
    }
    out
}

/// `1988` before `1988-1990` before `1989`; negative years sort first.
fn year_order(v: &str) -> (i64, i64) {
    let (first, last) = match v.get(1..).and_then(|rest| rest.find('-')) {
        Some(i) => (&v[..=i], &v[i + 2..]),
        None => (v, v),
    };
    (
        first.parse().unwrap_or(i64::MAX),
        last.parse().unwrap_or(i64::MAX),
    )
}

/// The first `limit` matching documents in index order, without scores: what a query without
/// text (browsing by facets) shows, where every match scores the same. Lets tantivy skip
/// scoring altogether.
pub struct FirstDocs {
    pub limit: usize,
}

pub struct SegmentFirstDocs {
    segment: SegmentOrdinal,
    limit: usize,
    docs: Vec<DocAddress>,
}

impl Collector for FirstDocs {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentFirstDocs;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFirstDocs> {
        Ok(SegmentFirstDocs {
            segment,
            limit: self.limit,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<DocAddress>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<DocAddress> = fruits.into_iter().flatten().collect();
        all.sort();
        all.truncate(self.limit);
        Ok(all.into_iter().map(|d| (0.0, d)).collect())
    }
}

impl SegmentCollector for SegmentFirstDocs {
    type Fruit = Vec<DocAddress>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.docs.len() < self.limit {
            self.docs.push(DocAddress::new(self.segment, doc));
        }
    }

    fn harvest(self) -> Vec<DocAddress> {
        self.docs
    }
}

#[cfg(test)]
mod tests {
    use super::{Combinations, SegmentFacets};

    fn facets(documents: &[Vec<u32>]) -> SegmentFacets {
        SegmentFacets::new(documents.iter().map(|d| d.iter().copied()), Vec::new())
    }

    #[test]
    fn documents_with_the_same_values_share_a_combination() {
        let f = facets(&[vec![0, 3], vec![], vec![1], vec![0, 3], vec![0], vec![1]]);
        let of = |doc| f.combination.of(doc);
        assert_eq!(of(0), of(3));
        assert_eq!(of(2), of(5));
        assert_eq!(of(1), 0, "no values is combination 0");
        assert_eq!(f.combinations(), 4);
        assert_eq!(f.ords_of(of(0)), [0, 3]);
        assert_eq!(f.ords_of(of(4)), [0]);
        assert_eq!(f.ords_of(0), [] as [u32; 0]);
        assert!(matches!(f.combination, Combinations::Narrow(_)));
    }

    #[test]
    fn more_combinations_than_two_bytes_hold_are_kept_wide() {
        let f = facets(&(0..70_000).map(|i| vec![i]).collect::<Vec<_>>());
        assert!(matches!(f.combination, Combinations::Wide(_)));
        for doc in [0, 65_534, 65_535, 65_536, 69_999] {
            assert_eq!(f.ords_of(f.combination.of(doc)), [doc]);
        }
        // One combination per document, and the empty one: exactly what still fits narrow.
        let f = facets(&(0..65_535).map(|i| vec![i]).collect::<Vec<_>>());
        assert!(matches!(f.combination, Combinations::Narrow(_)));
        assert_eq!(f.ords_of(f.combination.of(65_534)), [65_534]);
    }
}
