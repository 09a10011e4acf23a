//! Properties of the public API over generated values.

use icu_calendar::{Date, Iso};
use proptest::prelude::*;
use rightsdoc_dates::{Day, Edtf, IntervalEnd, parse_date};

/// Days in a Gregorian month, from icu_calendar rather than the crate under test.
fn month_length(year: i32, month: u8) -> u8 {
    Date::try_new_iso(year, month, 1).unwrap().days_in_month()
}

/// Canonical text of a valid EDTF date, covering every level-1 form the crate accepts.
fn date_text() -> impl Strategy<Value = String> {
    let qualifier = prop::sample::select(vec!["", "?", "~", "%"]);
    let unspecified_year = (0..=999i32, 1..=2usize).prop_map(|(prefix, xs)| {
        let digits = format!("{:04}", prefix * 10_i32.pow(xs as u32));
        format!("{}{}", &digits[..4 - xs], "X".repeat(xs))
    });
    let specified = (0..=9999i32, 0..=4u8, 1..=31u8).prop_map(|(year, shape, day)| match shape {
        0 => format!("{year:04}"),
        1 => format!("{year:04}-XX"),
        2 => format!("{year:04}-XX-XX"),
        _ => {
            let month = day % 12 + 1;
            let day = (day - 1) % month_length(year, month) + 1;
            if shape == 3 {
                format!("{year:04}-{month:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02}")
            }
        }
    });
    let with_day_xx =
        (0..=9999i32, 1..=12u8).prop_map(|(year, month)| format!("{year:04}-{month:02}-XX"));
    (
        prop_oneof![unspecified_year, specified, with_day_xx],
        qualifier,
    )
        .prop_map(|(date, q)| date + q)
}

/// Canonical text of a valid EDTF value: a date, or an interval in order with at most one
/// open or unknown end.
fn edtf_text() -> impl Strategy<Value = String> {
    let end = prop_oneof![
        6 => date_text(),
        1 => Just("..".to_string()),
        1 => Just(String::new()),
    ];
    prop_oneof![
        date_text(),
        (end.clone(), end).prop_filter_map("needs a date", |(a, b)| {
            let bounds = |s: &str| Edtf::parse(s).ok().map(|e| (e.earliest(), e.latest()));
            match (bounds(&a), bounds(&b)) {
                (None, None) => None,
                (Some((a_first, _)), Some((_, b_last))) if a_first > b_last => {
                    Some(format!("{b}/{a}"))
                }
                _ => Some(format!("{a}/{b}")),
            }
        }),
    ]
}

/// Days in a Solar Hijri month, from icu_calendar.
fn sh_month_length(year: i32, month: u8) -> u8 {
    Date::try_new_persian(year, month, 1)
        .unwrap()
        .days_in_month()
}

fn sh_day() -> impl Strategy<Value = (i32, u8, u8)> {
    (1300..=1450i32, 1..=12u8, 1..=31u8)
        .prop_map(|(year, month, day)| (year, month, (day - 1) % sh_month_length(year, month) + 1))
}

fn gregorian_of_sh(year: i32, month: u8, day: u8) -> Day {
    let edtf = parse_date(&format!("{year}-{month:02}-{day:02} SH"))
        .unwrap()
        .edtf;
    assert_eq!(edtf.earliest(), edtf.latest());
    edtf.earliest().unwrap()
}

fn next_gregorian(day: Day) -> Day {
    let next = Date::try_new_iso(day.year, day.month, day.day)
        .unwrap()
        .to_rata_die()
        + 1;
    let next = Date::from_rata_die(next, Iso);
    Day {
        year: next.year().extended_year(),
        month: next.month().ordinal,
        day: next.day_of_month().0,
    }
}

fn next_sh((year, month, day): (i32, u8, u8)) -> (i32, u8, u8) {
    if day < sh_month_length(year, month) {
        (year, month, day + 1)
    } else if month < 12 {
        (year, month + 1, 1)
    } else {
        (year + 1, 1, 1)
    }
}

/// `lo..=hi` ranges intersect, `None` being unbounded.
fn ranges_intersect(a: &Edtf, b: &Edtf) -> bool {
    let below = |lo: Option<Day>, hi: Option<Day>| lo.zip(hi).is_none_or(|(lo, hi)| lo <= hi);
    below(a.earliest(), b.latest()) && below(b.earliest(), a.latest())
}

proptest! {
    // Failures are printed with their input; no regression files in the source tree.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn canonical_text_round_trips(text in edtf_text()) {
        let edtf = Edtf::parse(&text).unwrap();
        prop_assert_eq!(edtf.to_string(), text.clone());
        prop_assert_eq!(Edtf::parse(&edtf.to_string()), Ok(edtf));
        let json = serde_json::to_string(&edtf).unwrap();
        prop_assert_eq!(serde_json::from_str::<Edtf>(&json).unwrap(), edtf);
        prop_assert_eq!(parse_date(&text).unwrap().edtf, edtf);
    }

    #[test]
    fn earliest_not_after_latest(text in edtf_text()) {
        let edtf = Edtf::parse(&text).unwrap();
        if let (Some(first), Some(last)) = (edtf.earliest(), edtf.latest()) {
            prop_assert!(first <= last);
            prop_assert!(edtf.contains(first) && edtf.contains(last));
            prop_assert_eq!(edtf.year_span(), Some((first.year, last.year)));
        }
    }

    #[test]
    fn overlaps_is_symmetric_range_intersection(a in edtf_text(), b in edtf_text()) {
        let (a, b) = (Edtf::parse(&a).unwrap(), Edtf::parse(&b).unwrap());
        prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
        prop_assert_eq!(a.overlaps(&b), ranges_intersect(&a, &b));
        prop_assert!(a.overlaps(&a));
    }

    #[test]
    fn order_is_total_and_consistent(a in edtf_text(), b in edtf_text()) {
        let (a, b) = (Edtf::parse(&a).unwrap(), Edtf::parse(&b).unwrap());
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&b).is_eq(), a == b);
        if a.earliest() < b.earliest() {
            prop_assert!(a < b);
        }
    }

    #[test]
    fn interval_contains_its_ends(a in date_text(), b in date_text()) {
        let text = match Edtf::parse(&format!("{a}/{b}")) {
            Ok(_) => format!("{a}/{b}"),
            Err(_) => format!("{b}/{a}"),
        };
        let interval = Edtf::parse(&text).unwrap();
        let Edtf::Interval { start: IntervalEnd::Date(start), end: IntervalEnd::Date(end) } = interval else {
            panic!("{text} is not an interval of dates");
        };
        let (first, last) = (start.earliest(), end.latest());
        prop_assert!(interval.contains(first) && interval.contains(last));
        // An end may reach past the other one (`1988-07-19/1988`): its days beyond are
        // impossible and not covered; all its other days are.
        for day in [start.latest(), end.earliest()] {
            prop_assert_eq!(interval.contains(day), first <= day && day <= last, "{} {}", text, day);
        }
    }

    #[test]
    fn solar_hijri_day_is_in_its_month(sh in sh_day()) {
        let (year, month, day) = sh;
        let gregorian = gregorian_of_sh(year, month, day);
        let month_value = parse_date(&format!("{year}-{month:02} SH")).unwrap().edtf;
        prop_assert!(month_value.contains(gregorian));
        let year_value = parse_date(&format!("{year} SH")).unwrap().edtf;
        prop_assert!(year_value.contains(gregorian));
        let (next_year, next_month, next_day) = next_sh(sh);
        prop_assert_eq!(gregorian_of_sh(next_year, next_month, next_day), next_gregorian(gregorian));
    }
}
