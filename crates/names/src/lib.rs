//! Multilingual personal names for rightsdoc: victims and perpetrators appear in Persian script
//! and in many Latin spellings (`محمد`, `Mohammad`, `Mohammed`, `Muhammad`). This crate gives
//!
//! * [`normalize`]: one form per name as typed, for exact comparison and search indexing;
//! * [`transliterate`]: a readable Latin spelling of Persian-script names;
//! * [`match_key`] and [`match_key_tokens`]: keys under which common spelling variants of the
//!   same name meet, across scripts, for search and record linkage;
//! * [`script`]: which script a name is written in.
//!
//! ```
//! use rightsdoc_names::{Script, match_key, normalize, script, transliterate};
//!
//! assert_eq!(normalize("حسين‌زاده"), normalize("حسینزاده"));
//! assert_eq!(transliterate("مصطفی پورمحمدی"), "Mostafa Pourmohammadi");
//! assert_eq!(match_key("Mohammad Hosseini"), match_key("محمد حسینی"));
//! assert_eq!(match_key("Muhammad Husseini"), match_key("Mohammed Hoseini"));
//! assert_ne!(match_key("Hassan"), match_key("Hossein"));
//! assert_eq!(script("Rezaei"), Script::Latin);
//! ```

mod key;
mod lexicon;
mod normalize;
mod script;
mod translit;

pub use key::{match_key, match_key_tokens};
pub use normalize::normalize;
pub use script::{Script, script};
pub use translit::transliterate;
