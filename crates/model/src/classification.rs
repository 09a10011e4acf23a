//! Who may see what. A record, and any single value inside it, is public, restricted or
//! confidential; a reader's clearance is the highest level they may see.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    #[default]
    Public,
    Restricted,
    Confidential,
}

impl Classification {
    pub const ALL: [Classification; 3] = [Self::Public, Self::Restricted, Self::Confidential];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Restricted => "restricted",
            Self::Confidential => "confidential",
        }
    }

    /// May a reader with clearance `self` see something classified `level`?
    pub fn permits(self, level: Classification) -> bool {
        level <= self
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Classification {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "public" => Ok(Self::Public),
            "restricted" => Ok(Self::Restricted),
            "confidential" => Ok(Self::Confidential),
            other => Err(format!(
                "`{other}` is not a classification; use public, restricted or confidential"
            )),
        }
    }
}
