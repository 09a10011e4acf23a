use rightsdoc_names::{Script, match_key_tokens, normalize, script};

#[test]
fn arabic_letter_variants_become_persian() {
    assert_eq!(normalize("علي"), "علی", "Arabic yeh U+064A");
    assert_eq!(normalize("موسى"), "موسی", "alef maqsura U+0649");
    assert_eq!(normalize("كريم"), "کریم", "Arabic kaf U+0643");
    assert_eq!(normalize("فاطمة"), "فاطمه", "teh marbuta");
    assert_eq!(normalize("خانهٔ"), "خانه", "hamza above a heh");
}

#[test]
fn hamza_forms_fold_and_alef_madda_stays() {
    assert_eq!(normalize("أحمد"), "احمد");
    assert_eq!(normalize("إبراهيم"), "ابراهیم");
    assert_eq!(normalize("ٱلله"), "الله");
    assert_eq!(normalize("مؤمن"), "مومن");
    assert_eq!(normalize("رئیسی"), "رییسی");
    assert_eq!(normalize("آرش"), "آرش");
    assert_eq!(
        normalize("ا\u{0653}رش"),
        "آرش",
        "alef + madda composes to آ"
    );
}

#[test]
fn harakat_tatweel_and_invisible_marks_are_removed() {
    assert_eq!(normalize("مُحَمَّد"), "محمد");
    assert_eq!(normalize("رَحْمٰن"), "رحمن", "superscript alef");
    assert_eq!(normalize("محـــمد"), "محمد", "tatweel");
    assert_eq!(
        normalize("\u{200F}علی\u{200E}\u{FEFF}"),
        "علی",
        "bidi marks and BOM"
    );
    assert_eq!(normalize("ع\u{200D}لی"), "علی", "ZWJ");
    assert_eq!(normalize("\u{2067}Ali\u{2069}"), "ali", "bidi isolates");
}

#[test]
fn zwnj_joins() {
    assert_eq!(normalize("حسین‌زاده"), "حسینزاده");
    assert_eq!(normalize("حسین‌زاده"), normalize("حسینزاده"));
    assert_eq!(normalize("خامنه‌ای"), "خامنهای");
}

#[test]
fn persian_and_arabic_indic_digits_become_ascii() {
    assert_eq!(normalize("۱۳۶۷"), "1367");
    assert_eq!(normalize("١٩٨٨"), "1988");
    assert_eq!(normalize("زندانی ۱۲۳"), "زندانی 123");
}

#[test]
fn latin_is_lowercased_without_diacritics_or_apostrophes() {
    assert_eq!(normalize("MOHAMMAD"), "mohammad");
    assert_eq!(normalize("Ébrāhīm"), "ebrahim");
    assert_eq!(normalize("Hüseyin Şahin"), "huseyin sahin");
    assert_eq!(normalize("Jaʿfarī"), "jafari");
    assert_eq!(normalize("Ja'fari"), "jafari");
    assert_eq!(normalize("Ja’fari"), "jafari");
    assert_eq!(normalize("ʾAli"), "ali");
    assert_eq!(
        normalize("Ja´fari"),
        "jafari",
        "acute accent used as an apostrophe"
    );
}

#[test]
fn whitespace_collapses_and_hyphens_become_spaces() {
    assert_eq!(normalize("  Ali \t  Reza\n"), "ali reza");
    assert_eq!(normalize("Gholam-Reza"), "gholam reza");
    assert_eq!(normalize("Abd ol–Karim"), "abd ol karim", "en dash");
    assert_eq!(normalize("علی\u{00A0}رضا"), "علی رضا", "no-break space");
    assert_eq!(normalize(" - "), "");
    assert_eq!(
        normalize("Khomeini (Ruhollah)"),
        "khomeini (ruhollah)",
        "other punctuation stays"
    );
}

#[test]
fn compatibility_forms_fold() {
    assert_eq!(normalize("ﻋﻠﻰ"), "علی", "Arabic presentation forms");
    assert_eq!(normalize("Ａｌｉ"), "ali", "full-width Latin");
    assert_eq!(normalize("ﻻله"), "لاله", "lam-alef ligature");
}

#[test]
fn script_is_judged_by_letters() {
    assert_eq!(script("محمد رضایی"), Script::Persian);
    assert_eq!(script("علي ۱۳۶۷"), Script::Persian);
    assert_eq!(script("Ja'far Ṣādeqī"), Script::Latin);
    assert_eq!(script("Jaʿfari"), Script::Latin);
    assert_eq!(script("Ali علی"), Script::Mixed);
    assert_eq!(script("Мохаммад"), Script::Other);
    assert_eq!(script("Мохаммад Ali"), Script::Mixed);
    assert_eq!(script(""), Script::Empty);
    assert_eq!(script(" 1988 - ۱۳۶۷ "), Script::Empty);
}

#[test]
fn tokens_are_per_word_keys() {
    assert_eq!(
        match_key_tokens("Seyed Mohammadreza Hosseinzadeh"),
        ["syyd", "mhmd", "rz", "hsynzdh"]
    );
    assert_eq!(
        match_key_tokens("سید محمدرضا حسین‌زاده"),
        ["syyd", "mhmd", "rz", "hsynzdh"]
    );
    assert_eq!(
        match_key_tokens("Rezaei, Ali (b. 1960)"),
        ["rzy", "aly", "b"]
    );
    assert!(match_key_tokens("").is_empty());
    assert!(match_key_tokens(" ۱۳۶۷ - ").is_empty());
    assert_eq!(
        match_key_tokens("Мохаммад"),
        ["мохаммад"],
        "other scripts are kept as normalized"
    );
}
