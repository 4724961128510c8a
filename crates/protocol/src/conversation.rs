use crate::{wire, AgentId, AgentRef};
use chrono::{DateTime, Utc};

/// Database id of a conversation.
pub type ConversationId = i64;
/// Database id of a customer.
pub type CustomerId = i64;
/// Database id of a message.
pub type MessageId = i64;

wire! {
    /// Where a conversation stands.
    #[derive(Copy, Eq, Hash)]
    #[serde(rename_all = "snake_case")]
    pub enum ConversationState {
        /// In the queue: "Conversations not assigned".
        NotAssigned,
        /// Occupied by exactly one agent.
        Occupied,
        /// Ended with the questionnaire: "Archived", labelled "Closed".
        Archived,
        /// Reported as spam: out of every list until a supervisor unblocks the customer.
        Spam,
    }

    /// How the customer reaches us.
    #[derive(Copy, Eq, Hash, Default)]
    #[serde(rename_all = "snake_case")]
    pub enum Channel {
        /// The web chat page.
        #[default]
        Web,
        /// Text messages through the SMS provider.
        Sms,
    }

    /// A customer as agents see them: name and email, or a phone number.
    pub struct Customer {
        pub id: CustomerId,
        pub name: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub blocked: bool,
        /// Texted STOP: no texts reach them until they text START.
        #[serde(default)]
        pub sms_opted_out: bool,
    }

    /// Who wrote a message.
    #[derive(Copy, Eq, Hash)]
    #[serde(rename_all = "snake_case")]
    pub enum Author {
        Customer,
        Agent,
        /// Lines such as "Taken by Alice".
        System,
        /// An agent's internal note for the team: never shown or sent to the
        /// customer (not on the page, not by text, not in the customer API).
        Note,
    }

    /// One line of a conversation's history.
    pub struct Message {
        pub id: MessageId,
        pub conversation_id: ConversationId,
        pub author: Author,
        /// The agent who wrote it (agent lines) or caused it (system lines).
        pub agent: Option<AgentRef>,
        /// The text; empty on a line that only carries attachments.
        pub body: String,
        pub created_at: DateTime<Utc>,
        /// Files attached to this line.
        #[serde(default)]
        pub attachments: Vec<Attachment>,
        /// What a system line says, for each client to put in its agent's
        /// language (`body` says it in English; None on other lines and on
        /// system lines from before).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub system: Option<SystemLine>,
    }

    /// What a system line says. The agent who caused it, if any, is the
    /// message's `agent`.
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum SystemLine {
        /// "Taken by Alice".
        Taken,
        /// "Freed by Alice".
        Freed,
        /// "Ended by Alice".
        Ended,
        /// "Reopened by Alice".
        Reopened,
        /// "Reported as spam by Alice".
        ReportedSpam,
        /// "Transferred by Alice to Bob. Note: …".
        Transferred { to: String, note: Option<String> },
        /// Back in the queue: no answer from `from` for `after_secs`.
        ReturnedUnanswered { from: String, after_secs: i64 },
        /// Back in the queue: `from` was removed from the team.
        ReturnedRemoved { from: String },
        /// A text could not be sent to `to` (the provider's `reason`, as it said it).
        TextFailed { text: TextPurpose, to: String, reason: String },
        /// The customer texted STOP: no texts reach them until START.
        TextedStop,
        /// The customer texted START: texts reach them again.
        TextedStart,
    }

    /// What a text to a customer was for.
    #[derive(Copy, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum TextPurpose {
        Reply,
        Survey,
        Clarification,
        Thanks,
    }

    /// A file attached to a message. Its content is at
    /// `GET /api/v1/attachments/{id}` (agents) or
    /// `GET /api/v1/customer/conversations/{conversation}/attachments/{id}`.
    pub struct Attachment {
        pub id: i64,
        /// The name it was sent with (only a name, no folders).
        pub name: String,
        /// Bytes.
        pub size: i64,
        /// Sniffed from the content, never taken from the name.
        pub content_type: String,
        /// A PNG, JPEG, GIF or WebP image: shown inline; anything else downloads.
        pub image: bool,
        /// A thumbnail of at most 320 px exists (`?thumbnail=true`).
        pub thumbnail: bool,
    }

    /// The customer's latest message when no agent has answered it yet.
    pub struct Unanswered {
        /// The latest unanswered customer message, shown in red.
        pub body: String,
        /// When the oldest unanswered customer message arrived: how long they have waited.
        pub waiting_since: DateTime<Utc>,
    }

    /// The "I don't know"-able subject of the end questionnaire.
    #[serde(rename_all = "snake_case")]
    pub enum SubjectAnswer {
        /// One of the server's configured subjects.
        Known(String),
        DontKnow,
    }

    /// The customer's mood, as the agent judged it.
    #[derive(Copy, Eq, Hash)]
    #[serde(rename_all = "snake_case")]
    pub enum Mood {
        Happy,
        Neutral,
        Unhappy,
        Angry,
        DontKnow,
    }

    /// The end-of-conversation questionnaire.
    pub struct Questionnaire {
        pub subject: SubjectAnswer,
        pub mood: Mood,
    }

    /// How the customer rated the conversation after it ended (credited to the
    /// agent who ended it).
    pub struct SurveyResult {
        /// 1 to 5.
        pub rating: u8,
        pub comment: Option<String>,
        pub answered_at: DateTime<Utc>,
    }

    /// When and by whom an archived conversation was closed.
    pub struct Closure {
        pub closed_at: DateTime<Utc>,
        pub closed_by: AgentRef,
        pub questionnaire: Questionnaire,
    }

    /// A row of one of the three lists.
    pub struct ConversationSummary {
        pub id: ConversationId,
        pub customer: Customer,
        pub state: ConversationState,
        /// Web chat or text messages.
        #[serde(default)]
        pub channel: Channel,
        /// The occupying agent, when occupied.
        pub occupant: Option<AgentRef>,
        pub created_at: DateTime<Utc>,
        /// When the last customer or agent message came.
        pub last_message_at: Option<DateTime<Utc>>,
        /// None means "Conversation up to date".
        pub unanswered: Option<Unanswered>,
        /// Set while archived.
        pub closure: Option<Closure>,
        /// The customer's rating of the current end, once they answer.
        pub survey: Option<SurveyResult>,
        /// The customer's conversation before this one, if any.
        pub previous_conversation_id: Option<ConversationId>,
        /// Bumped whenever the conversation changes (the event sequence of its last change).
        pub version: i64,
        /// The newest agent message the customer's chat page has shown them
        /// ("Seen"); null until it has shown one (and for texts).
        #[serde(default)]
        pub seen_message_id: Option<MessageId>,
        /// The customer's language on the chat page, as the server keeps it
        /// (one of its languages: `en`, `fr`): the server's texts to this
        /// customer use it. None for texts and for chats started before
        /// conversations had one (the server's `serve --language` then).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub language: Option<String>,
    }

    /// A conversation with its whole history.
    pub struct ConversationDetail {
        pub conversation: ConversationSummary,
        pub messages: Vec<Message>,
        /// The same customer's earlier, archived conversations, newest first.
        pub earlier: Vec<ConversationSummary>,
    }

    /// An archived conversation as the offline cache stores it.
    pub struct ArchivedConversation {
        pub conversation: ConversationSummary,
        pub messages: Vec<Message>,
    }

    /// A conversation that left the archive (reopened, or its customer blocked) at `seq`.
    pub struct ArchiveRemoval {
        pub conversation_id: ConversationId,
        pub seq: i64,
    }

    /// `GET /api/v1/archive`: a page of an agent's closed conversations, oldest change first.
    pub struct ArchivePage {
        pub conversations: Vec<ArchivedConversation>,
        /// Conversations that left the archive after `after` (up to `next_cursor`).
        /// Drop a cached one only if its cached version is older than the removal.
        pub removed: Vec<ArchiveRemoval>,
        /// Pass as `after` to get the next page (or, later, what changed since).
        pub next_cursor: i64,
        pub has_more: bool,
        /// Archived conversations changed after `after`, this page's included: with
        /// what was fetched before this page, the size of the whole download.
        pub remaining: i64,
    }

    /// `GET /api/v1/snapshot`: what this agent may see, as of `seq`.
    pub struct Snapshot {
        /// The event sequence this snapshot reflects: stream from here.
        pub seq: i64,
        pub me: crate::Me,
        /// "My conversations".
        pub mine: Vec<ConversationSummary>,
        /// "Conversations not assigned".
        pub queue: Vec<ConversationSummary>,
        /// Conversations occupied by other agents (supervisors only; empty otherwise).
        pub others: Vec<ConversationSummary>,
        /// The newest closed conversations of this agent; page `/archive` for all of them.
        pub archive: Vec<ConversationSummary>,
        /// The questionnaire's subject list.
        pub subjects: Vec<String>,
        /// Whether the signed-in agent is available or away (older servers: available).
        #[serde(default)]
        pub availability: crate::Availability,
        /// The canned replies, by shortcut (older servers: none).
        #[serde(default)]
        pub canned_replies: Vec<crate::CannedReply>,
    }

    /// `GET /api/v1/subjects`.
    pub struct SubjectList {
        pub subjects: Vec<String>,
    }

    /// A blocked customer with what they wrote while blocked (supervisors).
    pub struct BlockedCustomer {
        pub customer: Customer,
        pub blocked_at: DateTime<Utc>,
        pub blocked_by: Option<AgentRef>,
        pub conversations: Vec<ConversationSummary>,
        /// Messages stored while the customer was blocked, oldest first.
        pub hidden_messages: Vec<Message>,
    }

    /// `GET /api/v1/blocked-customers`.
    pub struct BlockedCustomerList {
        pub customers: Vec<BlockedCustomer>,
    }

    /// `POST /api/v1/customers/{id}/erase`: what was deleted. The audit log
    /// keeps these counts, who and when; nothing about the customer.
    #[derive(Copy, Eq)]
    pub struct Erasure {
        pub customer_id: CustomerId,
        /// Conversations kept, anonymised and empty (reports still count them).
        pub conversations: u64,
        /// Messages, internal notes and system lines.
        pub messages: u64,
        pub attachments: u64,
        pub surveys: u64,
        /// Texts sent and received (SMS).
        pub texts: u64,
        /// The chat page's tokens.
        pub tokens: u64,
        /// Stream events that carried their words.
        pub events: u64,
    }
}

impl ConversationSummary {
    /// Whether `agent` occupies this conversation.
    pub fn is_occupied_by(&self, agent: AgentId) -> bool {
        self.occupant.as_ref().is_some_and(|o| o.id == agent)
    }
}

impl Channel {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Sms => "sms",
        }
    }
}

impl Mood {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Mood::Happy => "happy",
            Mood::Neutral => "neutral",
            Mood::Unhappy => "unhappy",
            Mood::Angry => "angry",
            Mood::DontKnow => "dont_know",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Mood> {
        Some(match s {
            "happy" => Mood::Happy,
            "neutral" => Mood::Neutral,
            "unhappy" => Mood::Unhappy,
            "angry" => Mood::Angry,
            "dont_know" => Mood::DontKnow,
            _ => return None,
        })
    }
}
