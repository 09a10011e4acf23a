//! Built-in dictionary of common Iranian given names and surnames with their usual English
//! spellings, used by [`crate::transliterate`] before letter rules (Persian does not write
//! short vowels, so letter rules alone cannot give `Hossein` for `حسین`).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::normalize::normalize;

/// (Persian, usual English spelling). Surnames formed with the suffix `ی` from a listed name
/// (`حسینی`, `کریمی`) need no entry of their own; see `crate::translit`.
#[rustfmt::skip]
pub(crate) const NAMES: &[(&str, &str)] = &[
    // Given names, men.
    ("محمد", "Mohammad"), ("علی", "Ali"), ("حسین", "Hossein"), ("حسن", "Hassan"),
    ("رضا", "Reza"), ("مهدی", "Mehdi"), ("احمد", "Ahmad"), ("محمود", "Mahmoud"),
    ("مصطفی", "Mostafa"), ("مرتضی", "Morteza"), ("مجتبی", "Mojtaba"), ("جواد", "Javad"),
    ("جعفر", "Jafar"), ("کاظم", "Kazem"), ("قاسم", "Ghasem"), ("هاشم", "Hashem"),
    ("صادق", "Sadegh"), ("باقر", "Bagher"), ("تقی", "Taghi"), ("نقی", "Naghi"),
    ("هادی", "Hadi"), ("عباس", "Abbas"), ("ابراهیم", "Ebrahim"), ("اسماعیل", "Esmaeil"),
    ("یوسف", "Yousef"), ("یعقوب", "Yaghoub"), ("موسی", "Mousa"), ("عیسی", "Isa"),
    ("یحیی", "Yahya"), ("یونس", "Younes"), ("داوود", "Davoud"), ("داود", "Davoud"),
    ("سلیمان", "Soleiman"), ("اکبر", "Akbar"), ("اصغر", "Asghar"), ("امیر", "Amir"),
    ("امین", "Amin"), ("مجید", "Majid"), ("حمید", "Hamid"), ("سعید", "Saeed"),
    ("وحید", "Vahid"), ("نوید", "Navid"), ("فرهاد", "Farhad"), ("بهروز", "Behrouz"),
    ("پرویز", "Parviz"), ("بهزاد", "Behzad"), ("فریدون", "Fereydoun"), ("منوچهر", "Manouchehr"),
    ("کوروش", "Kourosh"), ("کورش", "Kourosh"), ("داریوش", "Dariush"), ("هوشنگ", "Houshang"),
    ("جمشید", "Jamshid"), ("بیژن", "Bijan"), ("کاوه", "Kaveh"), ("بابک", "Babak"),
    ("رامین", "Ramin"), ("امید", "Omid"), ("ناصر", "Naser"), ("منصور", "Mansour"),
    ("مسعود", "Masoud"), ("محسن", "Mohsen"), ("کریم", "Karim"), ("رحیم", "Rahim"),
    ("رسول", "Rasoul"), ("غلام", "Gholam"), ("عبدالله", "Abdollah"), ("ابوالفضل", "Abolfazl"),
    ("ابوالقاسم", "Abolghasem"), ("ابوالحسن", "Abolhassan"), ("نصرالله", "Nasrollah"),
    ("روح‌الله", "Rouhollah"), ("فضل‌الله", "Fazlollah"), ("حبیب‌الله", "Habibollah"),
    ("اسدالله", "Asadollah"), ("عزت‌الله", "Ezzatollah"), ("سیف‌الله", "Seifollah"),
    ("ذبیح‌الله", "Zabihollah"), ("شکرالله", "Shokrollah"), ("هدایت‌الله", "Hedayatollah"),
    ("رحمت‌الله", "Rahmatollah"), ("نعمت‌الله", "Nematollah"), ("خلیل", "Khalil"),
    ("جلیل", "Jalil"), ("جلال", "Jalal"), ("کمال", "Kamal"), ("جمال", "Jamal"),
    ("صالح", "Saleh"), ("حامد", "Hamed"), ("حمزه", "Hamzeh"), ("نادر", "Nader"),
    ("صابر", "Saber"), ("شهرام", "Shahram"), ("شاهرخ", "Shahrokh"), ("سیاوش", "Siavash"),
    ("سهراب", "Sohrab"), ("رستم", "Rostam"), ("بهرام", "Bahram"), ("بهمن", "Bahman"),
    ("اسفندیار", "Esfandiar"), ("خسرو", "Khosrow"), ("اردشیر", "Ardeshir"), ("افشین", "Afshin"),
    ("آرش", "Arash"), ("بهنام", "Behnam"), ("پیام", "Payam"), ("پیمان", "Peyman"),
    ("پژمان", "Pejman"), ("پویا", "Pouya"), ("کامران", "Kamran"), ("کامبیز", "Kambiz"),
    ("کیوان", "Keyvan"), ("مهران", "Mehran"), ("مهرداد", "Mehrdad"), ("مراد", "Morad"),
    ("حشمت", "Heshmat"), ("حجت", "Hojjat"), ("عزت", "Ezzat"), ("نصرت", "Nosrat"),
    ("قدرت", "Ghodrat"), ("تیمور", "Teymour"), ("ستار", "Sattar"), ("جبار", "Jabbar"),
    ("غفار", "Ghaffar"), ("حبیب", "Habib"), ("لطیف", "Latif"), ("ایرج", "Iraj"),
    ("اسد", "Asad"), ("ولی", "Vali"), ("نبی", "Nabi"), ("سهیل", "Soheil"), ("شاپور", "Shapour"),
    ("فرشید", "Farshid"), ("فرزاد", "Farzad"), ("سجاد", "Sajjad"), ("عادل", "Adel"),
    ("احسان", "Ehsan"), ("عرفان", "Erfan"), ("میلاد", "Milad"), ("سینا", "Sina"),
    ("نیما", "Nima"), ("آرمان", "Arman"), ("کیانوش", "Kianoush"), ("سیروس", "Sirous"),
    ("فیروز", "Firouz"), ("قربان", "Ghorban"), ("رمضان", "Ramezan"), ("یدالله", "Yadollah"),
    ("ناصرالدین", "Naseroddin"), ("زین‌العابدین", "Zeinolabedin"),
    // Given names, women.
    ("فاطمه", "Fatemeh"), ("زهرا", "Zahra"), ("زهره", "Zohreh"), ("مریم", "Maryam"),
    ("نرگس", "Narges"), ("مژگان", "Mojgan"), ("شیرین", "Shirin"), ("زینب", "Zeinab"),
    ("معصومه", "Masoumeh"), ("طاهره", "Tahereh"), ("اشرف", "Ashraf"), ("اکرم", "Akram"),
    ("اعظم", "Azam"), ("منیژه", "Manijeh"), ("منیره", "Monireh"), ("مهین", "Mahin"),
    ("پروین", "Parvin"), ("نسرین", "Nasrin"), ("شهلا", "Shahla"), ("لیلا", "Leila"),
    ("فرشته", "Fereshteh"), ("سمیه", "Somayeh"), ("رقیه", "Roghayeh"), ("خدیجه", "Khadijeh"),
    ("سکینه", "Sakineh"), ("کبری", "Kobra"), ("صغری", "Soghra"), ("طوبی", "Touba"),
    ("بتول", "Batoul"), ("عذرا", "Azra"), ("عفت", "Effat"), ("عصمت", "Esmat"),
    ("مهری", "Mehri"), ("پری", "Pari"), ("ژاله", "Jaleh"), ("ژیلا", "Jila"),
    ("نازنین", "Nazanin"), ("سارا", "Sara"), ("نیلوفر", "Niloufar"), ("فریبا", "Fariba"),
    ("فرزانه", "Farzaneh"), ("فریده", "Farideh"), ("حمیده", "Hamideh"), ("سعیده", "Saeedeh"),
    ("مهناز", "Mahnaz"), ("شهناز", "Shahnaz"), ("ناهید", "Nahid"), ("رویا", "Roya"),
    ("مینا", "Mina"), ("سیما", "Sima"), ("سیمین", "Simin"), ("هما", "Homa"), ("هدی", "Hoda"),
    ("مرضیه", "Marzieh"), ("راضیه", "Razieh"), ("سودابه", "Soudabeh"), ("گلرخ", "Golrokh"),
    ("فروغ", "Forough"), ("نوشین", "Nooshin"), ("شهرزاد", "Shahrzad"), ("منیر", "Monir"),
    ("اقدس", "Aghdas"), ("رباب", "Robab"), ("کلثوم", "Kolsoum"), ("صدیقه", "Sedigheh"),
    ("مهرانگیز", "Mehrangiz"), ("ملیحه", "Maliheh"), ("نجمه", "Najmeh"), ("الهام", "Elham"),
    ("الهه", "Elaheh"), ("مهسا", "Mahsa"), ("ژینا", "Jina"), ("سپیده", "Sepideh"),
    ("آزاده", "Azadeh"), ("ترانه", "Taraneh"), ("گوهر", "Gohar"), ("عاطفه", "Atefeh"),
    ("نسترن", "Nastaran"), ("شکوه", "Shokouh"), ("منصوره", "Mansoureh"),
    ("محبوبه", "Mahboubeh"), ("لیلی", "Leili"), ("ربابه", "Robabeh"), ("سهیلا", "Soheila"),
    ("فرح", "Farah"),
    // Titles and name elements.
    ("سید", "Seyed"), ("سیده", "Seyedeh"), ("میر", "Mir"), ("حاج", "Haj"), ("حاجی", "Haji"),
    ("میرزا", "Mirza"), ("شیخ", "Sheikh"), ("آیت‌الله", "Ayatollah"),
    ("حجت‌الاسلام", "Hojjatoleslam"), ("سادات", "Sadat"), ("بیگم", "Beygom"),
    // Surnames.
    ("رضایی", "Rezaei"), ("موسوی", "Mousavi"), ("خامنه‌ای", "Khamenei"), ("رئیسی", "Raisi"),
    ("نیری", "Nayyeri"), ("اشراقی", "Eshraghi"), ("خمینی", "Khomeini"), ("منتظری", "Montazeri"),
    ("رفسنجانی", "Rafsanjani"), ("لاجوردی", "Lajevardi"), ("مرتضوی", "Mortazavi"),
    ("بهشتی", "Beheshti"), ("رجایی", "Rajaei"), ("باهنر", "Bahonar"), ("طالقانی", "Taleghani"),
    ("مطهری", "Motahari"), ("بازرگان", "Bazargan"), ("مصدق", "Mossadegh"),
    ("روحانی", "Rouhani"), ("خاتمی", "Khatami"), ("لاریجانی", "Larijani"),
    ("قالیباف", "Ghalibaf"), ("عبادی", "Ebadi"), ("سلطانی", "Soltani"), ("نوری", "Nouri"),
    ("علوی", "Alavi"), ("رضوی", "Razavi"), ("تقوی", "Taghavi"), ("صفوی", "Safavi"),
    ("طباطبایی", "Tabatabaei"), ("شیرازی", "Shirazi"), ("تهرانی", "Tehrani"),
    ("اصفهانی", "Esfahani"), ("یزدی", "Yazdi"), ("کرمانی", "Kermani"), ("تبریزی", "Tabrizi"),
    ("قمی", "Ghomi"), ("مشهدی", "Mashhadi"), ("اردبیلی", "Ardebili"), ("گیلانی", "Gilani"),
    ("زنجانی", "Zanjani"), ("قزوینی", "Ghazvini"), ("کاشانی", "Kashani"), ("بابایی", "Babaei"),
    ("مرادی", "Moradi"), ("ملکی", "Maleki"), ("قربانی", "Ghorbani"), ("نوروزی", "Nowruzi"),
    ("جلالی", "Jalali"), ("زارع", "Zare"), ("زارعی", "Zarei"), ("شریفی", "Sharifi"),
    ("نظری", "Nazari"), ("صالحی", "Salehi"), ("افشار", "Afshar"), ("توکلی", "Tavakoli"),
    ("طاهری", "Taheri"), ("نادری", "Naderi"), ("عسگری", "Asgari"), ("عسکری", "Askari"),
    ("رستمی", "Rostami"), ("مقیسه", "Moghiseh"), ("صلواتی", "Salavati"), ("حیدری", "Heydari"),
    ("اسماعیلی", "Esmaeili"), ("نجفی", "Najafi"), ("فلاحیان", "Fallahian"),
    ("ری‌شهری", "Reyshahri"), ("محسنی", "Mohseni"), ("اژه‌ای", "Ejei"), ("مهدوی", "Mahdavi"),
    ("کنی", "Kani"), ("ولایتی", "Velayati"), ("کروبی", "Karroubi"), ("نبوی", "Nabavi"),
    ("سحابی", "Sahabi"), ("کدیور", "Kadivar"), ("گنجی", "Ganji"), ("رجوی", "Rajavi"),
    ("بنی‌صدر", "Banisadr"), ("شریعتمداری", "Shariatmadari"), ("جنتی", "Jannati"),
    ("مصباح", "Mesbah"), ("سبحانی", "Sobhani"), ("ابتکار", "Ebtekar"), ("سلیمانی", "Soleimani"),
    ("امینی", "Amini"), ("محمدی", "Mohammadi"), ("حسینی", "Hosseini"), ("ابراهیمی", "Ebrahimi"),
    ("کاظمی", "Kazemi"), ("هاشمی", "Hashemi"), ("قاسمی", "Ghasemi"), ("صادقی", "Sadeghi"),
    ("جعفری", "Jafari"), ("کریمی", "Karimi"), ("رحیمی", "Rahimi"), ("احمدی", "Ahmadi"),
    ("اکبری", "Akbari"), ("عباسی", "Abbasi"), ("یوسفی", "Yousefi"), ("امیری", "Amiri"),
    ("رحمانی", "Rahmani"), ("میرزایی", "Mirzaei"), ("فرهادی", "Farhadi"),
    ("مختاری", "Mokhtari"), ("انصاری", "Ansari"), ("نصیری", "Nasiri"), ("پاکزاد", "Pakzad"),
    ("خلخالی", "Khalkhali"), ("ذوالفقار", "Zolfaghar"), ("رزم‌آرا", "Razmara"),
    ("فرخزاد", "Farrokhzad"), ("شاملو", "Shamlou"), ("ستوده", "Sotoudeh"), ("هویدا", "Hoveyda"),
    ("فروهر", "Forouhar"), ("حائری", "Haeri"), ("کیومرث", "Kiumars"), ("پوینده", "Pouyandeh"),
    ("رهنورد", "Rahnavard"), ("یوشیج", "Yushij"), ("رضوانی", "Rezvani"), ("شکوفه", "Shokoufeh"),
    ("افکاری", "Afkari"), ("جباری", "Jabbari"), ("کمانگر", "Kamangar"), ("جلالیان", "Jalalian"),
    ("هدایت", "Hedayat"), ("بهرنگی", "Behrangi"), ("اسکندری", "Eskandari"),
    ("شریعتی", "Shariati"), ("خیابانی", "Khiabani"), ("حنیف‌نژاد", "Hanifnejad"),
    ("سروش", "Soroush"), ("مخملباف", "Makhmalbaf"), ("پناهی", "Panahi"),
    ("کیارستمی", "Kiarostami"), ("شمخانی", "Shamkhani"), ("سلامی", "Salami"),
    ("وحیدی", "Vahidi"), ("بختیار", "Bakhtiar"), ("سنجابی", "Sanjabi"), ("ظریف", "Zarif"),
    ("محمودی", "Mahmoudi"), ("ریحانه", "Reyhaneh"), ("پروانه", "Parvaneh"), ("صمد", "Samad"),
    ("کرمی", "Karami"), ("حسنی", "Hassani"), ("شوشتری", "Shoushtari"), ("پهلوی", "Pahlavi"),
    ("مجیدی", "Majidi"), ("حاجی‌زاده", "Hajizadeh"), ("قطب‌زاده", "Ghotbzadeh"),
];

/// Pieces that only occur as the beginning of a word, with their spelling there.
#[rustfmt::skip]
pub(crate) const PREFIXES: &[(&str, &str)] = &[
    ("پور", "pour"), ("عبدال", "abdol"), ("ابوال", "abol"), ("میر", "mir"), ("غلام", "gholam"),
];

/// Pieces that only occur after another piece of the same word.
#[rustfmt::skip]
pub(crate) const SUFFIXES: &[(&str, &str)] = &[
    ("زاده", "zadeh"), ("پور", "pour"), ("نژاد", "nejad"), ("نیا", "nia"), ("فر", "far"),
    ("راد", "rad"), ("منش", "manesh"), ("آبادی", "abadi"), ("ابادی", "abadi"),
    ("الله", "ollah"), ("الدین", "oddin"), ("العابدین", "olabedin"), ("الاسلام", "oleslam"),
    ("یان", "ian"),
];

/// The name dictionary keyed by [`normalize`]d Persian.
pub(crate) static DICTIONARY: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| NAMES.iter().map(|&(fa, en)| (normalize(fa), en)).collect());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{match_key, transliterate};

    #[test]
    fn persian_spellings_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (fa, _) in NAMES {
            assert!(seen.insert(normalize(fa)), "{fa} listed twice");
        }
    }

    /// Names whose usual spelling does not meet the Persian key, for the reasons given in
    /// `tests/data/name_pairs.csv`: a consonantal و where a vowel is expected.
    const KEY_MISSES: &[&str] = &["توکلی", "لاجوردی", "رهنورد", "کدیور", "پوینده"];

    #[test]
    fn dictionary_spellings_meet_their_persian() {
        let failures: Vec<String> = NAMES
            .iter()
            .filter(|(fa, en)| (match_key(fa) == match_key(en)) == KEY_MISSES.contains(fa))
            .map(|(fa, en)| format!("{fa} [{}] vs {en} [{}]", match_key(fa), match_key(en)))
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn dictionary_words_transliterate_to_their_spelling() {
        for (fa, en) in NAMES {
            assert_eq!(transliterate(fa), *en);
        }
    }
}
