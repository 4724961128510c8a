use crate::{wire, AgentId, AgentRef, Mood};
use chrono::{DateTime, Utc};

/// Query of `GET /api/v1/reports/chat` (and `/api/v1/reports/chat.csv`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ChatReportQuery {
    /// Start of the range, inclusive (RFC 3339, e.g. `2026-11-01T00:00:00+01:00`).
    pub from: DateTime<Utc>,
    /// End of the range, exclusive.
    pub to: DateTime<Utc>,
    /// Whose figures. Agents may ask only for their own (the default); supervisors
    /// may name anyone, or leave it out for every agent.
    pub agent_id: Option<AgentId>,
}

wire! {
    /// How many ends had one subject answer (`subject` null: "I don't know").
    pub struct SubjectCount {
        pub subject: Option<String>,
        pub count: u64,
    }

    /// How many ends had one mood answer.
    pub struct MoodCount {
        pub mood: Mood,
        pub count: u64,
    }

    /// The chat report's figures for one agent, or for everyone together.
    ///
    /// A conversation counts once per agent: `ended` counts the conversations the
    /// agent ended in the range, and a conversation reopened and ended again adds
    /// the time of both occupations to its handling time and its questionnaire is
    /// the last one. Surveys count per end, since each end asks the customer again.
    pub struct ChatFigures {
        /// Conversations the agent replied in or ended within the range.
        pub handled: u64,
        /// Conversations the agent ended within the range.
        pub ended: u64,
        /// Ends in the range whose customer was asked to rate.
        pub surveys_requested: u64,
        /// Of those, the ones the customer rated.
        pub surveys_answered: u64,
        /// `surveys_answered / surveys_requested`, 0 to 1; null with no request.
        pub response_rate: Option<f64>,
        /// Mean rating; null with no answer.
        pub average_rating: Option<f64>,
        /// How many ratings of 1, 2, 3, 4 and 5 (five numbers).
        pub rating_counts: Vec<u64>,
        /// Subject answers of the conversations ended, most frequent first.
        pub subjects: Vec<SubjectCount>,
        /// Mood answers of the conversations ended, most frequent first.
        pub moods: Vec<MoodCount>,
        /// Median time from a conversation's first customer message to its first
        /// agent reply, over the conversations whose first reply was this agent's
        /// and fell in the range. An even count takes the mean of the middle two.
        pub median_first_response_ms: Option<i64>,
        /// Median time from taking (or reopening) a conversation to ending it, per
        /// conversation ended in the range.
        pub median_handling_ms: Option<i64>,
    }

    /// One agent's line of the report.
    pub struct AgentChatReport {
        pub agent: AgentRef,
        pub figures: ChatFigures,
    }

    /// `GET /api/v1/reports/chat`.
    pub struct ChatReport {
        pub from: DateTime<Utc>,
        pub to: DateTime<Utc>,
        /// One line per agent asked for (every agent with a role of agent, and anyone
        /// else with activity in the range, when a supervisor asks for all).
        pub agents: Vec<AgentChatReport>,
        /// Everyone together (medians over all the samples, not of the medians).
        pub total: ChatFigures,
    }
}
