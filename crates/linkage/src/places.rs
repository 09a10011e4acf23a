//! A small gazetteer of Iranian cities and their provinces, so that `Karaj` and `Tehran`
//! (one province until 2010) or `Dezful` and `Ahvaz` count as "the same province", and
//! `اصفهان`, `Isfahan` and `Esfahan` as the same place. Places not listed compare by their
//! matching key only.

use std::collections::HashMap;
use std::sync::LazyLock;

use rightsdoc_names::match_key;

/// A city: its Persian name and Latin spellings.
pub(crate) type City = (&'static str, &'static [&'static str]);

/// (province, cities). Provinces as they were in the 1980s, when most of the lists this
/// tool links were written.
#[rustfmt::skip]
pub(crate) const PROVINCES: &[(&str, &[City])] = &[
    ("Tehran", &[("تهران", &["Tehran", "Teheran"]), ("کرج", &["Karaj"]), ("ورامین", &["Varamin"]),
        ("شهرری", &["Shahr-e Rey", "Rey", "Ray"]), ("دماوند", &["Damavand"])]),
    ("East Azerbaijan", &[("تبریز", &["Tabriz"]), ("مراغه", &["Maragheh", "Maragha"]),
        ("مرند", &["Marand"]), ("میانه", &["Mianeh", "Miyaneh"])]),
    ("West Azerbaijan", &[("ارومیه", &["Urmia", "Orumiyeh", "Urumieh"]), ("مهاباد", &["Mahabad"]),
        ("خوی", &["Khoy", "Khoei"]), ("نقده", &["Naqadeh", "Naghadeh"])]),
    ("Khorasan", &[("مشهد", &["Mashhad", "Mashad"]), ("نیشابور", &["Neyshabur", "Nishapur"]),
        ("سبزوار", &["Sabzevar"]), ("بیرجند", &["Birjand"])]),
    ("Isfahan", &[("اصفهان", &["Isfahan", "Esfahan"]), ("کاشان", &["Kashan"]),
        ("نجف‌آباد", &["Najafabad"]), ("شهرضا", &["Shahreza"])]),
    ("Fars", &[("شیراز", &["Shiraz"]), ("کازرون", &["Kazerun", "Kazeroon"]),
        ("مرودشت", &["Marvdasht"]), ("جهرم", &["Jahrom"])]),
    ("Khuzestan", &[("اهواز", &["Ahvaz", "Ahwaz"]), ("دزفول", &["Dezful"]),
        ("آبادان", &["Abadan"]), ("مسجد سلیمان", &["Masjed Soleyman", "Masjed Soleiman"]),
        ("خرمشهر", &["Khorramshahr"])]),
    ("Kermanshah", &[("کرمانشاه", &["Kermanshah"]), ("اسلام‌آباد غرب", &["Eslamabad-e Gharb"])]),
    ("Gilan", &[("رشت", &["Rasht"]), ("لاهیجان", &["Lahijan"]), ("انزلی", &["Anzali", "Bandar Anzali"]),
        ("لنگرود", &["Langarud", "Langaroud"])]),
    ("Mazandaran", &[("ساری", &["Sari"]), ("بابل", &["Babol"]), ("آمل", &["Amol"]),
        ("قائم‌شهر", &["Qaemshahr", "Ghaemshahr"]), ("گرگان", &["Gorgan"])]),
    ("Kurdistan", &[("سنندج", &["Sanandaj"]), ("سقز", &["Saqqez", "Saghez"]), ("مریوان", &["Marivan"])]),
    ("Hamadan", &[("همدان", &["Hamadan", "Hamedan"]), ("ملایر", &["Malayer"])]),
    ("Kerman", &[("کرمان", &["Kerman"]), ("رفسنجان", &["Rafsanjan"]), ("سیرجان", &["Sirjan"])]),
    ("Yazd", &[("یزد", &["Yazd"]), ("اردکان", &["Ardakan"])]),
    ("Ardabil", &[("اردبیل", &["Ardabil", "Ardebil"])]),
    ("Zanjan", &[("زنجان", &["Zanjan"])]),
    ("Qazvin", &[("قزوین", &["Qazvin", "Ghazvin"])]),
    ("Markazi", &[("اراک", &["Arak"]), ("ساوه", &["Saveh"])]),
    ("Lorestan", &[("خرم‌آباد", &["Khorramabad"]), ("بروجرد", &["Borujerd", "Boroujerd"])]),
    ("Hormozgan", &[("بندرعباس", &["Bandar Abbas"])]),
    ("Sistan and Baluchestan", &[("زاهدان", &["Zahedan"]), ("زابل", &["Zabol"])]),
    ("Qom", &[("قم", &["Qom", "Ghom"])]),
    ("Semnan", &[("سمنان", &["Semnan"]), ("شاهرود", &["Shahrud", "Shahroud"])]),
    ("Bushehr", &[("بوشهر", &["Bushehr", "Bushire"])]),
];

/// A place as the comparator sees it: which listed place, and which province.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Known {
    pub place: u16,
    pub province: u16,
}

static BY_KEY: LazyLock<HashMap<String, Known>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let mut place = 0u16;
    for (province, (_, cities)) in PROVINCES.iter().enumerate() {
        for (fa, latin) in cities.iter() {
            let known = Known {
                place,
                province: province as u16,
            };
            for name in std::iter::once(fa).chain(latin.iter()) {
                map.insert(match_key(name), known);
            }
            place += 1;
        }
    }
    map
});

/// The listed place whose name has this matching key.
pub(crate) fn lookup(key: &str) -> Option<Known> {
    BY_KEY.get(key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_scripts_of_a_city_meet() {
        let isfahan = lookup(&match_key("اصفهان")).unwrap();
        assert_eq!(lookup(&match_key("Esfahan")), Some(isfahan));
        assert_eq!(lookup(&match_key("Isfahan")), Some(isfahan));
        let kashan = lookup(&match_key("Kashan")).unwrap();
        assert_ne!(kashan.place, isfahan.place);
        assert_eq!(kashan.province, isfahan.province);
        assert!(lookup(&match_key("Paris")).is_none());
    }

    #[test]
    fn no_two_places_share_a_key() {
        let mut seen = HashMap::new();
        for (province, cities) in PROVINCES {
            for (fa, latin) in cities.iter() {
                for name in std::iter::once(fa).chain(latin.iter()) {
                    if let Some(other) = seen.insert(match_key(name), (*province, *fa)) {
                        assert_eq!(other, (*province, *fa), "{name} collides");
                    }
                }
            }
        }
    }
}
