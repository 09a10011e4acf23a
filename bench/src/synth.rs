//! Seeded synthetic people for benchmarks.
//!
//! The people look like entries of Iranian victim lists: a Persian-script name and one or more
//! Latin spellings that disagree the way real sources do (Mohammad/Mohammed, Rezaei/Rezaie,
//! Arabic yeh and kaf typed for Persian ones, a dropped zero-width non-joiner), a father's name,
//! partial and uncertain birth dates, a birth place and list memberships. Search and matching
//! benchmarks need exactly that variation; uniform random strings would flatter them.
//!
//! Everything is a pure function of the seed and the person's index, so two runs (or two
//! benchmarks) see the same data. Record ids depend on the index only and are unique; by
//! default they sort in the order people are added, as the archive's own ids do.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

/// The seed the benchmarks use unless told otherwise.
pub const DEFAULT_SEED: u64 = 1988;

// Names, shared with the record-linkage generator.
use rightsdoc_linkage::generate::names::{FEMALE, MALE, NameForms as Name, SURNAMES};

/// Birth places: (id slug, Persian name, English name).
const PLACES: &[(&str, &str, &str)] = &[
    ("tehran", "تهران", "Tehran"),
    ("tabriz", "تبریز", "Tabriz"),
    ("mashhad", "مشهد", "Mashhad"),
    ("isfahan", "اصفهان", "Isfahan"),
    ("shiraz", "شیراز", "Shiraz"),
    ("ahvaz", "اهواز", "Ahvaz"),
    ("kermanshah", "کرمانشاه", "Kermanshah"),
    ("rasht", "رشت", "Rasht"),
    ("qom", "قم", "Qom"),
    ("urmia", "ارومیه", "Urmia"),
    ("sanandaj", "سنندج", "Sanandaj"),
    ("hamadan", "همدان", "Hamadan"),
    ("kerman", "کرمان", "Kerman"),
    ("yazd", "یزد", "Yazd"),
    ("ardabil", "اردبیل", "Ardabil"),
    ("zanjan", "زنجان", "Zanjan"),
    ("qazvin", "قزوین", "Qazvin"),
    ("arak", "اراک", "Arak"),
    ("babol", "بابل", "Babol"),
    ("sari", "ساری", "Sari"),
    ("gorgan", "گرگان", "Gorgan"),
    ("khorramabad", "خرم‌آباد", "Khorramabad"),
    ("dezful", "دزفول", "Dezful"),
    ("abadan", "آبادان", "Abadan"),
    ("bandar-abbas", "بندرعباس", "Bandar Abbas"),
    ("zahedan", "زاهدان", "Zahedan"),
    ("mahabad", "مهاباد", "Mahabad"),
    ("lahijan", "لاهیجان", "Lahijan"),
    ("kashan", "کاشان", "Kashan"),
    ("masjed-soleyman", "مسجد سلیمان", "Masjed Soleyman"),
];

/// Victim lists people appear on: (id slug, title).
const LISTS: &[(&str, &str)] = &[
    (
        "1988-prisoners-a",
        "Political prisoners executed in summer 1988 (list A)",
    ),
    (
        "1988-prisoners-b",
        "Political prisoners executed in summer 1988 (list B)",
    ),
    (
        "1980s-executions",
        "Executions of the 1980s compiled from press reports",
    ),
    ("khavaran", "People believed buried at Khavaran"),
    ("families-testimony", "Names given by families in testimony"),
];

const OCCUPATIONS: &[&str] = &[
    "student",
    "teacher",
    "worker",
    "engineer",
    "nurse",
    "doctor",
    "clerk",
    "farmer",
    "shopkeeper",
    "tailor",
    "driver",
    "university student",
    "high-school student",
    "civil servant",
    "writer",
];

/// A generator for `seed`.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The records people refer to (birth places and lists). Add them before any person.
pub fn fixtures() -> Vec<Value> {
    let places = PLACES.iter().map(|(slug, fa, en)| {
        json!({
            "kind": "place", "id": format!("plc_bench-{slug}"), "place_type": "city",
            "names": [{"value": fa, "lang": "fa"}, {"value": en, "lang": "en"}],
        })
    });
    let lists = LISTS.iter().map(
        |(slug, title)| json!({"kind": "list", "id": format!("lst_bench-{slug}"), "title": title}),
    );
    places.chain(lists).collect()
}

/// Person `i` as a record ready for `Archive::add`. Its id (ordered) depends on `i` only;
/// everything else is drawn from `rng`. [`people`] is the reproducible way to make many.
pub fn person<R: Rng + ?Sized>(rng: &mut R, i: u64) -> Value {
    let female = rng.gen_bool(0.15);
    let given = pick(rng, if female { FEMALE } else { MALE });
    let surname = pick(rng, SURNAMES);
    let fa = format!(
        "{} {}",
        persian_variant(rng, given.fa),
        persian_variant(rng, surname.fa)
    );
    let latin = |rng: &mut R| format!("{} {}", spelling(rng, given), spelling(rng, surname));

    let mut names = Vec::with_capacity(3);
    let scripts: f64 = rng.r#gen();
    if scripts < 0.90 {
        names.push(json!({"value": fa, "lang": "fa"}));
    }
    if scripts >= 0.10 {
        names.push(json!({"value": latin(rng), "lang": "en"}));
        if rng.gen_bool(0.2) {
            names.push(json!({"value": latin(rng), "lang": "en", "kind": "transliteration"}));
        }
    }

    let mut p = Map::new();
    p.insert("kind".into(), "person".into());
    p.insert("id".into(), person_id(i, Ids::Ordered).into());
    p.insert("names".into(), Value::Array(names));
    p.insert("sex".into(), if female { "female" } else { "male" }.into());
    if let Some(birth) = birth(rng) {
        p.insert("birth".into(), birth.into());
    }
    if rng.gen_bool(0.35) {
        p.insert("death".into(), death(rng).into());
    }
    if rng.gen_bool(0.7) {
        let father = pick(rng, MALE).fa;
        p.insert("father_name".into(), persian_variant(rng, father).into());
    }
    if rng.gen_bool(0.7) {
        let (slug, _, _) = PLACES[rng.gen_range(0..PLACES.len())];
        p.insert("birth_place".into(), format!("plc_bench-{slug}").into());
    }
    if rng.gen_bool(0.4) {
        p.insert(
            "occupation".into(),
            OCCUPATIONS[rng.gen_range(0..OCCUPATIONS.len())].into(),
        );
    }
    let memberships = match rng.r#gen::<f64>() {
        x if x < 0.25 => 0,
        x if x < 0.85 => 1,
        _ => 2,
    };
    if memberships > 0 {
        let first = rng.gen_range(0..LISTS.len());
        let lists: Vec<Value> = (0..memberships)
            .map(|k| {
                let (slug, _) = LISTS[(first + k) % LISTS.len()];
                json!({"list": format!("lst_bench-{slug}"), "entry": rng.gen_range(1..5000u32).to_string(), "name_as_listed": fa})
            })
            .collect();
        p.insert("lists".into(), Value::Array(lists));
    }
    Value::Object(p)
}

/// How person ids sort relative to the order people are added. It decides how many B-tree
/// pages each insert touches, so it changes append speed a lot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ids {
    /// Later people sort later, like ids the archive generates (time first, then random).
    #[default]
    Ordered,
    /// Scattered over the key space, like stable ids an importer brings from elsewhere.
    Random,
}

/// People `from..to` for `seed`. Each person draws from its own ChaCha stream, so person `i` is
/// the same whichever range (or batch size) it is generated in.
pub fn people(seed: u64, ids: Ids, from: u64, to: u64) -> impl Iterator<Item = Value> {
    let base = rng(seed);
    (from..to).map(move |i| {
        let mut r = base.clone();
        r.set_stream(i);
        let mut p = person(&mut r, i);
        if ids == Ids::Random {
            p["id"] = person_id(i, Ids::Random).into();
        }
        p
    })
}

/// The id of person `i`; unique for every `i`. Ordered ids have the archive's shape: 10
/// characters of a millisecond clock (person `i` "created" `i` ms after 2026-11-25) and 6 that
/// look random. Random ids are a bijective mix of `i`.
pub fn person_id(i: u64, ids: Ids) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
    const EPOCH_MS: u64 = 1_795_564_800_000;
    let digit = |x: u64, k: u32| ALPHABET[((x >> (5 * k)) & 31) as usize] as char;
    let x = mix(i);
    let slug: String = match ids {
        Ids::Ordered => {
            let t = EPOCH_MS + i;
            (0..10)
                .rev()
                .map(|k| digit(t, k))
                .chain((0..6).map(|k| digit(x, k)))
                .collect()
        }
        Ids::Random => (0..13).map(|k| digit(x, k)).collect(),
    };
    format!("psn_{slug}")
}

/// splitmix64's finalizer: a bijection on u64 that scatters consecutive numbers.
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// An entry biased towards the start of the table (common names are common).
fn pick<'a, R: Rng + ?Sized>(rng: &mut R, table: &'a [Name]) -> &'a Name {
    let u: f64 = rng.r#gen();
    &table[((u * u) * table.len() as f64) as usize]
}

/// Mostly the first (standard) spelling, sometimes a variant.
fn spelling<R: Rng + ?Sized>(rng: &mut R, name: &Name) -> &'static str {
    if rng.gen_bool(0.6) {
        name.latin[0]
    } else {
        name.latin[rng.gen_range(0..name.latin.len())]
    }
}

/// Persian text as sources type it: sometimes with Arabic yeh and kaf, sometimes with the
/// zero-width non-joiner dropped or turned into a space.
fn persian_variant<R: Rng + ?Sized>(rng: &mut R, fa: &str) -> String {
    let mut s = fa.to_string();
    if rng.gen_bool(0.05) {
        s = s.replace('ی', "ي").replace('ک', "ك");
    }
    if s.contains('\u{200c}') && rng.gen_bool(0.3) {
        s = s.replace('\u{200c}', if rng.gen_bool(0.5) { "" } else { " " });
    }
    s
}

/// A partial or uncertain birth date, or none.
fn birth<R: Rng + ?Sized>(rng: &mut R) -> Option<String> {
    let year = 1938 + rng.gen_range(0..18) + rng.gen_range(0..18);
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=28);
    Some(match rng.gen_range(0..100) {
        0..15 => return None,
        15..55 => format!("{year}"),
        55..65 => format!("{year}-{month:02}"),
        65..85 => format!("{year}-{month:02}-{day:02}"),
        85..95 => format!("{year}~"),
        // A Solar Hijri year in Persian digits, as Iranian documents give it.
        _ => persian_digits(year - 621),
    })
}

/// A death date in the summer of 1988, as precisely as a source knows it.
fn death<R: Rng + ?Sized>(rng: &mut R) -> String {
    match rng.gen_range(0..4) {
        0 => "1988-07/1988-09".to_string(),
        1 => "1988".to_string(),
        2 => format!("1988-{:02}", rng.gen_range(7..=9)),
        _ => format!(
            "1988-{:02}-{:02}",
            rng.gen_range(7..=9),
            rng.gen_range(1..=30)
        ),
    }
}

fn persian_digits(n: i32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32('۰' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// The columns of [`person_csv_row`]: the people-import columns a victim list's spreadsheet has.
pub const CSV_COLUMNS: &[&str] = &[
    "full_name",
    "name_fa",
    "father_name",
    "sex",
    "birth",
    "death",
    "place",
    "occupation",
    "list",
];

/// Person `p` (from [`person`]) as a spreadsheet row of [`CSV_COLUMNS`]: the first Latin
/// spelling as the full name, the Persian name, the birth place's English name and the title of
/// the first list the person is on. Missing values are empty cells.
pub fn person_csv_row(p: &Value) -> Vec<String> {
    let names = p["names"].as_array().map(Vec::as_slice).unwrap_or_default();
    let name = |lang: &str| {
        names
            .iter()
            .find(|n| n["lang"] == lang)
            .and_then(|n| n["value"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let text = |field: &str| p[field].as_str().unwrap_or_default().to_string();
    let place = p["birth_place"]
        .as_str()
        .and_then(|id| id.strip_prefix("plc_bench-"))
        .and_then(|slug| PLACES.iter().find(|(s, _, _)| *s == slug))
        .map(|(_, _, en)| en.to_string())
        .unwrap_or_default();
    let list = p["lists"][0]["list"]
        .as_str()
        .and_then(|id| id.strip_prefix("lst_bench-"))
        .and_then(|slug| LISTS.iter().find(|(s, _)| *s == slug))
        .map(|(_, title)| title.to_string())
        .unwrap_or_default();
    vec![
        name("en"),
        name("fa"),
        text("father_name"),
        text("sex"),
        text("birth"),
        text("death"),
        place,
        text("occupation"),
        list,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people() {
        let a: Vec<Value> = people(7, Ids::Ordered, 0, 200).collect();
        let b: Vec<Value> = people(7, Ids::Ordered, 0, 200).collect();
        assert_eq!(a, b);
        assert_ne!(a, people(8, Ids::Ordered, 0, 200).collect::<Vec<_>>());
        // Batching does not change who person 150 is.
        assert_eq!(a[150], people(7, Ids::Ordered, 100, 200).nth(50).unwrap());
    }

    #[test]
    fn ids_are_unique_and_valid() {
        for order in [Ids::Ordered, Ids::Random] {
            let ids: Vec<String> = (0..100_000).map(|i| person_id(i, order)).collect();
            let unique: std::collections::HashSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len());
            assert_eq!(ids.windows(2).all(|w| w[0] < w[1]), order == Ids::Ordered);
            for id in ids.iter().take(100) {
                rightsdoc_model::id::check(rightsdoc_model::Kind::Person, id).unwrap();
            }
        }
    }

    #[test]
    fn people_and_fixtures_validate() {
        for v in fixtures()
            .into_iter()
            .chain(people(1, Ids::Random, 0, 2_000))
        {
            rightsdoc_model::validate(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
        }
    }

    #[test]
    fn tables_are_large_enough() {
        assert!(MALE.len() + FEMALE.len() >= 60);
        assert!(SURNAMES.len() >= 80);
    }
}
