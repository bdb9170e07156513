//! The canonical interaction log (SPEC §2): field names and the type each field is read as.

pub(crate) const INTERACTION_ID: &str = "interaction_id";
pub(crate) const CUSTOMER_ID: &str = "customer_id";
pub(crate) const CATEGORY: &str = "category";
pub(crate) const CREATED_AT: &str = "created_at";
pub(crate) const FIRST_RESPONSE_AT: &str = "first_response_at";
pub(crate) const FIRST_RESPONSE_SECONDS: &str = "first_response_seconds";
pub(crate) const RESOLVED_AT: &str = "resolved_at";
pub(crate) const RESOLUTION_SECONDS: &str = "resolution_seconds";
pub(crate) const FIRST_RESPONSE_BH_SECONDS: &str = "first_response_bh_seconds";
pub(crate) const RESOLUTION_BH_SECONDS: &str = "resolution_bh_seconds";
pub(crate) const TALK_SECONDS: &str = "talk_seconds";
pub(crate) const HOLD_SECONDS: &str = "hold_seconds";
pub(crate) const WRAP_SECONDS: &str = "wrap_seconds";
pub(crate) const HANDLE_SECONDS: &str = "handle_seconds";
pub(crate) const CONTACTS: &str = "contacts";
pub(crate) const REOPENED: &str = "reopened";
pub(crate) const CSAT: &str = "csat";
pub(crate) const NPS: &str = "nps";
pub(crate) const CES: &str = "ces";
pub(crate) const CHURNED_AT: &str = "churned_at";

/// The category values a record can end up with, in report order (before `all`).
pub(crate) const SUPPORT: &str = "support";
pub(crate) const SERVICE: &str = "service";
pub(crate) const UNCATEGORIZED: &str = "uncategorized";
pub(crate) const ALL: &str = "all";
pub(crate) const CATEGORY_ORDER: [&str; 4] = [SUPPORT, SERVICE, UNCATEGORIZED, ALL];

/// The canonical fields among `columns` (an input's column names), in canonical order.
pub(crate) fn present_fields<'a>(
    columns: impl Iterator<Item = &'a str> + Clone,
) -> Vec<&'static str> {
    (FIELDS.iter())
        .map(|field| field.name)
        .filter(|name| columns.clone().any(|column| column == *name))
        .collect()
}

/// How the typed frame holds a category: its position in [`CATEGORY_ORDER`] (grouping and
/// sorting by a small integer is several times faster than by text), one byte a record.
pub(crate) fn category_code(category: &str) -> u8 {
    let position = CATEGORY_ORDER.iter().position(|c| *c == category);
    position.expect("one of CATEGORY_ORDER") as u8
}

/// The column type of [`category_code`]s, on every path.
pub(crate) const CATEGORY_DTYPE: polars::prelude::DataType = polars::prelude::DataType::UInt8;

/// `category`'s code as a polars literal of the column's type.
pub(crate) fn category_literal(category: &str) -> polars::prelude::Expr {
    polars::prelude::lit(category_code(category)).cast(CATEGORY_DTYPE)
}

/// How a field's text is read, and so what makes a value invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Kept as text (identifiers).
    Text,
    /// `support`/`service`, anything else uncategorized.
    Category,
    /// An instant; stored as epoch microseconds.
    Timestamp,
    /// A duration in seconds, `>= 0`.
    Seconds,
    /// A whole number `>= 0`.
    Count,
    /// `true/false`, `1/0`, `yes/no`.
    Flag,
    /// A CSAT answer on the configured scale.
    Csat,
    /// A whole number 0–10.
    Nps,
    /// A CES answer on the configured scale.
    Ces,
}

pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
}

/// Every canonical field, in the order of the SPEC's table.
pub(crate) const FIELDS: [Field; 23] = [
    Field {
        name: INTERACTION_ID,
        kind: Kind::Text,
    },
    Field {
        name: CUSTOMER_ID,
        kind: Kind::Text,
    },
    Field {
        name: CATEGORY,
        kind: Kind::Category,
    },
    Field {
        name: "channel",
        kind: Kind::Text,
    },
    Field {
        name: "agent",
        kind: Kind::Text,
    },
    Field {
        name: "team",
        kind: Kind::Text,
    },
    Field {
        name: CREATED_AT,
        kind: Kind::Timestamp,
    },
    Field {
        name: FIRST_RESPONSE_AT,
        kind: Kind::Timestamp,
    },
    Field {
        name: FIRST_RESPONSE_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: RESOLVED_AT,
        kind: Kind::Timestamp,
    },
    Field {
        name: RESOLUTION_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: FIRST_RESPONSE_BH_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: RESOLUTION_BH_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: TALK_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: HOLD_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: WRAP_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: HANDLE_SECONDS,
        kind: Kind::Seconds,
    },
    Field {
        name: CONTACTS,
        kind: Kind::Count,
    },
    Field {
        name: REOPENED,
        kind: Kind::Flag,
    },
    Field {
        name: CSAT,
        kind: Kind::Csat,
    },
    Field {
        name: NPS,
        kind: Kind::Nps,
    },
    Field {
        name: CES,
        kind: Kind::Ces,
    },
    Field {
        name: CHURNED_AT,
        kind: Kind::Timestamp,
    },
];
