// The one door from the UI to the app's engine. Components receive a Backend
// through context (see context.ts) and never call Tauri directly.
import type {
  AgentRef,
  AppSettings,
  Erasure,
  Availability,
  BlockedCustomer,
  CannedReply,
  Change,
  ChatReport,
  ClientErrorCode,
  LanguageInfo,
  ConnectionState,
  ConversationSummary,
  ConversationView,
  Customer,
  Lists,
  Mood,
  OutboxItem,
  SearchHit,
  SessionInfo,
  Snooze,
  Snippet,
  SubjectAnswer,
  Team,
} from './types';

/** What the engine said no with: a code to branch on, a message for people. */
export class BackendError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }

  /** Wraps whatever a rejected call carried (`{code, message}`, a string, an Error). */
  static from(raw: unknown): BackendError {
    if (raw instanceof BackendError) return raw;
    if (raw && typeof raw === 'object' && 'code' in raw && typeof raw.code === 'string') {
      const message = 'message' in raw && typeof raw.message === 'string' ? raw.message : raw.code;
      // The engine's errors carry a ClientErrorCode (bindings.ts): the one cast
      // from the wire's string to that union.
      return new BackendError(raw.code as ClientErrorCode, message);
    }
    if (raw instanceof Error) return new BackendError('unknown', raw.message);
    return new BackendError('unknown', String(raw));
  }
}

/** The Tauri commands and the `change` event, one method each. */
export interface Backend {
  /** The session restored at start, or null: show sign-in. */
  sessionInfo(): Promise<SessionInfo | null>;
  signIn(server: string, email: string, password: string): Promise<SessionInfo>;
  signOut(): Promise<void>;

  /** The open lists whole, the archive's first rows and its size. */
  lists(): Promise<Lists>;
  /** Archive rows `offset..offset + limit`, in the lists' order. */
  archiveRows(offset: number, limit: number): Promise<ConversationSummary[]>;
  /** From the local cache, with the conversation's pending and failed actions. */
  conversation(id: number): Promise<ConversationView>;
  /** Fetches the history from the server (falls back to the cache offline). */
  refreshConversation(id: number): Promise<ConversationView>;
  /** Offline full-text search of every cached conversation: one hit per conversation, newest first. */
  search(query: string): Promise<SearchHit[]>;
  /** The messages of one conversation that match a search, whole, with the matches marked. */
  searchIn(conversationId: number, query: string): Promise<Snippet[]>;
  /** The end questionnaire's subjects. */
  subjects(): Promise<string[]>;

  // Actions: queued locally and sent when online; their outcome arrives through
  // `change` events and the conversation's outbox.
  take(id: number): Promise<OutboxItem>;
  free(id: number): Promise<OutboxItem>;
  reopen(id: number): Promise<OutboxItem>;
  spam(id: number): Promise<OutboxItem>;
  reply(id: number, body: string): Promise<OutboxItem>;
  /** The agent is typing a reply: the customer's page shows it (needs the server). */
  typing(id: number): Promise<void>;
  /** An internal note for the team: never sent to the customer. */
  note(id: number, body: string): Promise<OutboxItem>;
  end(id: number, subject: SubjectAnswer, mood: Mood): Promise<OutboxItem>;
  /** Hands the conversation to a colleague, with an optional note for them. */
  transfer(id: number, to: AgentRef, note: string | null): Promise<OutboxItem>;
  /** Opens the system's file chooser; the chosen files, queued for the customer (none when cancelled). */
  chooseFiles(id: number): Promise<OutboxItem[]>;
  /** Queues a pasted or dropped file for the customer. */
  attachFile(id: number, file: File): Promise<OutboxItem>;
  /** Saves an attachment into the Downloads folder; resolves to the file's path. */
  saveAttachment(id: number, name: string): Promise<string>;
  /** Where the window loads an image attachment (or its thumbnail) from: the
   * offline cache, else the server. */
  attachmentUrl(id: number, thumbnail: boolean): string;
  /** Every queued action, also of conversations that have left the lists. */
  outbox(): Promise<OutboxItem[]>;
  /** Forgets a failed action the agent has seen. */
  dismiss(seq: number): Promise<void>;

  connection(): Promise<ConnectionState>;
  settings(): Promise<AppSettings>;
  setSettings(settings: AppSettings): Promise<void>;
  /** The language shown (the agent's choice, else the OS's), the OS's, and the choices. */
  language(): Promise<LanguageInfo>;
  /** Snoozes notifications for a while, or (`off`) resumes them; the settings as now. */
  snooze(choice: Snooze): Promise<AppSettings>;
  /** Which conversation is on screen and whether the window has the focus. */
  setView(focused: boolean, conversation: number | null): Promise<void>;

  /** `from` and `to` are RFC 3339 instants; agentId null: own, or everyone for supervisors. */
  chatReport(from: string, to: string, agentId: number | null): Promise<ChatReport>;
  /** Writes the report as CSV; resolves to the file's path. */
  exportChatReport(from: string, to: string, agentId: number | null): Promise<string>;
  /** Every agent with availability and load, and the queue (needs the server). */
  team(): Promise<Team>;
  /** Whether I am available or away, as last synced. */
  availability(): Promise<Availability>;
  /** Become available or away (needs the server). */
  setAvailability(availability: Availability): Promise<void>;
  /** Supervisors: how many conversations an agent may hold at once (null: no limit). */
  setCapacity(agent: number, capacity: number | null): Promise<void>;
  /** Supervisors: blocked customers with what they wrote while blocked. */
  blockedCustomers(): Promise<BlockedCustomer[]>;
  /** Supervisors: erase a customer (server and every app's cache); their conversations come back empty through changes. */
  eraseCustomer(customer: number): Promise<Erasure>;
  /** Supervisors: unblock a customer; their conversations come back through changes. */
  unblock(customer: number): Promise<Customer>;
  /** The team's canned replies, by shortcut, as last synced (offline too). */
  cannedReplies(): Promise<CannedReply[]>;
  /** A canned reply's text for a conversation, its placeholders filled in. */
  cannedText(conversationId: number, replyId: number): Promise<string>;
  /** Supervisors: adds (`id` null) or changes a canned reply (needs the server). */
  saveCannedReply(id: number | null, title: string, shortcut: string, body: string): Promise<CannedReply>;
  /** Supervisors: deletes a canned reply (needs the server). */
  deleteCannedReply(id: number): Promise<void>;
  /** Every agent (supervisors' report picker). */
  agents(): Promise<AgentRef[]>;
  /** Opens an http(s) or mailto URL in the system's browser or mail app. */
  openLink(url: string): Promise<void>;

  /** Calls `handler` for every change; returns the function that stops it. */
  onChange(handler: (change: Change) => void): () => void;
}
