// An in-memory Backend: component tests drive it step by step, and `npm run dev`
// in a plain browser runs on it (see demo-data.ts). It mimics the engine's rules
// closely enough to exercise the UI: actions wait in an outbox until delivered
// (or failed), and every change is announced as the engine would.
import { BackendError, type Backend } from './backend';
import { applied, erased, snoozeEnd } from './fake-actions';
import { FakeCanned, fillPlaceholders } from './fake-canned';
import { FakeFiles } from './fake-files';
import { reportOf, teamOf } from './fake-figures';
import { searchHits, snippetsIn } from './fake-search';
import { defaultSettings, teamMember } from './fixtures';
import { ARCHIVE_HEAD, byWait } from './rows';
import type {
  AgentRef,
  AppSettings,
  LanguageInfo,
  SystemLine,
  Availability,
  BlockedCustomer,
  CannedReply,
  Change,
  ClientErrorCode,
  ChatReport,
  ConnectionState,
  ConversationSummary,
  ConversationView,
  Customer,
  Erasure,
  ListName,
  Lists,
  Me,
  Message,
  Mood,
  OutboxAction,
  OutboxItem,
  SearchHit,
  SessionInfo,
  Snippet,
  Snooze,
  SubjectAnswer,
  Team,
  TeamMember,
} from './types';

export interface FakeOptions {
  me?: Me;
  /** The restored session; defaults to signed in as `me`. */
  session?: SessionInfo | null;
  conversations?: ConversationSummary[];
  messages?: Message[];
  /** Messages of conversations not in `messages` (large demo archives). */
  messagesFor?: (id: number) => Message[];
  subjects?: string[];
  agents?: AgentRef[];
  /** Colleagues as the team list shows them (load is counted from the conversations). */
  team?: Omit<TeamMember, 'load'>[];
  connection?: ConnectionState;
  settings?: AppSettings;
  /** The team's canned replies (ids and times are made up). */
  canned?: Omit<CannedReply, 'id' | 'updated_at'>[];
  /** Deliver queued actions after this many ms while online; default: only on deliver(). */
  autoDeliverMs?: number;
}

export interface Call {
  method: string;
  args: unknown[];
}

export const ALICE: Me = { id: 1, name: 'Alice', email: 'alice@example.com', role: 'agent' };

const now = () => new Date().toISOString();

export class FakeBackend implements Backend {
  me: Me;
  session: SessionInfo | null;
  conversations = new Map<number, ConversationSummary>();
  messages = new Map<number, Message[]>();
  queued: OutboxItem[] = [];
  subjectList: string[];
  agentList: AgentRef[];
  teamMembers: Omit<TeamMember, 'load'>[];
  myAvailability: Availability = 'available';
  state: ConnectionState;
  appSettings: AppSettings;
  /** Every call, in order, for tests to assert on. */
  calls: Call[] = [];

  private handlers = new Set<(c: Change) => void>();
  private nextSeq = 1;
  private nextMessageId = 1_000_000;
  private messagesFor?: (id: number) => Message[];
  private autoDeliverMs?: number;

  constructor(options: FakeOptions = {}) {
    this.me = options.me ?? ALICE;
    this.session =
      options.session === undefined ? { me: this.me, server: 'http://127.0.0.1:8080', cache_key_kept: 'keychain' } : options.session;
    for (const c of options.conversations ?? []) this.conversations.set(c.id, structuredClone(c));
    for (const m of options.messages ?? []) {
      const list = this.messages.get(m.conversation_id) ?? [];
      list.push(structuredClone(m));
      this.messages.set(m.conversation_id, list);
    }
    this.messagesFor = options.messagesFor;
    this.subjectList = options.subjects ?? ['Billing', 'Shipping', 'Returns', 'Technical problem'];
    this.agentList = options.agents ?? [{ id: this.me.id, name: this.me.name }];
    this.teamMembers = options.team ?? [teamMember(this.me.id, this.me.name, { role: this.me.role })];
    this.state = options.connection ?? 'online';
    this.appSettings = options.settings ?? defaultSettings();
    this.autoDeliverMs = options.autoDeliverMs;
    this.canned = new FakeCanned(options.canned);
  }

  private log(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  /** The calls made to one method, oldest first. */
  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  emit(change: Change): void {
    for (const h of this.handlers) h(change);
  }

  private summary(id: number): ConversationSummary {
    const c = this.conversations.get(id);
    if (!c) throw new BackendError('not_found', 'this conversation is not in the local cache');
    return c;
  }

  private history(id: number): Message[] {
    let list = this.messages.get(id);
    if (!list) {
      list = this.messagesFor?.(id) ?? [];
      this.messages.set(id, list);
    }
    return list;
  }

  // --- session ---

  async sessionInfo() {
    this.log('sessionInfo');
    return this.session;
  }

  async signIn(server: string, email: string, password: string) {
    this.log('signIn', server, email, password);
    if (!/^https?:\/\/[^\s/]+/.test(server)) {
      throw new BackendError('bad_address', 'the server address must start with http:// or https://');
    }
    if (server.includes('unreachable')) throw new BackendError('unreachable', 'connection refused');
    if (password !== 'switchboard-demo' || email.trim() !== this.me.email) {
      throw new BackendError('invalid_credentials', 'wrong email or password');
    }
    this.session = { me: this.me, server, cache_key_kept: 'keychain' };
    this.setConnection('online');
    return this.session;
  }

  async signOut() {
    this.log('signOut');
    this.session = null;
  }

  // --- reading ---

  async lists(): Promise<Lists> {
    this.log('lists');
    const all = [...this.conversations.values()];
    const byLast = (a: ConversationSummary, b: ConversationSummary) =>
      (b.last_message_at ?? '').localeCompare(a.last_message_at ?? '') || b.id - a.id;
    const occupied = all.filter((c) => c.state === 'occupied');
    const archive = this.archived();
    return structuredClone({
      mine: occupied.filter((c) => c.occupant?.id === this.me.id).sort(byLast),
      queue: all.filter((c) => c.state === 'not_assigned').sort((a, b) => (byWait(a, b) ? -1 : byWait(b, a) ? 1 : 0)),
      others: this.me.role === 'agent' ? [] : occupied.filter((c) => c.occupant?.id !== this.me.id).sort(byLast),
      archive: archive.slice(0, ARCHIVE_HEAD),
      archive_total: archive.length,
    });
  }

  async archiveRows(offset: number, limit: number): Promise<ConversationSummary[]> {
    this.log('archiveRows', offset, limit);
    return structuredClone(this.archived().slice(offset, offset + Math.min(limit, 500)));
  }

  /** "Archived", most recently closed first. */
  private archived(): ConversationSummary[] {
    const byClosed = (a: ConversationSummary, b: ConversationSummary) =>
      (b.closure?.closed_at ?? '').localeCompare(a.closure?.closed_at ?? '') || b.id - a.id;
    return [...this.conversations.values()]
      .filter((c) => c.state === 'archived' && c.closure?.closed_by.id === this.me.id)
      .sort(byClosed);
  }

  async conversation(id: number): Promise<ConversationView> {
    this.log('conversation', id);
    return structuredClone({
      conversation: this.summary(id),
      messages: this.history(id),
      outbox: this.queued.filter((i) => i.conversation_id === id),
    });
  }

  async refreshConversation(id: number): Promise<ConversationView> {
    this.log('refreshConversation', id);
    return this.conversation(id);
  }

  /** Like the engine: one hit per conversation (customer by name or email, or
   * matching messages), newest match first, with its list and best snippets. */
  async search(query: string): Promise<SearchHit[]> {
    this.log('search', query);
    const listed = [...this.conversations.values()].flatMap((c) => {
      const list = this.listOf(c);
      return list ? [{ conversation: c, list, messages: this.history(c.id) }] : [];
    });
    return searchHits(listed, query);
  }

  async searchIn(conversationId: number, query: string): Promise<Snippet[]> {
    this.log('searchIn', conversationId, query);
    return snippetsIn(this.history(conversationId), query);
  }

  async subjects() {
    this.log('subjects');
    return [...this.subjectList];
  }

  // --- actions ---

  private enqueue(id: number, action: OutboxAction): OutboxItem {
    this.summary(id);
    const item: OutboxItem = {
      seq: this.nextSeq++,
      op_id: `00000000-0000-4000-8000-${String(this.nextSeq).padStart(12, '0')}`,
      conversation_id: id,
      action,
      status: { state: 'pending' },
      created_at: now(),
    };
    this.queued.push(item);
    this.emit({ type: 'outbox', conversation_id: id });
    this.scheduleDelivery();
    return structuredClone(item);
  }

  async take(id: number) {
    this.log('take', id);
    return this.enqueue(id, { type: 'take' });
  }
  async free(id: number) {
    this.log('free', id);
    return this.enqueue(id, { type: 'free' });
  }
  async reopen(id: number) {
    this.log('reopen', id);
    return this.enqueue(id, { type: 'reopen' });
  }
  async spam(id: number) {
    this.log('spam', id);
    return this.enqueue(id, { type: 'spam' });
  }
  async transfer(id: number, to: AgentRef, note: string | null) {
    this.log('transfer', id, to, note);
    if (to.id === this.me.id) throw new BackendError('invalid_field', 'pick a colleague: this conversation is already yours');
    return this.enqueue(id, { type: 'transfer', to, note: note?.trim() || null, override_capacity: this.me.role !== 'agent' });
  }
  async reply(id: number, body: string) {
    this.log('reply', id, body);
    if (!body.trim()) throw new BackendError('invalid_field', 'write a message first');
    return this.enqueue(id, { type: 'reply', body });
  }
  async typing(id: number) {
    this.log('typing', id);
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
  }
  async note(id: number, body: string) {
    this.log('note', id, body);
    if (!body.trim()) throw new BackendError('invalid_field', 'write a message first');
    return this.enqueue(id, { type: 'note', body });
  }
  async end(id: number, subject: SubjectAnswer, mood: Mood) {
    this.log('end', id, subject, mood);
    return this.enqueue(id, { type: 'end', subject, mood });
  }

  /** Attached files, and what the chooser picks. */
  files = new FakeFiles();

  async chooseFiles(id: number) {
    this.log('chooseFiles', id);
    return Promise.all(this.files.chosen.map((f) => this.attachFile(id, f)));
  }
  async attachFile(id: number, file: File) {
    this.log('attachFile', id, file.name);
    return this.enqueue(id, await this.files.keep(file));
  }
  async saveAttachment(id: number, name: string) {
    this.log('saveAttachment', id, name);
    return this.files.saved(id, name);
  }
  attachmentUrl(id: number, thumbnail: boolean) {
    return `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" data-file="${id}" data-thumbnail="${thumbnail}"/>`;
  }

  async outbox() {
    return this.queued.map((i) => ({ ...i }));
  }

  async dismiss(seq: number) {
    this.log('dismiss', seq);
    const item = this.queued.find((i) => i.seq === seq);
    this.queued = this.queued.filter((i) => i.seq !== seq);
    if (item) this.emit({ type: 'outbox', conversation_id: item.conversation_id });
  }

  /** The server accepted the queued action `seq`: apply it and announce it. */
  deliver(seq: number): void {
    const item = this.queued.find((i) => i.seq === seq && i.status.state === 'pending');
    if (!item) return;
    this.queued = this.queued.filter((i) => i !== item);
    this.applyAction(item.conversation_id, item.action);
    this.emit({ type: 'outbox', conversation_id: item.conversation_id });
  }

  /** The server refused the queued action `seq`. */
  fail(seq: number, code: ClientErrorCode, message: string): void {
    const item = this.queued.find((i) => i.seq === seq);
    if (!item) return;
    item.status = { state: 'failed', code, message };
    this.emit({ type: 'outbox', conversation_id: item.conversation_id });
  }

  private scheduleDelivery(): void {
    if (this.autoDeliverMs === undefined || this.state !== 'online') return;
    setTimeout(() => {
      if (this.state !== 'online') return;
      for (const i of this.queued.filter((i) => i.status.state === 'pending')) this.deliver(i.seq);
    }, this.autoDeliverMs);
  }

  /** Appends a line to a conversation and announces it (as the stream would). */
  post(
    id: number,
    author: Message['author'],
    body: string,
    agent: AgentRef | null = null,
    system: SystemLine | null = null,
  ): Message {
    const c = this.summary(id);
    const message: Message = {
      id: this.nextMessageId++,
      conversation_id: id,
      author,
      agent,
      body,
      created_at: now(),
      attachments: [],
      system,
    };
    this.history(id).push(message);
    if (author === 'customer' || author === 'agent') c.last_message_at = message.created_at;
    if (author === 'customer') c.unanswered = { body, waiting_since: c.unanswered?.waiting_since ?? message.created_at };
    if (author === 'agent') c.unanswered = null;
    c.version += 1;
    this.emitRow(id);
    this.emit({ type: 'conversation', id });
    return message;
  }

  /** The list a conversation is in, by the engine's rules. */
  private listOf(c: ConversationSummary): ListName | null {
    if (c.customer.blocked) return null;
    switch (c.state) {
      case 'not_assigned':
        return 'queue';
      case 'occupied':
        if (c.occupant?.id === this.me.id) return 'mine';
        return this.me.role === 'agent' ? null : 'others';
      case 'archived':
        return c.closure?.closed_by.id === this.me.id ? 'archive' : null;
      default:
        return null;
    }
  }

  /** As the engine after a write: the conversation's row, in its list or none. */
  private emitRow(id: number): void {
    const c = this.conversations.get(id);
    const list = c ? this.listOf(c) : null;
    this.emit({
      type: 'rows',
      rows: [{ id, listed: list && c ? { list, summary: structuredClone(c) } : null }],
      archive_total: this.archived().length,
    });
  }

  private applyAction(id: number, action: OutboxAction): void {
    const me: AgentRef = { id: this.me.id, name: this.me.name };
    const line = applied(this.summary(id), action, me);
    const message = this.post(id, line.author, line.body, me, line.system);
    if (action.type === 'attach') message.attachments = [this.files.attachment(action)];
  }

  // --- connection and settings ---

  setConnection(state: ConnectionState): void {
    this.state = state;
    this.emit({ type: 'connection', state });
    this.scheduleDelivery();
  }

  async connection() {
    this.log('connection');
    return this.state;
  }

  async settings() {
    this.log('settings');
    return { ...this.appSettings };
  }

  async setSettings(settings: AppSettings) {
    this.log('setSettings', settings);
    // As the app does: the snooze is changed by snooze() only.
    this.appSettings = { ...settings, snoozed_until: this.appSettings.snoozed_until };
    this.emit({ type: 'settings' });
  }

  /** The OS speaks English here; the catalogs have English and French. */
  async language(): Promise<LanguageInfo> {
    this.log('language');
    const system = 'en';
    const tag = this.appSettings.language ?? system;
    return {
      language: tag,
      locale: tag,
      system,
      choices: [
        { tag: 'en', name: 'English' },
        { tag: 'fr', name: 'Français' },
      ],
    };
  }

  async snooze(choice: Snooze) {
    this.log('snooze', choice);
    this.appSettings = { ...this.appSettings, snoozed_until: snoozeEnd(choice, new Date())?.toISOString() ?? null };
    this.emit({ type: 'settings' });
    return { ...this.appSettings };
  }

  async setView(focused: boolean, conversation: number | null) {
    this.log('setView', focused, conversation);
  }

  // --- report ---

  async chatReport(from: string, to: string, agentId: number | null): Promise<ChatReport> {
    this.log('chatReport', from, to, agentId);
    const agents = this.me.role === 'agent' ? [{ id: this.me.id, name: this.me.name }] : this.agentList;
    const shown = agentId == null ? agents : agents.filter((a) => a.id === agentId);
    return reportOf([...this.conversations.values()], shown, from, to);
  }

  async exportChatReport(from: string, to: string, agentId: number | null) {
    this.log('exportChatReport', from, to, agentId);
    return `/home/agent/Downloads/chat-report-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`;
  }

  async agents() {
    this.log('agents');
    return [...this.agentList];
  }

  async team(): Promise<Team> {
    this.log('team');
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    const members = this.teamMembers.map((m) => (m.id === this.me.id ? { ...m, availability: this.myAvailability } : m));
    return teamOf(members, [...this.conversations.values()]);
  }

  async setCapacity(agent: number, capacity: number | null) {
    this.log('setCapacity', agent, capacity);
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    if (capacity !== null && (capacity < 1 || capacity > 1000))
      throw new BackendError('invalid_field', 'capacity is a whole number from 1 to 1000, or null for no limit');
    const m = this.teamMembers.find((t) => t.id === agent);
    if (m) m.capacity = capacity;
    this.emit({ type: 'team' });
  }

  /** Blocked customers as the server lists them; spam conversations and hidden messages. */
  blocked: BlockedCustomer[] = [];

  async blockedCustomers() {
    this.log('blockedCustomers');
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    return structuredClone(this.blocked);
  }

  async eraseCustomer(customer: number): Promise<Erasure> {
    this.log('eraseCustomer', customer);
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    if (this.me.role === 'agent') throw new BackendError('forbidden', 'only supervisors can erase customers');
    const theirs = [...this.conversations.values()].filter((c) => c.customer.id === customer);
    if (theirs.length === 0) throw new BackendError('not_found', 'customer not found');
    if (theirs.some((c) => c.state === 'not_assigned' || c.state === 'occupied')) {
      throw new BackendError(
        'invalid_state',
        'this customer has an open conversation: end it (or report it as spam) first',
      );
    }
    const erasure = erased(customer, theirs, this.messages);
    for (const c of theirs) {
      this.emitRow(c.id);
      this.emit({ type: 'conversation', id: c.id });
    }
    return erasure;
  }

  async unblock(customer: number): Promise<Customer> {
    this.log('unblock', customer);
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    const b = this.blocked.find((x) => x.customer.id === customer);
    if (!b) throw new BackendError('not_found', 'no such customer');
    this.blocked = this.blocked.filter((x) => x !== b);
    for (const c of b.conversations) {
      const back = { ...structuredClone(c), state: 'not_assigned' as const, customer: { ...c.customer, blocked: false } };
      this.conversations.set(c.id, back);
      this.emitRow(c.id);
    }
    return { ...b.customer, blocked: false };
  }

  canned: FakeCanned;

  async cannedReplies() {
    this.log('cannedReplies');
    return this.canned.list();
  }

  async cannedText(conversationId: number, replyId: number) {
    this.log('cannedText', conversationId, replyId);
    const customer = this.summary(conversationId).customer.name;
    return fillPlaceholders(this.canned.find(replyId).body, customer, this.me.name);
  }

  /** Online supervisors only, as the server: the change comes back as `canned_replies`. */
  private cannedChange<T>(change: () => T): T {
    if (this.state !== 'online') throw new BackendError('unreachable', 'the server cannot be reached');
    if (this.me.role === 'agent') throw new BackendError('forbidden', 'only supervisors can change canned replies');
    const done = change();
    this.emit({ type: 'canned_replies' });
    return done;
  }

  async saveCannedReply(id: number | null, title: string, shortcut: string, body: string) {
    this.log('saveCannedReply', id, title, shortcut, body);
    return this.cannedChange(() => this.canned.save(id, title, shortcut, body));
  }

  async deleteCannedReply(id: number) {
    this.log('deleteCannedReply', id);
    this.cannedChange(() => this.canned.delete(id));
  }

  async availability() {
    this.log('availability');
    return this.myAvailability;
  }

  async setAvailability(availability: Availability) {
    this.log('setAvailability', availability);
    if (this.state !== 'online') {
      this.emit({ type: 'team' });
      throw new BackendError('unreachable', 'the server cannot be reached');
    }
    this.myAvailability = availability;
    this.emit({ type: 'team' });
  }

  async openLink(url: string) {
    this.log('openLink', url);
  }

  onChange(handler: (change: Change) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
