//! Wire types shared by the Switchboard server and its clients.
//!
//! serde only: this crate has no database, no async runtime and no HTTP, so the
//! desktop engine and the server agree on one definition of every request,
//! response, event and error code. CI checks the dependency tree stays that way.

mod agent;
mod canned;
mod conversation;
mod customer;
mod error;
mod event;
mod report;
mod requests;

pub use agent::*;
pub use canned::*;
pub use conversation::*;
pub use customer::*;
pub use error::*;
pub use event::*;
pub use report::*;
pub use requests::*;

/// Longest accepted message body, in Unicode scalar values (characters).
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// 2^53: the largest whole number a double holds exactly.
const MAX_EXACT_DOUBLE: f64 = 9_007_199_254_740_992.0;

/// A whole number, written as JSON allows (`4` or `4.0`): JSON Schema's `integer`.
pub(crate) fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
    }
    match <Number as serde::Deserialize>::deserialize(d)? {
        Number::Int(n) => Ok(n),
        // Every whole number up to 2^53 is exact in a double, as JavaScript writes it.
        Number::Float(f) if f.fract() == 0.0 && f.abs() <= MAX_EXACT_DOUBLE => Ok(f as i64),
        Number::Float(f) => Err(serde::de::Error::custom(format!(
            "expected a whole number, not {f}"
        ))),
    }
}

/// An optional whole number that fits a `u32` (`null`, `7` or `7.0`).
pub(crate) fn optional_whole_u32<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<u32>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole_number")] i64);
    match <Option<Whole> as serde::Deserialize>::deserialize(d)? {
        None => Ok(None),
        Some(Whole(n)) => u32::try_from(n).map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "expected a whole number from 0 to {}, not {n}",
                u32::MAX
            ))
        }),
    }
}

/// serde's default for flags that older peers did not send.
pub(crate) fn yes() -> bool {
    true
}

/// The longest note a transfer carries, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// Longest accepted request body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Longest accepted name, email or subject, in characters.
pub const MAX_SHORT_TEXT_CHARS: usize = 1_000;
/// Longest accepted language tag, in characters (BCP 47 asks that tags up to
/// 35 be kept).
pub const MAX_LANGUAGE_TAG_CHARS: usize = 35;

/// Declares a derive list once for every wire type, with the OpenAPI schema derive
/// only when the server asks for it. Requests add `#[serde(deny_unknown_fields)]`
/// (the server refuses what it does not understand); answers and events do not, so
/// an older app keeps working with a newer server that adds fields.
macro_rules! wire {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            #[cfg_attr(feature = "specta", derive(specta::Type))]
            $item
        )*
    };
}
pub(crate) use wire;
