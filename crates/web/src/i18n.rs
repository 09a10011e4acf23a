//! The interface language: English or Persian (right to left). Chosen with `?lang=` and
//! remembered in a cookie. Only the interface is translated; user content keeps its own
//! language and is marked `dir="auto"` so mixed Persian and Latin text renders correctly.

use rightsdoc_model::Kind;

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
            "save" => ("Save", "ذخیره"),
            "locked_field" => (
                "This field holds sourced or conflicting values; change it through the API or",
                "این فیلد مقادیر مستند یا متعارض دارد؛ آن را از راه API یا این فرمان تغییر دهید:",
            ),
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
            "estimate_nav" => ("Estimates", "برآوردها"),
            "estimate_title" => ("How many were not recorded", "چند نفر ثبت نشده‌اند"),
            "estimate_intro" => (
                "No list names every victim. From how the lists overlap, multiple systems estimation estimates how many people none of them recorded. Choose two or more lists.",
                "هیچ فهرستی نام همه قربانیان را ندارد. از هم‌پوشانی فهرست‌ها، برآورد چندسامانه‌ای تعداد کسانی را که در هیچ فهرستی ثبت نشده‌اند برآورد می‌کند. دو فهرست یا بیشتر را برگزینید.",
            ),
            "estimate_lists" => ("Lists", "فهرست‌ها"),
            "estimate_bayesian" => (
                "Bayesian latent classes (LCMCR) instead of log-linear models",
                "کلاس‌های پنهان بیزی (LCMCR) به جای مدل‌های لگ‌خطی",
            ),
            "estimate_run" => ("Estimate", "برآورد"),
            "estimate_documented" => (
                "Documented on at least one list",
                "ثبت‌شده در دست‌کم یک فهرست",
            ),
            "estimate_estimated" => ("Estimated in all", "برآورد کل"),
            "estimate_interval" => ("95% interval", "بازه ۹۵٪"),
            "estimate_method" => ("Method", "روش"),
            "estimate_records" => ("Person records used", "سوابق اشخاص به‌کاررفته"),
            "estimate_merged" => ("merged as the same person", "ادغام‌شده به‌عنوان همان شخص"),
            "estimate_warnings" => ("Warnings", "هشدارها"),
            "estimate_assumptions" => ("What this estimate assumes", "فرض‌های این برآورد"),
            "estimate_models" => ("Models", "مدل‌ها"),
            "estimate_model" => ("Model", "مدل"),
            "estimate_overlap" => ("Who is on which lists", "چه کسی در کدام فهرست‌هاست"),
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
            // Form help: what forms.rs appends to a field's own help.
            "help_date" => (
                "EDTF (1988, 1988-07, 1988-07/1988-09, 1988~) or Solar Hijri (مرداد ۱۳۶۷)",
                // The isolates keep the Latin examples in order inside right-to-left text.
                "قالب EDTF (\u{2066}1988, 1988-07, 1988-07/1988-09, 1988~\u{2069}) یا تاریخ هجری خورشیدی (مرداد ۱۳۶۷)",
            ),
            "help_ref" => ("the id of a", "شناسهٔ یک"),
            "or" => ("or", "یا"),
            // Between list items; some Persian terms hold a comma themselves.
            "list_sep" => (", ", "؛ "),
            "help_names" => ("one per line, in any script", "هر نام در یک سطر، به هر خطی"),
            "help_one_per_line" => ("one per line", "هر مورد در یک سطر"),
            "help_classification" => (
                "who may see this record: public, restricted (researchers) or confidential (editors and admins)",
                "چه کسانی این سابقه را ببینند: عمومی، محدود (پژوهشگران) یا محرمانه (ویراستاران و مدیران)",
            ),
            // Evidence files (evidence.rs and its templates).
            "evidence" => ("Evidence", "مدارک"),
            "ev_new" => ("Add an evidence file", "افزودن پروندهٔ مدرک"),
            "ev_intro" => (
                "The file is kept exactly as it is, under its SHA-256 fingerprint, and never changed. Its type is read from its bytes, not from its name. What it says about itself (date, place, device) is shown as a claim, not as a fact. Storing it is recorded in its chain of custody under your name.",
                "پرونده دقیقاً همان‌گونه که هست، زیر اثرانگشت SHA-256 خود نگه داشته می‌شود و هرگز تغییر نمی‌کند. نوع آن از روی بایت‌هایش خوانده می‌شود، نه از نامش. آنچه پرونده دربارهٔ خود می‌گوید (تاریخ، مکان، دستگاه) به‌عنوان ادعا نشان داده می‌شود، نه واقعیت. ذخیرهٔ آن به نام شما در زنجیرهٔ نگهداری‌اش ثبت می‌شود.",
            ),
            "ev_class" => ("Who may see it", "چه کسانی ببینند"),
            "ev_choose_class" => (
                "— choose who may see it —",
                "— انتخاب کنید چه کسانی آن را ببینند —",
            ),
            "ev_class_help" => (
                "Public: anyone, also visitors who are not signed in. Restricted: researchers, editors and admins. Confidential: editors and admins only, and every download needs a reason, which is recorded. A file that could identify a witness or a family is confidential.",
                "عمومی: همه، حتی بازدیدکنندگانی که وارد نشده‌اند. محدود: پژوهشگران، ویراستاران و مدیران. محرمانه: فقط ویراستاران و مدیران، و هر بارگیری به دلیلی نیاز دارد که ثبت می‌شود. پرونده‌ای که ممکن است هویت شاهد یا خانواده‌ای را آشکار کند محرمانه است.",
            ),
            "ev_seen_public" => (
                "Public: anyone, also visitors who are not signed in",
                "عمومی: همه، حتی بازدیدکنندگانی که وارد نشده‌اند",
            ),
            "ev_seen_restricted" => (
                "Restricted: researchers, editors and admins",
                "محدود: پژوهشگران، ویراستاران و مدیران",
            ),
            "ev_seen_confidential" => (
                "Confidential: editors and admins only; every download needs a reason, recorded in its chain of custody",
                "محرمانه: فقط ویراستاران و مدیران؛ هر بارگیری به دلیلی نیاز دارد که در زنجیرهٔ نگهداری آن ثبت می‌شود",
            ),
            "ev_source" => ("Source", "منبع"),
            "ev_no_source" => ("(no source)", "(بدون منبع)"),
            "ev_source_help" => (
                "The source this file belongs to: a testimony, a report, a post… Optional; only sources you may see are listed.",
                "منبعی که این پرونده به آن تعلق دارد: شهادت، گزارش، پست… اختیاری است؛ فقط منابعی که شما می‌توانید ببینید فهرست شده‌اند.",
            ),
            "ev_file_help" => (
                "Any kind of file: photo, video, audio, document.",
                "هر نوع پرونده: عکس، ویدیو، صدا، سند.",
            ),
            "ev_max_size" => (
                "Largest accepted here:",
                "بزرگ‌ترین اندازهٔ پذیرفتنی در اینجا:",
            ),
            "ev_larger" => (
                "larger files are added on the server with",
                "پرونده‌های بزرگ‌تر روی سرور با این فرمان افزوده می‌شوند:",
            ),
            "ev_store" => ("Store the file", "ذخیرهٔ پرونده"),
            "ev_refused" => (
                "Nothing was stored. Correct what is marked below and send the form again.",
                "چیزی ذخیره نشد. موارد مشخص‌شده در زیر را اصلاح کنید و فرم را دوباره بفرستید.",
            ),
            "ev_choose_file" => (
                "Choose a file to store.",
                "پرونده‌ای برای ذخیره انتخاب کنید.",
            ),
            "ev_empty_file" => (
                "The chosen file is empty (0 bytes); nothing was stored.",
                "پروندهٔ انتخاب‌شده خالی است (۰ بایت)؛ چیزی ذخیره نشد.",
            ),
            "ev_choose_again" => (
                "The browser does not keep a chosen file after a refusal: choose it again.",
                "مرورگر پس از رد شدن فرم، پروندهٔ انتخاب‌شده را نگه نمی‌دارد: دوباره آن را انتخاب کنید.",
            ),
            "ev_class_required" => (
                "Choose who may see this file.",
                "انتخاب کنید چه کسانی این پرونده را ببینند.",
            ),
            "ev_unknown_source" => (
                "There is no such source in this archive; choose one from the list.",
                "چنین منبعی در این بایگانی نیست؛ یکی را از فهرست انتخاب کنید.",
            ),
            "ev_too_large" => (
                "The file is larger than this page accepts; nothing was stored. Add it on the server with `rightsdoc evidence add`.",
                "پرونده بزرگ‌تر از حدی است که این صفحه می‌پذیرد؛ چیزی ذخیره نشد. آن را روی سرور با فرمان \u{2066}`rightsdoc evidence add`\u{2069} بیفزایید.",
            ),
            "ev_text_too_long" => (
                "The note is too long (more than 1 MiB); nothing was stored.",
                "یادداشت بیش از اندازه بلند است (بیش از ۱ مبی‌بایت)؛ چیزی ذخیره نشد.",
            ),
            "ev_cut_short" => (
                "The upload was cut short before the whole file arrived; nothing was stored. Try again.",
                "بارگذاری پیش از رسیدن کامل پرونده قطع شد؛ چیزی ذخیره نشد. دوباره تلاش کنید.",
            ),
            "ev_stored_title" => ("Stored", "ذخیره شد"),
            "ev_stored" => (
                "The file is stored and recorded as",
                "پرونده ذخیره و ثبت شد به‌عنوان",
            ),
            "ev_already_title" => ("Already stored", "پیش‌تر ذخیره شده بود"),
            "ev_already" => (
                "These exact bytes are already in the archive, as",
                "همین بایت‌ها پیش‌تر در بایگانی هستند، به‌عنوان",
            ),
            "ev_already_more" => (
                "No second copy was made. Your upload is recorded as another acquisition in that item's chain of custody; the item keeps its own classification, source and note.",
                "نسخهٔ دومی ساخته نشد. بارگذاری شما به‌عنوان دریافتی دیگر در زنجیرهٔ نگهداری آن مدرک ثبت شد؛ طبقه‌بندی، منبع و یادداشت آن مدرک تغییر نمی‌کند.",
            ),
            "ev_open_item" => ("Open the item", "باز کردن مدرک"),
            "ev_another" => ("Store another file", "ذخیرهٔ پروندهٔ دیگر"),
            "ev_add_to_source" => (
                "Add an evidence file to this source",
                "افزودن پروندهٔ مدرک به این منبع",
            ),
            "ev_section_file" => ("The file", "پرونده"),
            "ev_sha_note" => (
                "the file's fingerprint: changing even one byte of the file changes it",
                "اثرانگشت پرونده: تغییر حتی یک بایت از پرونده آن را تغییر می‌دهد",
            ),
            "ev_size" => ("Size", "اندازه"),
            "ev_type" => (
                "Type (read from its bytes)",
                "نوع (خوانده‌شده از بایت‌های پرونده)",
            ),
            "ev_original_name" => ("Original file name", "نام اصلی پرونده"),
            "ev_acquired" => ("Acquired", "دریافت"),
            "ev_by" => ("by", "توسط"),
            "ev_note" => ("Note", "یادداشت"),
            "ev_original" => ("Made from the original", "ساخته‌شده از پروندهٔ اصلی"),
            "ev_download" => ("Download the original", "بارگیری پروندهٔ اصلی"),
            "ev_download_note" => (
                "It is sent as a download and never opened in the browser (uploaded files are untrusted). Its SHA-256 is checked as it is sent; a file that no longer matches is not sent.",
                "پرونده به‌صورت بارگیری فرستاده می‌شود و هرگز در مرورگر باز نمی‌شود (پرونده‌های بارگذاری‌شده قابل اعتماد نیستند). SHA-256 آن هنگام فرستادن وارسی می‌شود؛ پرونده‌ای که دیگر مطابق نباشد فرستاده نمی‌شود.",
            ),
            "ev_reason_title" => ("Download a confidential file", "بارگیری پروندهٔ محرمانه"),
            "ev_reason_intro" => (
                "This item is confidential. Say why you need a copy: the reason, your name and the time are recorded in its chain of custody before the file is sent.",
                "این مدرک محرمانه است. بگویید چرا به رونوشت آن نیاز دارید: دلیل، نام شما و زمان، پیش از فرستادن پرونده در زنجیرهٔ نگهداری آن ثبت می‌شوند.",
            ),
            "ev_reason_label" => ("Why you need a copy", "چرا به رونوشت نیاز دارید"),
            "ev_reason_help" => (
                "For example: “for the submission to the UN Special Rapporteur, case 12”.",
                "برای نمونه: «برای ارسال به گزارشگر ویژهٔ سازمان ملل، پروندهٔ ۱۲».",
            ),
            "ev_reason_button" => ("Record the reason and download", "ثبت دلیل و بارگیری"),
            "ev_reason_required" => (
                "Say why you need a copy; nothing was sent.",
                "بگویید چرا به رونوشت نیاز دارید؛ چیزی فرستاده نشد.",
            ),
            "ev_back" => ("Back to the item", "بازگشت به مدرک"),
            "ev_not_sent" => ("File not sent", "پرونده فرستاده نشد"),
            "ev_damaged" => (
                "This file was not sent: the stored copy is missing or no longer matches its SHA-256 fingerprint. An administrator should run `rightsdoc verify` and restore it from a backup.",
                "این پرونده فرستاده نشد: نسخهٔ ذخیره‌شده در دسترس نیست یا دیگر با اثرانگشت SHA-256 خود مطابق نیست. مدیر باید فرمان \u{2066}`rightsdoc verify`\u{2069} را اجرا کند و آن را از نسخهٔ پشتیبان بازگرداند.",
            ),
            "ev_claims" => (
                "What the file claims about itself",
                "آنچه پرونده دربارهٔ خود ادعا می‌کند",
            ),
            "ev_claims_note" => (
                "Claims made by the file, not verified. Cameras, phones and editing software write them, and anyone can change them; camera clocks are often wrong.",
                "ادعاهای خود پرونده، راستی‌آزمایی‌نشده. دوربین‌ها، تلفن‌ها و نرم‌افزارهای ویرایش آن‌ها را می‌نویسند و هر کسی می‌تواند آن‌ها را تغییر دهد؛ ساعت دوربین‌ها اغلب نادرست است.",
            ),
            "ev_no_claims" => (
                "The file makes no claims the archive can read (no EXIF, XMP, container or C2PA metadata).",
                "پرونده ادعایی ندارد که بایگانی بتواند بخواند (فرادادهٔ EXIF، XMP، ظرف یا C2PA ندارد).",
            ),
            "ev_hand_over" => ("Record a hand-over", "ثبت تحویل"),
            "ev_add_copy" => (
                "Add a copy made from this file (thumbnail, transcode, redacted)",
                "افزودن نسخه‌ای ساخته‌شده از این پرونده (تصویر کوچک، تبدیل، پوشانده‌شده)",
            ),
            "ev_hand_over_intro" => (
                "The file was given to someone: who received it and why go into its chain of custody, under your name.",
                "پرونده به کسی داده شد: گیرنده و دلیل، به نام شما، در زنجیرهٔ نگهداری آن ثبت می‌شود.",
            ),
            "ev_hand_over_to" => ("Handed over to", "تحویل به"),
            "ev_hand_over_reason" => ("Why", "دلیل"),
            "ev_hand_over_from" => ("Handed over by", "تحویل‌دهنده"),
            "ev_hand_over_from_help" => (
                "Leave empty if it was you.",
                "اگر خودتان تحویل دادید، خالی بگذارید.",
            ),
            "ev_hand_over_button" => ("Record the hand-over", "ثبت تحویل"),
            "ev_hand_over_refused" => (
                "Nothing was recorded; see below.",
                "چیزی ثبت نشد؛ پایین را ببینید.",
            ),
            "ev_hand_over_to_required" => (
                "Say who received the file.",
                "بگویید پرونده را چه کسی دریافت کرد.",
            ),
            "ev_hand_over_reason_required" => {
                ("Say why it was handed over.", "بگویید چرا تحویل داده شد.")
            }
            "ev_derived_from" => ("Made from (for a copy)", "ساخته‌شده از (برای یک نسخه)"),
            "ev_not_derived" => ("(an original, not a copy)", "(پروندهٔ اصلی، نه نسخه)"),
            "ev_derived_help" => (
                "For a thumbnail, transcode or redacted copy: the original item it was made from. The original is never changed.",
                "برای تصویر کوچک، نسخهٔ تبدیل‌شده یا پوشانده‌شده: مدرک اصلی‌ای که از آن ساخته شد. پروندهٔ اصلی هرگز تغییر نمی‌کند.",
            ),
            "ev_derivation" => ("How the copy was made", "چگونگی ساخت نسخه"),
            "ev_choose_derivation" => ("(choose)", "(انتخاب کنید)"),
            "ev_derivation_required" => (
                "Say how the copy was made from its original.",
                "بگویید نسخه چگونه از پروندهٔ اصلی ساخته شد.",
            ),
            "ev_original_required" => (
                "Choose the original this copy was made from.",
                "پروندهٔ اصلی‌ای را که این نسخه از آن ساخته شد انتخاب کنید.",
            ),
            "ev_unknown_original" => (
                "There is no such evidence item you may see.",
                "چنین مدرکی که شما بتوانید ببینید وجود ندارد.",
            ),
            "claims_exif" => ("EXIF (camera data)", "EXIF (دادهٔ دوربین)"),
            "claims_xmp" => ("XMP (editing software data)", "XMP (دادهٔ نرم‌افزار ویرایش)"),
            "claims_media" => ("The recording's container", "ظرف ضبط"),
            "claims_c2pa" => (
                "C2PA content credentials (claims the file makes)",
                "گواهی‌های محتوای C2PA (ادعاهای خود پرونده)",
            ),
            "c2pa_state" => ("Validation", "اعتبارسنجی"),
            "c2pa_trusted" => (
                "signed and intact; the signer is on this archive's trust list",
                "امضاشده و دست‌نخورده؛ امضاکننده در فهرست اعتماد این بایگانی است",
            ),
            "c2pa_untrusted" => (
                "signed and intact, by a signer this archive has no reason to trust",
                "امضاشده و دست‌نخورده، از امضاکننده‌ای که این بایگانی دلیلی برای اعتماد به آن ندارد",
            ),
            "c2pa_invalid" => (
                "INVALID: tampered or broken; the file is not what was signed",
                "نامعتبر: دست‌کاری‌شده یا خراب؛ پرونده همان چیزی نیست که امضا شد",
            ),
            "c2pa_remote" => (
                "kept outside the file and not fetched",
                "بیرون از پرونده نگه داشته شده و دریافت نشد",
            ),
            "claim_taken" => ("Taken (the file says)", "زمان گرفتن (به گفتهٔ پرونده)"),
            "claim_gps" => ("Place (the file's GPS)", "مکان (GPS پرونده)"),
            "claim_make" => ("Device maker", "سازندهٔ دستگاه"),
            "claim_model" => ("Device model", "مدل دستگاه"),
            "claim_software" => ("Software", "نرم‌افزار"),
            "ev_copies" => (
                "Copies made from this file (thumbnails, transcodes, redacted versions)",
                "نسخه‌های ساخته‌شده از این پرونده (تصویر کوچک، نسخهٔ تبدیل‌شده، نسخهٔ پوشانده‌شده)",
            ),
            "ev_custody" => ("Chain of custody", "زنجیرهٔ نگهداری"),
            "ev_custody_note" => (
                "Every acquisition, hand-over, copy, export and access of this item, in the order written into the log (times in UTC).",
                "هر دریافت، تحویل، رونوشت، خروجی و دسترسی به این مدرک، به ترتیب ثبت در دفتر (زمان‌ها به وقت هماهنگ جهانی).",
            ),
            "ev_no_custody" => (
                "No custody entries you may see.",
                "هیچ ثبتی از زنجیرهٔ نگهداری که شما بتوانید ببینید نیست.",
            ),
            "ev_when" => ("When", "زمان"),
            "ev_what" => ("What happened", "چه شد"),
            "ev_who" => ("Who", "چه کسی"),
            "ev_from" => ("From", "از"),
            "ev_to" => ("To", "به"),
            "ev_why" => ("Why, notes", "دلیل، یادداشت"),
            "ev_stated_date" => ("date given", "تاریخ اعلام‌شده"),
            "ev_logged_by" => ("logged by", "ثبت‌شده توسط"),
            "bytes" => ("bytes", "بایت"),
            "public" => ("public", "عمومی"),
            "restricted" => ("restricted", "محدود"),
            "confidential" => ("confidential", "محرمانه"),
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
        "sha256" => "چکیدهٔ SHA-256",
        "size" => "اندازه",
        "media_type" => "نوع رسانه",
        "original_name" => "نام اصلی پرونده",
        "acquired" => "زمان دریافت",
        "acquired_by" => "دریافت‌کننده",
        "derived_from" => "برگرفته از",
        "derivation" => "نوع نسخهٔ برگرفته",
        "metadata" => "ادعاهای خود پرونده",
        "date_time_original" => "زمان عکس‌برداری به ادعای پرونده",
        "gps" => "موقعیت به ادعای پرونده",
        "make" => "سازندهٔ دستگاه",
        "model" => "مدل دستگاه",
        "software" => "نرم‌افزار",
        "create_date" => "زمان ساخت",
        "modify_date" => "زمان تغییر",
        "metadata_date" => "زمان تغییر فراداده",
        "date_taken" => "زمان گرفتن",
        "creator_tool" => "نرم‌افزار سازنده",
        "document_id" => "شناسهٔ سند",
        "instance_id" => "شناسهٔ نسخه",
        "original_document_id" => "شناسهٔ سند اصلی",
        "history" => "تاریخچه",
        "created" => "زمان ضبط",
        "duration_seconds" => "مدت (ثانیه)",
        "iso6709" => "موقعیت (ISO 6709)",
        "author" => "پدیدآورنده",
        "width" => "پهنا",
        "height" => "بلندی",
        "failures" => "خطاها",
        "claim_generator" => "سازندهٔ ادعا",
        "signer" => "امضاکننده",
        "issuer" => "صادرکنندهٔ گواهی",
        "signed_at" => "زمان امضا",
        "actions" => "کنش‌ها",
        "ingredients" => "مواد سازنده",
        "manifests" => "شمار مانیفست‌ها",
        "evidence" => "مدرک",
        "action" => "کنش",
        "from" => "از",
        "to" => "به",
        "reason" => "دلیل",
        _ => "",
    };
    match lang {
        Lang::Fa if !fa.is_empty() => fa.to_string(),
        _ => crate::view::humanize(key),
    }
}

/// A record kind's name, as form help names the kinds a reference may point to.
pub fn kind_name(kind: Kind, lang: Lang) -> &'static str {
    let fa = match kind {
        Kind::Person => "فرد",
        Kind::Organization => "سازمان",
        Kind::Post => "سمت",
        Kind::Place => "مکان",
        Kind::Event => "رویداد",
        Kind::Act => "اقدام",
        Kind::Involvement => "دخالت",
        Kind::Detention => "بازداشت",
        Kind::Source => "منبع",
        Kind::List => "فهرست",
        Kind::Review => "بررسی",
        Kind::Recommendation => "توصیه",
        Kind::Figure => "آمار",
        Kind::Evidence => "مدرک",
        Kind::Match => "تطبیق",
        Kind::Custody => "زنجیرهٔ نگهداری",
    };
    match lang {
        Lang::En => kind.as_str(),
        Lang::Fa => fa,
    }
}

/// A field's help (`Field::help` in the schema table) in the interface language. Keyed by the
/// English text, so fields that share a help share its translation and a help reworded in the
/// schema is caught by the test below instead of silently showing a stale translation.
pub fn field_help(english: &'static str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return english;
    }
    match english {
        // Shared by several kinds.
        "names in every script" => "نام‌ها به هر خطی",
        "title" => "عنوان",
        "where" => "کجا",
        "when" => "زمان",
        "when (EDTF)" => "زمان (EDTF)",
        "state under review" => "دولت مورد بررسی",
        "UPR cycle" => "دورهٔ بررسی دوره‌ای جهانی (UPR)",
        "Working Group session" => "نشست کارگروه",
        // A person's entry in a victim list.
        "the list" => "فهرستی که نام در آن آمده است",
        "the row, number or page of this person in the list" => {
            "ردیف، شماره یا صفحهٔ این فرد در فهرست"
        }
        "the name exactly as the list gives it" => "نام، دقیقاً همان‌گونه که در فهرست آمده است",
        // A site's status.
        "state of the site" => "وضعیت محل",
        "when this status was observed or began" => "زمانی که این وضعیت مشاهده شد یا آغاز شد",
        // An implementation assessment.
        "implementation status" => "وضعیت اجرا",
        "what was assessed, when not a single recommendation" => {
            "آنچه ارزیابی شده است، اگر یک توصیهٔ واحد نباشد"
        }
        "the source that made the assessment" => "منبعی که ارزیابی را انجام داده است",
        "date of the assessment" => "تاریخ ارزیابی",
        // A reported figure.
        "the figure" => "رقم گزارش‌شده",
        "low end of a range" => "کران پایین بازه",
        "high end of a range" => "کران بالای بازه",
        "documented minimum, estimate, claim…" => "حداقل مستند، برآورد، ادعا…",
        // Match.
        "the two person records that may be one person" => {
            "دو سابقهٔ فردی که ممکن است از آنِ یک نفر باشند"
        }
        "proposed, same person, different people or deferred" => {
            "پیشنهادشده، همان شخص، اشخاص متفاوت یا معوق"
        }
        "the linkage model's probability that the two are one person" => {
            "احتمال یکی بودن این دو نفر به برآورد مدل پیوند سوابق"
        }
        "field by field, what speaks for and against the match" => {
            "فیلد به فیلد، آنچه به سود و به زیان یکی بودن این دو سابقه است"
        }
        "how the candidate was found" => "این جفت چگونه یافته شد",
        // Person.
        "names in every script and spelling" => "نام‌ها به هر خط و هر املایی",
        "sex" => "جنس",
        "date of birth (EDTF)" => "تاریخ تولد (EDTF)",
        "date of death (EDTF)" => "تاریخ مرگ (EDTF)",
        "place of birth" => "محل تولد",
        "home town or place as a list gives it (free text)" => {
            "شهر یا محل، همان‌گونه که فهرست ذکر کرده است (متن آزاد)"
        }
        "father's name, as used in Iranian records" => {
            "نام پدر، چنان‌که در اسناد ایرانی به کار می‌رود"
        }
        "nationality" => "ملیت",
        "ethnicity (sensitive)" => "قومیت (حساس)",
        "religion or belief (sensitive)" => "دین یا باور (حساس)",
        "affiliation attributed to the person (sensitive)" => {
            "وابستگی سیاسی نسبت‌داده‌شده به این فرد (حساس)"
        }
        "occupation" => "شغل",
        "photograph" => "عکس",
        "victim lists this person appears on" => {
            "فهرست‌های قربانیان که نام این فرد در آن‌ها آمده است"
        }
        // Organization.
        "kind of organization" => "نوع سازمان",
        "the organization this one is part of" => "سازمانی که این سازمان بخشی از آن است",
        "area of jurisdiction or operation" => "حوزهٔ صلاحیت یا فعالیت",
        "when it existed (EDTF interval)" => "دوره‌ای که وجود داشته است (بازهٔ EDTF)",
        // Post.
        "who held the post" => "کسی که این سمت را داشته است",
        "the post, e.g. \"Head of the Judiciary\"" => "سمت، مثلاً «رئیس قوهٔ قضاییه»",
        "when (EDTF interval; `2021/..` = still holds it)" => {
            "زمان (بازهٔ EDTF؛ \u{2066}`2021/..`\u{2069} یعنی هنوز در این سمت است)"
        }
        // Place.
        "kind of place" => "نوع مکان",
        "WGS84 position" => "موقعیت جغرافیایی (WGS84)",
        "the place this one lies in" => "مکانی که این مکان در آن قرار دارد",
        "status history (intact, damaged, built over…)" => {
            "تاریخچهٔ وضعیت (دست‌نخورده، آسیب‌دیده، زیر ساخت‌وساز…)"
        }
        // Event.
        "title in Persian" => "عنوان به فارسی",
        "the larger event this is part of" => "رویداد بزرگ‌تری که این رویداد بخشی از آن است",
        "violations in this event" => "نقض‌های حقوق بشر در این رویداد",
        "what happened" => "شرح آنچه رخ داد",
        // Act.
        "the person it was done to" => "فردی که این اقدام علیه او انجام شد",
        "the violation" => "نوع نقض",
        "the event it belongs to" => "رویدادی که این اقدام بخشی از آن است",
        "date of the alleged offence (for juvenile-offender status)" => {
            "تاریخ جرم منتسب (برای تشخیص اینکه فرد هنگام جرم زیر ۱۸ سال بوده است)"
        }
        "age at the alleged offence, where a source states it" => {
            "سن هنگام جرم منتسب، اگر منبعی آن را ذکر کرده باشد"
        }
        "outcome" => "پیامد",
        // Involvement.
        "the person or organization" => "فرد یا سازمان",
        "what they did" => "نقش او در رویداد یا اقدام",
        "the event" => "رویداد",
        "the act" => "اقدام",
        // Detention.
        "who was detained" => "فرد بازداشت‌شده",
        "where held" => "محل نگهداری",
        "arrest to release (EDTF interval)" => "از بازداشت تا آزادی (بازهٔ EDTF)",
        "charges" => "اتهام‌ها",
        "the court" => "دادگاه",
        "the judge" => "قاضی",
        "date of trial" => "تاریخ دادرسی",
        "sentence" => "حکم",
        "date of sentence" => "تاریخ صدور حکم",
        "held for peaceful exercise of rights" => "بازداشت به سبب اعمال مسالمت‌آمیز حقوق خود",
        "e.g. no lawyer, forced confession" => "مثلاً محرومیت از وکیل، اعتراف اجباری",
        // Source.
        "report, book, testimony…" => "گزارش، کتاب، شهادت…",
        "publisher or author organization" => "ناشر یا سازمان پدیدآورنده",
        "authors" => "نویسندگان",
        "publication date (EDTF)" => "تاریخ انتشار (EDTF)",
        "A–F" => "درجهٔ اعتبار منبع، از A تا F",
        "where it can be read" => "نشانی‌ای که منبع در آن خواندنی است",
        "an archived copy" => "نشانی نسخهٔ بایگانی‌شده",
        "language code" => "کد زبان (مثلاً fa یا en)",
        "the witness's identity (confidential unless stated)" => {
            "هویت شاهد (محرمانه، مگر آنکه خلاف آن تعیین شود)"
        }
        "stored files of this source" => "پرونده‌های ذخیره‌شدهٔ این منبع",
        // List.
        "the source that published the list" => "منبعی که فهرست را منتشر کرده است",
        "when compiled" => "زمان گردآوری",
        "scope and method" => "دامنه و روش گردآوری",
        // Review.
        "date of the review" => "تاریخ بررسی",
        "adoption of the outcome" => "تاریخ تصویب نتیجهٔ بررسی",
        "UN symbol of the Working Group report" => "شمارهٔ سند سازمان ملل برای گزارش کارگروه",
        "recommendations received" => "شمار توصیه‌های دریافتی",
        "supported (accepted)" => "شمار توصیه‌های پذیرفته‌شده",
        "partially supported" => "شمار توصیه‌های بخشی پذیرفته‌شده",
        "noted (not accepted)" => "شمار توصیه‌های یادداشت‌شده (پذیرفته‌نشده)",
        "implementation assessments of the cycle" => "ارزیابی‌های اجرای توصیه‌های این دوره",
        // Recommendation.
        "the review it was made in" => "بررسی‌ای که این توصیه در آن مطرح شد",
        "paragraph number in the report" => "شمارهٔ بند در گزارش",
        "states that made it" => "دولت‌هایی که این توصیه را مطرح کردند",
        "the recommendation" => "متن توصیه",
        "UPR Info issues" => "موضوع‌ها به دسته‌بندی UPR Info",
        "UPR Info action category (5 = specific action)" => {
            "دستهٔ اقدام به دسته‌بندی UPR Info (5 = اقدام مشخص)"
        }
        "the state's response" => "پاسخ دولت",
        "implementation assessments over time" => "ارزیابی‌های اجرا در طول زمان",
        // Figure.
        "what is counted" => "آنچه شمرده می‌شود",
        "country the figure is about" => "کشوری که این آمار به آن مربوط است",
        "place the figure is about" => "مکانی که این آمار به آن مربوط است",
        "event the figure is about" => "رویدادی که این آمار به آن مربوط است",
        "period covered (EDTF)" => "دورهٔ زمانی تحت پوشش (EDTF)",
        "reported values, each with its sources; conflicting values stay side by side" => {
            "ارقام گزارش‌شده، هر یک با منابع خود؛ ارقام متعارض در کنار هم می‌مانند"
        }
        // Evidence.
        "SHA-256 of the file" => "چکیدهٔ SHA-256 پرونده",
        "bytes" => "اندازه به بایت",
        "sniffed media type" => "نوع رسانه، تشخیص‌داده‌شده از محتوای پرونده",
        "file name when acquired" => "نام پرونده هنگام دریافت",
        "SHA-256 of the encrypted copy the archive stores instead of the file (confidential items of an encrypted archive)" => {
            "SHA-256 نسخهٔ رمزگذاری‌شده‌ای که بایگانی به جای خود پرونده نگه می‌دارد (موارد محرمانهٔ بایگانی رمزگذاری‌شده)"
        }
        "the source it belongs to" => "منبعی که این پرونده به آن تعلق دارد",
        "when acquired" => "زمان دریافت",
        "what the file shows and how it was obtained" => {
            "آنچه پرونده نشان می‌دهد و چگونگی به دست آمدن آن"
        }
        "who acquired it" => "کسی که پرونده را دریافت کرد",
        "the original this file was made from (for a thumbnail, transcode or redacted copy)" => {
            "پروندهٔ اصلی‌ای که این پرونده از آن ساخته شده است (برای تصویر کوچک، نسخهٔ تبدیل‌شده یا نسخهٔ پوشانده‌شده)"
        }
        "how it was made from the original" => "چگونگی ساخته شدن آن از پروندهٔ اصلی",
        "what the file claims about itself (EXIF, XMP, container, C2PA): claims, not verified facts" => {
            "آنچه پرونده دربارهٔ خود می‌گوید (EXIF، XMP، ظرف ویدیو، C2PA): ادعا، نه واقعیت راستی‌آزمایی‌شده"
        }
        // What an evidence file claims about itself.
        "when the file says it was taken (EXIF; a claim, not verified)" => {
            "زمانی که پرونده می‌گوید گرفته شده است (EXIF؛ ادعا، راستی‌آزمایی‌نشده)"
        }
        "where the file says it was taken (EXIF GPS; a claim, not verified)" => {
            "جایی که پرونده می‌گوید گرفته شده است (GPS در EXIF؛ ادعا، راستی‌آزمایی‌نشده)"
        }
        "device maker the file names (a claim)" => "سازندهٔ دستگاه به گفتهٔ پرونده (ادعا)",
        "device model the file names (a claim)" => "مدل دستگاه به گفتهٔ پرونده (ادعا)",
        "software the file says it was processed with (a claim)" => {
            "نرم‌افزاری که به گفتهٔ پرونده با آن پردازش شده است (ادعا)"
        }
        "what the file's XMP packet claims" => "آنچه بستهٔ XMP پرونده ادعا می‌کند",
        "what a video or audio container claims" => "آنچه ظرف ویدیو یا صدا ادعا می‌کند",
        "the file's C2PA content credentials and whether they validate" => {
            "گواهی‌های محتوای C2PA پرونده و اینکه آیا معتبرند"
        }
        "when the file says it was created (XMP)" => "زمانی که پرونده می‌گوید ساخته شده است (XMP)",
        "when it says it was last changed (XMP)" => {
            "زمانی که می‌گوید آخرین بار تغییر کرده است (XMP)"
        }
        "when its metadata says it was last changed (XMP)" => {
            "زمانی که فراداده‌اش می‌گوید آخرین بار تغییر کرده است (XMP)"
        }
        "when it says it was taken (XMP)" => "زمانی که می‌گوید گرفته شده است (XMP)",
        "the software it says made it (XMP)" => "نرم‌افزاری که به گفتهٔ آن، آن را ساخته است (XMP)",
        "the document every version shares (XMP)" => "سندی که همهٔ نسخه‌ها در آن شریک‌اند (XMP)",
        "this version of the document (XMP)" => "این نسخه از سند (XMP)",
        "the document it was first made as (XMP)" => "سندی که نخست به صورت آن ساخته شد (XMP)",
        "where it says it was taken (XMP)" => "جایی که می‌گوید گرفته شده است (XMP)",
        "the edits it records (XMP history)" => "ویرایش‌هایی که ثبت کرده است (تاریخچهٔ XMP)",
        "what was done (created, saved, converted…)" => "آنچه انجام شد (ساخته، ذخیره، تبدیل…)",
        "with what software" => "با چه نرم‌افزاری",
        "which parts changed" => "کدام بخش‌ها تغییر کرد",
        "the version it made" => "نسخه‌ای که ساخت",
        "details" => "جزئیات",
        "when the container says it was recorded" => "زمانی که ظرف می‌گوید ضبط شده است",
        "length in seconds, as the container states it" => "مدت به ثانیه، به گفتهٔ ظرف",
        "where it says it was recorded" => "جایی که می‌گوید ضبط شده است",
        "the position as written (ISO 6709)" => "موقعیت، همان‌گونه که نوشته شده (ISO 6709)",
        "recording device maker" => "سازندهٔ دستگاه ضبط",
        "recording device model" => "مدل دستگاه ضبط",
        "software named by the container" => "نرم‌افزاری که ظرف نام می‌برد",
        "author named by the container" => "پدیدآورنده‌ای که ظرف نام می‌برد",
        "frame width in pixels" => "پهنای قاب به پیکسل",
        "frame height in pixels" => "بلندی قاب به پیکسل",
        "trusted, untrusted (valid signature, unknown signer), invalid (tampered or broken) or remote" => {
            "مورد اعتماد، نامطمئن (امضای درست، امضاکنندهٔ ناشناس)، نامعتبر (دست‌کاری‌شده یا خراب) یا دوردست"
        }
        "why it is not trusted" => "چرا مورد اعتماد نیست",
        "the C2PA failure codes" => "کدهای خطای C2PA",
        "the software that made the claim" => "نرم‌افزاری که ادعا را ساخت",
        "who signed it (certificate common name)" => "امضاکننده (نام گواهی)",
        "who issued the signer's certificate" => "صادرکنندهٔ گواهی امضاکننده",
        "when it says it was signed" => "زمانی که می‌گوید امضا شده است",
        "the title the credentials give the file" => "عنوانی که گواهی‌ها به پرونده می‌دهند",
        "what the credentials say was done to the file" => {
            "آنچه گواهی‌ها می‌گویند بر پرونده انجام شد"
        }
        "the files it says it was made from" => "پرونده‌هایی که می‌گوید از آن‌ها ساخته شده است",
        "how many manifests the file carries" => "شمار مانیفست‌هایی که پرونده دارد",
        "c2pa.created, c2pa.edited…" => "c2pa.created، c2pa.edited…",
        "what was done" => "آنچه انجام شد",
        "how the content was made (camera, generated…)" => {
            "چگونگی ساخته شدن محتوا (دوربین، تولیدشده…)"
        }
        "its name" => "نام آن",
        "its media type" => "نوع رسانهٔ آن",
        "parentOf, componentOf or inputTo" => "parentOf، componentOf یا inputTo",
        "its instance id" => "شناسهٔ نسخهٔ آن",
        // Custody: one entry in an evidence item's chain of custody.
        "the evidence item" => "مدرک",
        "what happened to it: acquired, handed over, copied, exported, accessed, verified" => {
            "آنچه بر سر آن آمد: دریافت، تحویل، رونوشت، خروجی، دسترسی، راستی‌آزمایی"
        }
        "who did it" => "کسی که این کار را انجام داد",
        "who handed it over" => "تحویل‌دهنده",
        "who received it, or where the copy went" => "تحویل‌گیرنده، یا جایی که رونوشت به آن رفت",
        "why" => "دلیل",
        "when it happened (the log also records when it was written down)" => {
            "زمان رخ دادن (دفتر ثبت، زمان نوشته شدن آن را نیز نگه می‌دارد)"
        }
        _ => english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rightsdoc_model::{Field, Ty};

    /// Every field of every kind, nested objects' fields included.
    fn all_fields(fields: &'static [Field], out: &mut Vec<&'static Field>) {
        for f in fields {
            out.push(f);
            if let Ty::Object(inner) = f.ty {
                all_fields(inner, out);
            }
        }
    }

    /// Every `t("key")` in the templates and the sources has an English and a Persian text
    /// (an unknown key shows as "?" on the page).
    #[test]
    fn every_interface_text_is_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut keys = std::collections::BTreeSet::new();
        let mut folders = vec![root.join("templates"), root.join("src")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(path).unwrap();
                for piece in text.split(".t(\"").skip(1) {
                    if let Some((key, _)) = piece.split_once('"') {
                        keys.insert(key.to_string());
                    }
                }
            }
        }
        assert!(keys.contains("ev_custody") && keys.len() > 100, "{keys:?}");
        for key in &keys {
            let (en, fa) = (Lang::En.t(key), Lang::Fa.t(key));
            assert_ne!(en, "?", "no text for `{key}`");
            assert!(
                en == fa || fa.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "no Persian text for `{key}`: {fa}"
            );
        }
    }

    #[test]
    fn every_field_has_persian_help() {
        let mut fields = Vec::new();
        for kind in Kind::ALL {
            all_fields(kind.schema().fields, &mut fields);
        }
        for f in fields {
            let fa = field_help(f.help, Lang::Fa);
            assert_eq!(field_help(f.help, Lang::En), f.help);
            assert!(
                fa != f.help && fa.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "no Persian help for {} ({:?})",
                f.name,
                f.help
            );
        }
    }
}
