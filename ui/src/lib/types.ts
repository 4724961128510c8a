// Wire types as the Tauri commands and the change channel deliver them: generated
// from the Rust types (crates/protocol, crates/client) into bindings.ts by
// tauri-specta. UI code imports types from this file only.

export type {
  AgentChatReport,
  AgentRef,
  AppSettings,
  Erasure,
  Attachment,
  Author,
  BlockedCustomer,
  CannedReply,
  Availability,
  Change,
  Channel,
  ChatFigures,
  ChatReport,
  ClientError,
  ClientErrorCode,
  Closure,
  ConnectionState,
  ConversationState,
  ConversationSummary,
  ConversationView,
  Customer,
  EngineCode,
  ErrorCode,
  CustomerMatch,
  ListName,
  ListRow,
  Listed,
  Lists,
  LanguageChoice,
  LanguageInfo,
  Me,
  Message,
  Mood,
  MoodCount,
  OutboxAction,
  OutboxItem,
  OutboxStatus,
  Questionnaire,
  Role,
  SearchHit,
  Segment,
  SessionInfo,
  Snooze,
  SystemLine,
  TextPurpose,
  TokenStore,
  Snippet,
  SubjectAnswer,
  SubjectCount,
  SurveyResult,
  Team,
  TeamMember,
  Unanswered,
} from './bindings';

/** RFC 3339 instant, e.g. `2026-03-12T14:05:00Z`. */
export type DateTime = string;
export type AgentId = number;
export type ConversationId = number;
export type CustomerId = number;
export type MessageId = number;
