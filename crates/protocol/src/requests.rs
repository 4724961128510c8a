use crate::{wire, AgentId, Availability, Mood, SubjectAnswer};
use uuid::Uuid;

wire! {
    /// Body of take, free, reopen, spam and unblock: just the client-made op id.
    #[serde(deny_unknown_fields)]
    pub struct OpRequest {
        /// Made by the client; a retry with the same id returns the first answer.
        pub op_id: Uuid,
    }

    /// `POST /api/v1/conversations/{id}/take`.
    #[serde(deny_unknown_fields)]
    pub struct TakeRequest {
        pub op_id: Uuid,
        /// Supervisors: take it even beyond their capacity.
        #[serde(default)]
        pub override_capacity: bool,
    }

    /// `POST /api/v1/conversations/{id}/transfer`: hand it to a named colleague.
    #[serde(deny_unknown_fields)]
    pub struct TransferRequest {
        pub op_id: Uuid,
        /// Who gets it: an available agent under their capacity.
        #[serde(deserialize_with = "crate::whole_number")]
        pub to: AgentId,
        /// Shown to them with the system line; at most 1,000 characters.
        #[serde(default)]
        #[cfg_attr(feature = "openapi", schema(max_length = 1000, pattern = r"^[^\x00]*$"))]
        pub note: Option<String>,
        /// Supervisors: transfer even to an away agent or one at capacity.
        #[serde(default)]
        pub override_capacity: bool,
    }

    /// `PUT /api/v1/me/availability`.
    #[serde(deny_unknown_fields)]
    pub struct AvailabilityRequest {
        pub availability: Availability,
    }

    /// `PUT /api/v1/agents/{id}/capacity` (supervisors).
    #[serde(deny_unknown_fields)]
    pub struct CapacityRequest {
        /// The most conversations the agent may occupy at once, 1 to 1,000;
        /// null: no limit.
        /// Required (null included), so that a body that is not an object
        /// (`[]`) is refused rather than read as "no limit".
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000, required = true))]
        #[serde(deserialize_with = "crate::optional_whole_u32")]
        pub capacity: Option<u32>,
    }

    /// `POST /api/v1/conversations/{id}/messages` (a reply) and
    /// `POST /api/v1/conversations/{id}/notes` (an internal note).
    #[serde(deny_unknown_fields)]
    pub struct ReplyRequest {
        pub op_id: Uuid,
        /// Not blank, at most 10,000 characters, no NUL.
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000, pattern = r"^[^\x00]*\S[^\x00]*$"))]
        pub body: String,
    }

    /// `POST /api/v1/conversations/{id}/end`: the questionnaire.
    #[serde(deny_unknown_fields)]
    pub struct EndRequest {
        pub op_id: Uuid,
        pub subject: SubjectAnswer,
        pub mood: Mood,
    }
}

/// Query of `GET /api/v1/archive`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ArchiveQuery {
    /// Return what changed after this cursor (0 or absent: from the oldest).
    pub after: Option<i64>,
    /// Page size, 1 to 200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// Supervisors: whose archive (default: their own).
    pub agent_id: Option<AgentId>,
    /// Supervisors: every agent's archive.
    pub all: Option<bool>,
}

/// Query of `GET /api/v1/stream`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// The last event sequence the client has applied (the snapshot's `seq` at first).
    pub cursor: i64,
}

/// Query of the attachment upload routes: the file's name (the content is the
/// request's body, as it is).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AttachmentQuery {
    /// Up to 1,000 characters as sent, no control characters; folders are
    /// dropped (`a/b.png` is `b.png`), the rest must not be only dots and
    /// spaces, and is kept to 255 characters (with its extension).
    #[cfg_attr(
        feature = "openapi",
        param(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x1f\x7f-\x9f\s./\\][^\x00-\x1f\x7f-\x9f/\\]*$"
        )
    )]
    pub name: String,
}

/// Query of the customer's attachment upload: the file's name and, from the
/// chat page, a client-made id (the content is the request's body, as it is).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CustomerUploadQuery {
    /// As for [`AttachmentQuery::name`].
    #[cfg_attr(
        feature = "openapi",
        param(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x1f\x7f-\x9f\s./\\][^\x00-\x1f\x7f-\x9f/\\]*$"
        )
    )]
    pub name: String,
    /// Made by the client (a fresh UUID per file): a retry with the same id,
    /// after a lost answer, stores nothing new and gets the first answer again.
    /// The same id with another file (name or content) is refused
    /// (`op_id_reused`).
    #[serde(default)]
    pub client_id: Option<Uuid>,
}

/// Query of the attachment download routes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AttachmentGet {
    /// The thumbnail (PNG, at most 320 px) instead of the file.
    pub thumbnail: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::{CapacityRequest, TransferRequest};

    #[test]
    fn whole_numbers_are_read_either_way_json_writes_them() {
        let to = |json: &str| serde_json::from_str::<TransferRequest>(json).map(|r| r.to);
        let op = "\"op_id\": \"0b07502e-d4c6-3b9c-9331-06745b3ce9b3\"";
        assert_eq!(to(&format!("{{{op}, \"to\": 7}}")).unwrap(), 7);
        assert_eq!(to(&format!("{{{op}, \"to\": 7.0}}")).unwrap(), 7);
        assert!(to(&format!("{{{op}, \"to\": 7.5}}")).is_err());
        // Whole numbers as a double holds them exactly, up to 2^53 (what an
        // OpenAPI `integer` checker may send as 9007199254740991.0).
        assert!(to(&format!("{{{op}, \"to\": 9007199254740991.0}}")).is_ok());
        assert_eq!(
            to(&format!("{{{op}, \"to\": 123456789012.0}}")).unwrap(),
            123_456_789_012
        );
        assert!(to(&format!("{{{op}, \"to\": 1e300}}")).is_err());
        let cap = |json: &str| serde_json::from_str::<CapacityRequest>(json).map(|r| r.capacity);
        assert_eq!(cap(r#"{"capacity": 557.0}"#).unwrap(), Some(557));
        assert_eq!(cap(r#"{"capacity": null}"#).unwrap(), None);
        assert!(cap(r#"{}"#).is_err(), "capacity is required, null included");
        assert!(cap(r#"[]"#).is_err(), "not an object");
        assert!(cap(r#"{"capacity": -1}"#).is_err());
        assert!(cap(r#"{"capacity": "3"}"#).is_err());
    }
}
