//! The record kinds and their fields, as one table. Validation, redaction, the projections and
//! (later) forms and importers all read this table instead of hard-coding fields.
//!
//! Every record also has the common fields `kind`, `id`, `classification`, `citations` and
//! `notes`; every nested object (a name, a status entry, a citation target…) may carry
//! `citations`, `classification` and `note`.

use crate::classification::Classification;
use std::fmt;

/// A record kind. The id prefix is part of every record id (`psn_…`), so kinds can be told
/// apart in references and URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Organization,
    Post,
    Place,
    Event,
    Act,
    Involvement,
    Detention,
    Source,
    List,
    Review,
    Recommendation,
    Figure,
    Evidence,
    Match,
    Custody,
}

impl Kind {
    pub const ALL: [Kind; 16] = [
        Kind::Source,
        Kind::Evidence,
        Kind::Custody,
        Kind::Place,
        Kind::Organization,
        Kind::Person,
        Kind::Post,
        Kind::Event,
        Kind::Act,
        Kind::Involvement,
        Kind::Detention,
        Kind::List,
        Kind::Review,
        Kind::Recommendation,
        Kind::Figure,
        Kind::Match,
    ];

    pub fn as_str(self) -> &'static str {
        self.schema().name
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind whose ids start with `prefix_`.
    pub fn from_id(id: &str) -> Option<Kind> {
        let prefix = id.split('_').next()?;
        Kind::ALL.into_iter().find(|k| k.schema().prefix == prefix)
    }

    pub fn schema(self) -> &'static KindSchema {
        SCHEMAS
            .iter()
            .find(|s| s.kind == self)
            .expect("every kind has a schema")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a field holds.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// One line of text.
    Text,
    /// Free text (descriptions, quotes).
    LongText,
    Int {
        min: i64,
        max: i64,
    },
    Number,
    Bool,
    /// An EDTF date (or a Solar Hijri date, converted); see `rightsdoc-dates`.
    Date,
    Url,
    /// The id of a record of one of these kinds.
    Ref(&'static [Kind]),
    /// A term of the named vocabulary (`vocab.toml`).
    Vocab(&'static str),
    /// A list of names in any script: `[{"value", "lang", "kind"}]`.
    Names,
    /// A WGS84 point `{"lat", "lon"}`.
    Point,
    /// A nested object with its own fields.
    Object(&'static [Field]),
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// An array of values.
    pub many: bool,
    /// May hold several conflicting values, each with its own citations.
    pub conflicts: bool,
    /// Classification given to a value written without one (witness identities are confidential).
    pub default_class: Classification,
    pub help: &'static str,
}

const fn f(name: &'static str, ty: Ty, help: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        many: false,
        conflicts: false,
        default_class: Classification::Public,
        help,
    }
}

impl Field {
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn many(mut self) -> Self {
        self.many = true;
        self
    }
    const fn conflicts(mut self) -> Self {
        self.conflicts = true;
        self
    }
    const fn default_class(mut self, c: Classification) -> Self {
        self.default_class = c;
        self
    }
}

pub struct KindSchema {
    pub kind: Kind,
    pub name: &'static str,
    /// Id prefix, e.g. `psn` for people.
    pub prefix: &'static str,
    /// URL segment, e.g. `people`.
    pub plural: &'static str,
    pub fields: &'static [Field],
}

impl KindSchema {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

use Classification::{Confidential, Restricted};
use Kind::*;

const PEOPLE_OR_ORGS: &[Kind] = &[Person, Organization];

const LIST_ENTRY: &[Field] = &[
    f("list", Ty::Ref(&[List]), "the list").required(),
    f(
        "entry",
        Ty::Text,
        "the row, number or page of this person in the list",
    ),
    f(
        "name_as_listed",
        Ty::Text,
        "the name exactly as the list gives it",
    ),
];

const SITE_STATUS: &[Field] = &[
    f("status", Ty::Vocab("site_status"), "state of the site").required(),
    f("date", Ty::Date, "when this status was observed or began"),
];

const ASSESSMENT: &[Field] = &[
    f(
        "status",
        Ty::Vocab("implementation_status"),
        "implementation status",
    )
    .required(),
    f(
        "about",
        Ty::Text,
        "what was assessed, when not a single recommendation",
    ),
    f(
        "assessor",
        Ty::Ref(&[Source]),
        "the source that made the assessment",
    ),
    f("date", Ty::Date, "date of the assessment"),
];

const FIGURE_VALUE: &[Field] = &[
    f(
        "count",
        Ty::Int {
            min: 0,
            max: 100_000_000,
        },
        "the figure",
    )
    .required(),
    f(
        "low",
        Ty::Int {
            min: 0,
            max: 100_000_000,
        },
        "low end of a range",
    ),
    f(
        "high",
        Ty::Int {
            min: 0,
            max: 100_000_000,
        },
        "high end of a range",
    ),
    f(
        "count_kind",
        Ty::Vocab("count_kind"),
        "documented minimum, estimate, claim…",
    )
    .required(),
];

/// What a file says about itself, as `rightsdoc_blobs::Metadata` reads it (EXIF at the top
/// level; XMP, a recording's container and C2PA content credentials in their own objects):
/// claims, never facts the archive vouches for.
const EVIDENCE_METADATA: &[Field] = &[
    f(
        "date_time_original",
        Ty::Text,
        "when the file says it was taken (EXIF; a claim, not verified)",
    ),
    f(
        "gps",
        Ty::Point,
        "where the file says it was taken (EXIF GPS; a claim, not verified)",
    ),
    f("make", Ty::Text, "device maker the file names (a claim)"),
    f("model", Ty::Text, "device model the file names (a claim)"),
    f(
        "software",
        Ty::Text,
        "software the file says it was processed with (a claim)",
    ),
    f(
        "xmp",
        Ty::Object(XMP_CLAIMS),
        "what the file's XMP packet claims",
    ),
    f(
        "media",
        Ty::Object(MEDIA_CLAIMS),
        "what a video or audio container claims",
    ),
    f(
        "c2pa",
        Ty::Object(C2PA_CLAIMS),
        "the file's C2PA content credentials and whether they validate",
    ),
];

const XMP_CLAIMS: &[Field] = &[
    f(
        "create_date",
        Ty::Text,
        "when the file says it was created (XMP)",
    ),
    f(
        "modify_date",
        Ty::Text,
        "when it says it was last changed (XMP)",
    ),
    f(
        "metadata_date",
        Ty::Text,
        "when its metadata says it was last changed (XMP)",
    ),
    f("date_taken", Ty::Text, "when it says it was taken (XMP)"),
    f(
        "creator_tool",
        Ty::Text,
        "the software it says made it (XMP)",
    ),
    f(
        "document_id",
        Ty::Text,
        "the document every version shares (XMP)",
    ),
    f(
        "instance_id",
        Ty::Text,
        "this version of the document (XMP)",
    ),
    f(
        "original_document_id",
        Ty::Text,
        "the document it was first made as (XMP)",
    ),
    f("gps", Ty::Point, "where it says it was taken (XMP)"),
    f(
        "history",
        Ty::Object(XMP_EVENT),
        "the edits it records (XMP history)",
    )
    .many(),
];

const XMP_EVENT: &[Field] = &[
    f(
        "action",
        Ty::Text,
        "what was done (created, saved, converted…)",
    ),
    f("when", Ty::Text, "when"),
    f("software_agent", Ty::Text, "with what software"),
    f("changed", Ty::Text, "which parts changed"),
    f("instance_id", Ty::Text, "the version it made"),
    f("parameters", Ty::Text, "details"),
];

const MEDIA_CLAIMS: &[Field] = &[
    f(
        "created",
        Ty::Text,
        "when the container says it was recorded",
    ),
    f(
        "duration_seconds",
        Ty::Number,
        "length in seconds, as the container states it",
    ),
    f("gps", Ty::Point, "where it says it was recorded"),
    f("iso6709", Ty::Text, "the position as written (ISO 6709)"),
    f("make", Ty::Text, "recording device maker"),
    f("model", Ty::Text, "recording device model"),
    f("software", Ty::Text, "software named by the container"),
    f("author", Ty::Text, "author named by the container"),
    f(
        "width",
        Ty::Int {
            min: 1,
            max: u32::MAX as i64,
        },
        "frame width in pixels",
    ),
    f(
        "height",
        Ty::Int {
            min: 1,
            max: u32::MAX as i64,
        },
        "frame height in pixels",
    ),
];

const C2PA_CLAIMS: &[Field] = &[
    f(
        "state",
        Ty::Text,
        "trusted, untrusted (valid signature, unknown signer), invalid (tampered or broken) or remote",
    )
    .required(),
    f("reason", Ty::Text, "why it is not trusted"),
    f("failures", Ty::Text, "the C2PA failure codes").many(),
    f(
        "claim_generator",
        Ty::Text,
        "the software that made the claim",
    ),
    f("signer", Ty::Text, "who signed it (certificate common name)"),
    f("issuer", Ty::Text, "who issued the signer's certificate"),
    f("signed_at", Ty::Text, "when it says it was signed"),
    f("title", Ty::Text, "the title the credentials give the file"),
    f(
        "actions",
        Ty::Object(C2PA_ACTION),
        "what the credentials say was done to the file",
    )
    .many(),
    f(
        "ingredients",
        Ty::Object(C2PA_INGREDIENT),
        "the files it says it was made from",
    )
    .many(),
    f(
        "manifests",
        Ty::Int {
            min: 0,
            max: i64::MAX,
        },
        "how many manifests the file carries",
    ),
];

const C2PA_ACTION: &[Field] = &[
    f("action", Ty::Text, "c2pa.created, c2pa.edited…").required(),
    f("when", Ty::Text, "when"),
    f("software_agent", Ty::Text, "with what software"),
    f("description", Ty::Text, "what was done"),
    f(
        "digital_source_type",
        Ty::Text,
        "how the content was made (camera, generated…)",
    ),
];

const C2PA_INGREDIENT: &[Field] = &[
    f("title", Ty::Text, "its name"),
    f("format", Ty::Text, "its media type"),
    f("relationship", Ty::Text, "parentOf, componentOf or inputTo"),
    f("instance_id", Ty::Text, "its instance id"),
];

static SCHEMAS: &[KindSchema] = &[
    KindSchema {
        kind: Match,
        name: "match",
        prefix: "mch",
        plural: "matches",
        fields: &[
            f(
                "records",
                Ty::Ref(&[Person]),
                "the two person records that may be one person",
            )
            .required()
            .many(),
            f(
                "decision",
                Ty::Vocab("match_decision"),
                "proposed, same person, different people or deferred",
            )
            .required(),
            f(
                "probability",
                Ty::Number,
                "the linkage model's probability that the two are one person",
            ),
            f(
                "evidence",
                Ty::LongText,
                "field by field, what speaks for and against the match",
            ),
            f("method", Ty::Text, "how the candidate was found"),
        ],
    },
    KindSchema {
        kind: Person,
        name: "person",
        prefix: "psn",
        plural: "people",
        fields: &[
            f("names", Ty::Names, "names in every script and spelling").required(),
            f("sex", Ty::Vocab("sex"), "sex").conflicts(),
            f("birth", Ty::Date, "date of birth (EDTF)").conflicts(),
            f("death", Ty::Date, "date of death (EDTF)").conflicts(),
            f("birth_place", Ty::Ref(&[Place]), "place of birth"),
            f(
                "place",
                Ty::Text,
                "home town or place as a list gives it (free text)",
            ),
            f(
                "father_name",
                Ty::Text,
                "father's name, as used in Iranian records",
            ),
            f("nationality", Ty::Text, "nationality"),
            f("ethnicity", Ty::Text, "ethnicity (sensitive)").default_class(Restricted),
            f("religion", Ty::Text, "religion or belief (sensitive)").default_class(Restricted),
            f(
                "political_affiliation",
                Ty::Text,
                "affiliation attributed to the person (sensitive)",
            )
            .default_class(Restricted),
            f("occupation", Ty::Text, "occupation"),
            f("photo", Ty::Ref(&[Evidence]), "photograph"),
            f(
                "lists",
                Ty::Object(LIST_ENTRY),
                "victim lists this person appears on",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: Organization,
        name: "organization",
        prefix: "org",
        plural: "organizations",
        fields: &[
            f("names", Ty::Names, "names in every script").required(),
            f("org_type", Ty::Vocab("org_type"), "kind of organization"),
            f(
                "parent",
                Ty::Ref(&[Organization]),
                "the organization this one is part of",
            ),
            f(
                "jurisdiction",
                Ty::Ref(&[Place]),
                "area of jurisdiction or operation",
            )
            .many(),
            f("period", Ty::Date, "when it existed (EDTF interval)"),
        ],
    },
    KindSchema {
        kind: Post,
        name: "post",
        prefix: "pst",
        plural: "posts",
        fields: &[
            f("person", Ty::Ref(&[Person]), "who held the post").required(),
            f("organization", Ty::Ref(&[Organization]), "where").required(),
            f("role", Ty::Text, "the post, e.g. \"Head of the Judiciary\"").required(),
            f(
                "period",
                Ty::Date,
                "when (EDTF interval; `2021/..` = still holds it)",
            )
            .conflicts(),
        ],
    },
    KindSchema {
        kind: Place,
        name: "place",
        prefix: "plc",
        plural: "places",
        fields: &[
            f("names", Ty::Names, "names in every script").required(),
            f("place_type", Ty::Vocab("place_type"), "kind of place").required(),
            f("point", Ty::Point, "WGS84 position"),
            f("parent", Ty::Ref(&[Place]), "the place this one lies in"),
            f(
                "status",
                Ty::Object(SITE_STATUS),
                "status history (intact, damaged, built over…)",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: Event,
        name: "event",
        prefix: "evt",
        plural: "events",
        fields: &[
            f("title", Ty::Text, "title").required(),
            f("title_fa", Ty::Text, "title in Persian"),
            f("period", Ty::Date, "when (EDTF)").conflicts(),
            f("places", Ty::Ref(&[Place]), "where").many(),
            f(
                "parent",
                Ty::Ref(&[Event]),
                "the larger event this is part of",
            ),
            f(
                "act_types",
                Ty::Vocab("act_type"),
                "violations in this event",
            )
            .many(),
            f("description", Ty::LongText, "what happened"),
        ],
    },
    KindSchema {
        kind: Act,
        name: "act",
        prefix: "act",
        plural: "acts",
        fields: &[
            f("victim", Ty::Ref(&[Person]), "the person it was done to").required(),
            f("act_type", Ty::Vocab("act_type"), "the violation").required(),
            f("event", Ty::Ref(&[Event]), "the event it belongs to"),
            f("date", Ty::Date, "when (EDTF)").conflicts(),
            f("place", Ty::Ref(&[Place]), "where"),
            f(
                "offence_date",
                Ty::Date,
                "date of the alleged offence (for juvenile-offender status)",
            )
            .conflicts(),
            f(
                "age_at_offence",
                Ty::Int { min: 0, max: 120 },
                "age at the alleged offence, where a source states it",
            )
            .conflicts(),
            f("outcome", Ty::Text, "outcome"),
        ],
    },
    KindSchema {
        kind: Involvement,
        name: "involvement",
        prefix: "inv",
        plural: "involvements",
        fields: &[
            f(
                "actor",
                Ty::Ref(PEOPLE_OR_ORGS),
                "the person or organization",
            )
            .required(),
            f("role", Ty::Vocab("involvement_role"), "what they did").required(),
            f("event", Ty::Ref(&[Event]), "the event"),
            f("act", Ty::Ref(&[Act]), "the act"),
            f("date", Ty::Date, "when"),
        ],
    },
    KindSchema {
        kind: Detention,
        name: "detention",
        prefix: "det",
        plural: "detentions",
        fields: &[
            f("person", Ty::Ref(&[Person]), "who was detained").required(),
            f("place", Ty::Ref(&[Place]), "where held"),
            f("period", Ty::Date, "arrest to release (EDTF interval)").conflicts(),
            f("charges", Ty::Text, "charges").many(),
            f("court", Ty::Ref(&[Organization]), "the court"),
            f("judge", Ty::Ref(&[Person]), "the judge"),
            f("trial_date", Ty::Date, "date of trial"),
            f("sentence", Ty::Text, "sentence").conflicts(),
            f("sentence_date", Ty::Date, "date of sentence"),
            f(
                "prisoner_of_conscience",
                Ty::Bool,
                "held for peaceful exercise of rights",
            ),
            f(
                "fair_trial_concerns",
                Ty::Text,
                "e.g. no lawyer, forced confession",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: Source,
        name: "source",
        prefix: "src",
        plural: "sources",
        fields: &[
            f("title", Ty::Text, "title").required(),
            f(
                "source_type",
                Ty::Vocab("source_type"),
                "report, book, testimony…",
            )
            .required(),
            f("publisher", Ty::Text, "publisher or author organization"),
            f("authors", Ty::Text, "authors").many(),
            f("date", Ty::Date, "publication date (EDTF)"),
            f("reliability", Ty::Vocab("reliability"), "A–F"),
            f("url", Ty::Url, "where it can be read"),
            f("archive_url", Ty::Url, "an archived copy"),
            f("language", Ty::Text, "language code"),
            f(
                "witness",
                Ty::Text,
                "the witness's identity (confidential unless stated)",
            )
            .default_class(Confidential),
            f(
                "evidence",
                Ty::Ref(&[Evidence]),
                "stored files of this source",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: List,
        name: "list",
        prefix: "lst",
        plural: "lists",
        fields: &[
            f("title", Ty::Text, "title").required(),
            f(
                "source",
                Ty::Ref(&[Source]),
                "the source that published the list",
            ),
            f("compiled", Ty::Date, "when compiled"),
            f("description", Ty::LongText, "scope and method"),
        ],
    },
    KindSchema {
        kind: Review,
        name: "review",
        prefix: "rev",
        plural: "reviews",
        fields: &[
            f("state", Ty::Text, "state under review").required(),
            f("cycle", Ty::Int { min: 1, max: 20 }, "UPR cycle").required(),
            f(
                "session",
                Ty::Int { min: 1, max: 200 },
                "Working Group session",
            ),
            f("date", Ty::Date, "date of the review"),
            f("adoption_date", Ty::Date, "adoption of the outcome"),
            f(
                "outcome_document",
                Ty::Text,
                "UN symbol of the Working Group report",
            ),
            f(
                "recommendations_received",
                Ty::Int {
                    min: 0,
                    max: 10_000,
                },
                "recommendations received",
            )
            .conflicts(),
            f(
                "supported",
                Ty::Int {
                    min: 0,
                    max: 10_000,
                },
                "supported (accepted)",
            )
            .conflicts(),
            f(
                "partially_supported",
                Ty::Int {
                    min: 0,
                    max: 10_000,
                },
                "partially supported",
            )
            .conflicts(),
            f(
                "noted",
                Ty::Int {
                    min: 0,
                    max: 10_000,
                },
                "noted (not accepted)",
            )
            .conflicts(),
            f(
                "assessments",
                Ty::Object(ASSESSMENT),
                "implementation assessments of the cycle",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: Recommendation,
        name: "recommendation",
        prefix: "rec",
        plural: "recommendations",
        fields: &[
            f("review", Ty::Ref(&[Review]), "the review it was made in"),
            f("state_under_review", Ty::Text, "state under review").required(),
            f("cycle", Ty::Int { min: 1, max: 20 }, "UPR cycle"),
            f(
                "session",
                Ty::Int { min: 1, max: 200 },
                "Working Group session",
            ),
            f("paragraph", Ty::Text, "paragraph number in the report"),
            f("recommending_states", Ty::Text, "states that made it")
                .many()
                .required(),
            f("text", Ty::LongText, "the recommendation").required(),
            f("themes", Ty::Vocab("theme"), "UPR Info issues").many(),
            f(
                "action_category",
                Ty::Int { min: 1, max: 5 },
                "UPR Info action category (5 = specific action)",
            ),
            f(
                "response",
                Ty::Vocab("upr_response"),
                "the state's response",
            )
            .conflicts(),
            f(
                "implementation",
                Ty::Object(ASSESSMENT),
                "implementation assessments over time",
            )
            .many(),
        ],
    },
    KindSchema {
        kind: Figure,
        name: "figure",
        prefix: "fig",
        plural: "figures",
        fields: &[
            f("measure", Ty::Vocab("measure"), "what is counted").required(),
            f("state", Ty::Text, "country the figure is about"),
            f("place", Ty::Ref(&[Place]), "place the figure is about"),
            f("event", Ty::Ref(&[Event]), "event the figure is about"),
            f("period", Ty::Date, "period covered (EDTF)").required(),
            f(
                "values",
                Ty::Object(FIGURE_VALUE),
                "reported values, each with its sources; conflicting values stay side by side",
            )
            .many()
            .required(),
        ],
    },
    KindSchema {
        kind: Evidence,
        name: "evidence",
        prefix: "evd",
        plural: "evidence",
        fields: &[
            f("sha256", Ty::Text, "SHA-256 of the file").required(),
            f(
                "size",
                Ty::Int {
                    min: 0,
                    max: i64::MAX,
                },
                "bytes",
            )
            .required(),
            f("media_type", Ty::Text, "sniffed media type"),
            f(
                "sealed_blob",
                Ty::Text,
                "SHA-256 of the encrypted copy the archive stores instead of the file (confidential items of an encrypted archive)",
            ),
            f("original_name", Ty::Text, "file name when acquired"),
            f("source", Ty::Ref(&[Source]), "the source it belongs to"),
            f("acquired", Ty::Date, "when acquired"),
            f(
                "note",
                Ty::LongText,
                "what the file shows and how it was obtained",
            ),
            f("acquired_by", Ty::Text, "who acquired it"),
            f(
                "derived_from",
                Ty::Ref(&[Evidence]),
                "the original this file was made from (for a thumbnail, transcode or redacted copy)",
            ),
            f(
                "derivation",
                Ty::Vocab("derivation"),
                "how it was made from the original",
            ),
            f(
                "metadata",
                Ty::Object(EVIDENCE_METADATA),
                "what the file claims about itself (EXIF, XMP, container, C2PA): claims, not verified facts",
            ),
        ],
    },
    KindSchema {
        kind: Custody,
        name: "custody",
        prefix: "cus",
        plural: "custody",
        fields: &[
            f("evidence", Ty::Ref(&[Evidence]), "the evidence item").required(),
            f(
                "action",
                Ty::Vocab("custody_action"),
                "what happened to it: acquired, handed over, copied, exported, accessed, verified",
            )
            .required(),
            f("actor", Ty::Text, "who did it"),
            f("from", Ty::Text, "who handed it over"),
            f("to", Ty::Text, "who received it, or where the copy went"),
            f("reason", Ty::LongText, "why"),
            f(
                "date",
                Ty::Date,
                "when it happened (the log also records when it was written down)",
            ),
        ],
    },
];

/// Fields every record has besides its kind's own.
pub const COMMON_FIELDS: &[&str] = &["kind", "id", "classification", "citations", "notes"];
