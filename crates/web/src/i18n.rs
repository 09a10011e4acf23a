//! The interface language: English or Persian (right to left). Chosen with `?lang=` and
//! remembered in a cookie. Only the interface is translated; user content keeps its own
//! language and is marked `dir="auto"` so mixed Persian and Latin text renders correctly.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fa,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "fa" => Some(Lang::Fa),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Fa => "rtl",
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fa,
            Lang::Fa => Lang::En,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fa => "فارسی",
        }
    }

    /// The interface text for `key` (the English text is the key's meaning).
    pub fn t(self, key: &str) -> &'static str {
        let (en, fa) = match key {
            "site" => ("rightsdoc", "rightsdoc"),
            "dashboard" => ("Overview", "نمای کلی"),
            "search" => ("Search", "جستجو"),
            "search_placeholder" => (
                "A name in any script or spelling, a place, a word",
                "نام به هر خط یا املایی، مکان، واژه",
            ),
            "results" => ("results", "نتیجه"),
            "no_results" => ("Nothing found.", "چیزی یافت نشد."),
            "kind" => ("Kind", "نوع"),
            "names" => ("Names", "نام‌ها"),
            "details" => ("Details", "جزئیات"),
            "citations" => ("Sources cited", "منابع"),
            "history" => ("History", "تاریخچه"),
            "referred_by" => ("Referred to by", "ارجاع‌ها"),
            "records" => ("Documented records", "سوابق مستند"),
            "acts_per_year" => ("Documented acts per year", "اقدامات مستند در هر سال"),
            "acts_per_type" => ("Documented acts by type", "اقدامات مستند بر اساس نوع"),
            "upr_responses" => (
                "UPR recommendations by response",
                "توصیه‌های بررسی دوره‌ای جهانی بر اساس پاسخ",
            ),
            "minimum_note" => (
                "Counts are of documented records in this archive: a minimum, not an estimate of the true total.",
                "شمارش‌ها سوابق مستند این بایگانی‌اند: حداقل، نه برآورد شمار واقعی.",
            ),
            "not_found" => (
                "There is no such record, or it is not public.",
                "چنین سابقه‌ای نیست یا عمومی نیست.",
            ),
            "all" => ("All", "همه"),
            "sign_in" => ("Sign in", "ورود"),
            "edit" => ("Edit", "ویرایش"),
            "timeline" => ("Timeline", "گاه‌شمار"),
            "date" => ("Date", "تاریخ"),
            "what" => ("What", "چه"),
            "whom" => ("Who", "چه کسی"),
            "import" => ("Import a spreadsheet", "ورود صفحه‌گسترده"),
            "import_intro" => (
                "CSV, XLSX or ODS with columns named like record fields (first_name, last_name, name_fa, birth, place, list…), a UPR Info table, or a rightsdoc JSON export. Every row is checked; if any row is wrong, nothing is written and the report says which row, column and why.",
                "CSV، XLSX یا ODS با ستون‌هایی هم‌نام با فیلدها، جدول UPR Info یا خروجی JSON. همهٔ ردیف‌ها بررسی می‌شوند؛ اگر ردیفی نادرست باشد چیزی نوشته نمی‌شود و گزارش، ردیف و ستون و دلیل را می‌گوید.",
            ),
            "file" => ("File", "پرونده"),
            "kind_from_file" => ("(from the file's columns)", "(از ستون‌های پرونده)"),
            "list_name" => (
                "Victim list these people appear on (optional)",
                "فهرستی که این افراد در آن آمده‌اند (اختیاری)",
            ),
            "check_only" => ("Check only, write nothing", "فقط بررسی، بدون نوشتن"),
            "checked_only" => (
                "Checked only: nothing was written.",
                "فقط بررسی شد: چیزی نوشته نشد.",
            ),
            "nothing_written" => (
                "Some rows are wrong, so nothing was written. Correct them and upload the file again.",
                "برخی ردیف‌ها نادرست‌اند، پس چیزی نوشته نشد. آن‌ها را اصلاح کنید و دوباره بفرستید.",
            ),
            "choose_file" => (
                "Choose a file to import.",
                "پرونده‌ای برای ورود انتخاب کنید.",
            ),
            "rows_read" => ("rows read", "ردیف خوانده شد"),
            "rows_valid" => ("valid", "درست"),
            "rows_refused" => ("refused", "رد شد"),
            "records_written" => ("records written", "سابقه نوشته شد"),
            "row" => ("Row", "ردیف"),
            "column" => ("Column", "ستون"),
            "reason" => ("Why", "دلیل"),
            "posts_held" => ("Posts held", "سمت‌ها"),
            "holds_now" => ("holds office now", "هم‌اکنون در این سمت"),
            "unknown" => ("unknown", "نامعلوم"),
            "role" => ("Post", "سمت"),
            "organization" => ("Organization", "سازمان"),
            "period" => ("Period", "دوره"),
            "upr_tracker" => ("UPR tracker", "پیگیری UPR"),
            "review_queue" => ("Possible duplicates", "موارد تکراری احتمالی"),
            "review_intro" => (
                "Pairs of person records that record linkage (rightsdoc dedupe) found alike. Compare them and decide; every decision is kept in the log and can be changed later.",
                "جفت‌هایی از سوابق اشخاص که پیوند سوابق (rightsdoc dedupe) آن‌ها را همانند یافته است. آن‌ها را مقایسه کنید و تصمیم بگیرید؛ هر تصمیم در دفتر ثبت می‌شود و بعدا قابل تغییر است.",
            ),
            "open_candidates" => ("pairs wait for a decision", "جفت در انتظار تصمیم"),
            "decide_same" => ("Same person", "همان شخص"),
            "decide_different" => ("Different people", "اشخاص متفاوت"),
            "decide_later" => ("Decide later", "بعدا"),
            "not_visible" => ("(not visible to you)", "(برای شما قابل مشاهده نیست)"),
            "same_person_as" => ("Also recorded as", "ثبت‌شده همچنین به نام"),
            "possible_duplicates" => ("Possibly the same person as", "احتمالا همان شخص"),
            "upr_intro" => (
                "Universal Periodic Review recommendations in this archive: how the state responded and what became of them. Choose a row to narrow the others.",
                "توصیه‌های بررسی دوره‌ای جهانی در این بایگانی: پاسخ دولت و سرنوشت آن‌ها. با انتخاب هر ردیف، جدول‌های دیگر محدود می‌شوند.",
            ),
            "all_recommendations" => ("Every recommendation", "همهٔ توصیه‌ها"),
            "recommendations_n" => ("Recommendations", "توصیه‌ها"),
            "accepted" => ("Accepted", "پذیرفته"),
            "implemented" => ("Implemented", "اجراشده"),
            "show" => ("Show", "نمایش"),
            "by_cycle" => ("By cycle", "بر اساس دوره"),
            "by_response" => ("By response", "بر اساس پاسخ"),
            "by_state" => ("By recommending state", "بر اساس دولت توصیه‌کننده"),
            "by_theme" => ("By theme", "بر اساس موضوع"),
            "cycle" => ("Cycle", "دوره"),
            "response" => ("Response", "پاسخ"),
            "state" => ("State", "دولت"),
            "theme" => ("Theme", "موضوع"),
            "map_caption" => (
                "Country outlines: Natural Earth (public domain). Positions as recorded.",
                "مرزها: Natural Earth (مالکیت عمومی). موقعیت‌ها همان‌گونه که ثبت شده‌اند.",
            ),
            "new" => ("Add a record", "افزودن سابقه"),
            "sign_out" => ("Sign out", "خروج"),
            "user_name" => ("Name", "نام کاربری"),
            "password" => ("Password", "گذرواژه"),
            "code" => (
                "Code from your authenticator app (admins and editors)",
                "کد برنامهٔ احراز هویت (مدیران و ویراستاران)",
            ),
            "bad_login" => (
                "Wrong name, password or code.",
                "نام، گذرواژه یا کد نادرست است.",
            ),
            "too_many" => (
                "Too many failed attempts for this name; wait 15 minutes.",
                "تلاش‌های ناموفق برای این نام زیاد است؛ ۱۵ دقیقه صبر کنید.",
            ),
            "people" => ("People", "افراد"),
            "places" => ("Places", "مکان‌ها"),
            "events" => ("Events", "رویدادها"),
            "organizations" => ("Organizations", "سازمان‌ها"),
            "recommendations" => ("UPR recommendations", "توصیه‌های UPR"),
            "sources" => ("Sources", "منابع"),
            "records_section" => ("Other records", "دیگر سوابق"),
            "no_data" => ("Nothing documented yet.", "هنوز چیزی مستند نشده است."),
            "facet_kind" => ("Kind", "نوع"),
            "facet_act_type" => ("Act", "نوع اقدام"),
            "facet_year" => ("Year", "سال"),
            "facet_place" => ("Place", "مکان"),
            "facet_list" => ("List", "فهرست"),
            "facet_theme" => ("Theme", "موضوع"),
            "facet_response" => ("Response", "پاسخ"),
            "operation" => ("Operation", "عملیات"),
            "when" => ("When", "زمان"),
            "who" => ("Who", "کاربر"),
            "previous" => ("Previous", "قبلی"),
            "next" => ("Next", "بعدی"),
            "shown" => ("shown", "نمایش"),
            "of" => ("of", "از"),
            "footer" => (
                "Every fact here is in a signed, append-only log; `rightsdoc verify` checks it.",
                "هر واقعیت در اینجا در یک دفتر امضاشده و فقط‌افزودنی ثبت است؛ ‎`rightsdoc verify`‎ آن را وارسی می‌کند.",
            ),
            _ => ("?", "?"),
        };
        match self {
            Lang::En => en,
            Lang::Fa => fa,
        }
    }
}

/// The label of a record field (or a qualifier of a value) in the interface language. English
/// labels are the field names made readable; Persian ones are translated, and a field without
/// a translation shows its English label.
pub fn field_label(key: &str, lang: Lang) -> String {
    let fa = match key {
        "names" => "نام‌ها",
        "name_as_listed" => "نام در فهرست",
        "father_name" => "نام پدر",
        "sex" => "جنس",
        "birth" => "تولد",
        "birth_place" => "محل تولد",
        "death" => "مرگ",
        "nationality" => "ملیت",
        "ethnicity" => "قومیت",
        "religion" => "دین",
        "political_affiliation" => "وابستگی سیاسی",
        "occupation" => "شغل",
        "photo" => "عکس",
        "lists" => "فهرست‌ها",
        "list" => "فهرست",
        "entry" => "ردیف",
        "notes" | "note" => "یادداشت",
        "citations" | "citation" => "استناد",
        "source" => "منبع",
        "locator" => "نشانی در منبع",
        "credibility" => "اعتبار",
        "quote" => "نقل",
        "classification" => "طبقه‌بندی",
        "person" => "فرد",
        "organization" => "سازمان",
        "role" => "نقش",
        "period" => "دوره",
        "parent" => "بالادست",
        "jurisdiction" => "حوزهٔ اختیار",
        "org_type" => "نوع سازمان",
        "place" => "مکان",
        "places" => "مکان‌ها",
        "place_type" => "نوع مکان",
        "point" => "موقعیت",
        "lat" => "عرض جغرافیایی",
        "lon" => "طول جغرافیایی",
        "status" => "وضعیت",
        "title" => "عنوان",
        "title_fa" => "عنوان فارسی",
        "description" => "شرح",
        "event" => "رویداد",
        "act_type" | "act_types" => "نوع اقدام",
        "victim" => "قربانی",
        "date" => "تاریخ",
        "offence_date" => "تاریخ اتهام",
        "age_at_offence" => "سن هنگام اتهام",
        "outcome" => "پیامد",
        "actor" => "عامل",
        "act" => "اقدام",
        "charges" => "اتهام‌ها",
        "court" => "دادگاه",
        "judge" => "قاضی",
        "trial_date" => "تاریخ دادرسی",
        "sentence" => "حکم",
        "sentence_date" => "تاریخ حکم",
        "fair_trial_concerns" => "نگرانی‌های دادرسی عادلانه",
        "prisoner_of_conscience" => "زندانی عقیدتی",
        "source_type" => "نوع منبع",
        "authors" => "نویسندگان",
        "publisher" => "ناشر",
        "url" => "نشانی",
        "archive_url" => "نشانی بایگانی",
        "language" => "زبان",
        "reliability" => "اعتبار منبع",
        "witness" => "شاهد",
        "state_under_review" => "دولت مورد بررسی",
        "cycle" => "دوره",
        "session" => "نشست",
        "paragraph" => "بند",
        "recommending_states" => "دولت‌های توصیه‌کننده",
        "text" => "متن",
        "themes" => "موضوع‌ها",
        "response" => "پاسخ",
        "implementation" => "اجرا",
        "measure" => "سنجه",
        "state" => "دولت",
        "count" => "شمار",
        "value" => "مقدار",
        _ => "",
    };
    match lang {
        Lang::Fa if !fa.is_empty() => fa.to_string(),
        _ => crate::view::humanize(key),
    }
}
