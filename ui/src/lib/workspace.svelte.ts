// The signed-in agent's live state: lists, connection, the open conversation and
// the archive search, kept in step with the backend's change events. Components
// render it and call its intents; it is the only place that decides what to reload.
import { ArchivePages } from './archive-pages.svelte';
import { BackendError, type Backend } from './backend';
import { coalesced } from './coalesce';
import { t } from './i18n.svelte';
import { errorMessage } from './messages';
import { patchLists } from './rows';
import { startupMark } from './startup';
import type {
  AgentRef,
  AppSettings,
  Attachment,
  Availability,
  CannedReply,
  Change,
  ConnectionState,
  ConversationSummary,
  ConversationView,
  Lists,
  Me,
  Mood,
  OutboxAction,
  SearchHit,
  Segment,
  Snooze,
  SubjectAnswer,
} from './types';

export type { ListName } from './types';
export type SimpleAction = 'take' | 'free' | 'reopen' | 'spam';

export const SEARCH_DELAY_MS = 150;
/** "… is typing" goes away this long after the last signal. */
export const TYPING_SHOWN_MS = 5000;
/** The agent's typing is told at most once per this long. */
export const TYPING_EVERY_MS = 1000;

export interface WorkspaceHooks {
  /** The server no longer accepts the session. */
  onSignedOut(): void;
  /** A desktop notification was clicked: show conversations before it opens. */
  onNotificationClicked?(id: number): void;
}

export class Workspace {
  // Raw: the lists are replaced (whole, or with changed rows moved into a copy),
  // never changed in place: deep proxies would cost for nothing.
  lists = $state.raw<Lists>({ mine: [], queue: [], others: [], archive: [], archive_total: 0 });
  /** Archived rows past the first page, fetched as the list shows them. */
  readonly archive: ArchivePages;
  /** Row changes heard while the lists are being read (null when they are not). */
  private rowsMeanwhile: Extract<Change, { type: 'rows' }>[] | null = null;
  connection = $state<ConnectionState>('connecting');
  /** Online at least once this session: "connecting" then means the link dropped. */
  everOnline = $state(false);
  backfill = $state<{ fetched: number; total: number; done: boolean } | null>(null);
  /** Cached rows this version could not read, set aside since the notice was last dismissed. */
  setAside = $state(0);
  /** The agent's settings (the snooze shown in the sidebar); null until loaded. */
  settings = $state<AppSettings | null>(null);
  /** Why snoozing or resuming failed. */
  snoozeError = $state<string | null>(null);
  /** Available or away, as last synced; null until loaded. */
  availability = $state<Availability | null>(null);
  /** Why becoming available or away failed. */
  availabilityError = $state<string | null>(null);
  /** Counts the team's changes heard (availability, capacity, conversations
   * moving): views of the team read it again when it moves. */
  teamVersion = $state(0);
  /** Customers typing now, by conversation: their name, until a few seconds
   * pass without a new signal or their message comes. */
  typing = $state.raw<Map<number, string>>(new Map());
  private typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** When this app last told the server the agent is typing, by conversation. */
  private typingSent = new Map<number, number>();
  /** The team's canned replies (the composer's `/` list), as last synced. */
  canned = $state.raw<CannedReply[]>([]);

  selectedId = $state<number | null>(null);
  view = $state<ConversationView | null>(null);
  /** Why the selected conversation could not be shown. */
  openError = $state<string | null>(null);
  /** The open conversation has left this agent's lists: shown read-only. */
  gone = $state(false);
  /** An action the backend refused at once (before queueing it). */
  actionError = $state<string | null>(null);
  /** Where an attachment was saved, until dismissed or another conversation opens. */
  fileNotice = $state<string | null>(null);

  query = $state('');
  results = $state.raw<SearchHit[] | null>(null);
  searchError = $state<string | null>(null);
  /** The open conversation's messages that match the search, by message id
   * (set when it was opened with the search results on screen). */
  marks = $state.raw<Map<number, Segment[]> | null>(null);
  /** The first of them: the conversation scrolls to it. */
  firstMatch = $state<number | null>(null);

  /** Whether the conversation pane is on screen (not the report). */
  showingConversation = true;
  private focused = typeof document === 'undefined' ? true : document.hasFocus();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  readonly isSupervisor: boolean;

  constructor(
    readonly backend: Backend,
    readonly me: Me,
    initialLists: Lists | undefined,
    private hooks: WorkspaceHooks,
  ) {
    this.isSupervisor = me.role !== 'agent';
    this.archive = new ArchivePages(backend);
    // Drawn at once; start() reloads them once it hears of changes.
    if (initialLists) this.lists = initialLists;
  }

  /** "You are offline" banner: offline, or reconnecting after having been online. */
  get offline(): boolean {
    return this.connection === 'offline' || (this.connection === 'connecting' && this.everOnline);
  }

  /** When notifications come back, if snoozed (the app says when a snooze ends). */
  get snoozedUntil(): string | null {
    const until = this.settings?.snoozed_until ?? null;
    return until && Date.parse(until) > Date.now() ? until : null;
  }

  reloadSettings = coalesced(async () => {
    try {
      this.settings = await this.backend.settings();
    } catch {
      // Keep what is shown; the next change tries again.
    }
  });

  reloadCanned = coalesced(async () => {
    try {
      this.canned = await this.backend.cannedReplies();
    } catch {
      // Keep what is shown; the next change tries again.
    }
  });

  reloadAvailability = coalesced(async () => {
    try {
      this.availability = await this.backend.availability();
    } catch {
      // Keep what is shown; the next change tries again.
    }
  });

  /** Become available or away; the change comes back through the stream. */
  async setAvailability(availability: Availability): Promise<void> {
    this.availabilityError = null;
    try {
      await this.backend.setAvailability(availability);
      this.availability = availability;
    } catch (e) {
      this.availabilityError = errorMessage(e);
      await this.reloadAvailability();
    }
  }

  /** Queues a conversation's transfer to a colleague (the open one by
   * default); throws the backend's refusal (the dialog shows it). */
  async transfer(to: AgentRef, note: string | null, id = this.view?.conversation.id): Promise<void> {
    if (id == null) return;
    await this.backend.transfer(id, to, note);
    if (id === this.selectedId) await this.reloadView();
  }

  /** Snoozes notifications for a while, or resumes them. */
  async snooze(choice: Snooze): Promise<void> {
    this.snoozeError = null;
    try {
      this.settings = await this.backend.snooze(choice);
    } catch (e) {
      this.snoozeError = errorMessage(e);
    }
  }

  /** Rows in the order j/k walk them: search results, else the lists top to
   * bottom (the archive as far as it is loaded without a gap). */
  get order(): ConversationSummary[] {
    if (this.results) return this.results.map((h) => h.conversation);
    const { mine, queue, others, archive } = this.lists;
    return [...mine, ...queue, ...(this.isSupervisor ? others : []), ...archive, ...this.archive.loaded()];
  }

  /** Row `i` of the archive list, or undefined while its page is fetched. */
  archiveAt(i: number): ConversationSummary | undefined {
    return this.archive.at(this.lists.archive, i);
  }

  /** Where a conversation is in the archive rows loaded so far, or -1. */
  archiveIndexOf(id: number): number {
    return this.archive.indexOf(this.lists.archive, id);
  }

  /** Subscribes to changes and loads the first state; returns the stop function. */
  start(): () => void {
    // The link's state as asked now may arrive after a change that is newer
    // (both come over IPC, in no set order): once a change has been heard, it
    // is the truth, and the answer to this question is stale.
    let heard = false;
    const stop = this.backend.onChange((c) => {
      if (c.type === 'connection') heard = true;
      this.apply(c);
    });
    this.backend.connection().then(
      (s) => {
        if (!heard) this.setConnection(s);
      },
      () => {},
    );
    void this.reloadLists();
    void this.reloadSettings();
    void this.reloadAvailability();
    void this.reloadCanned();
    return () => {
      stop();
      clearTimeout(this.searchTimer);
    };
  }

  apply(change: Change): void {
    switch (change.type) {
      case 'lists':
        void this.reloadLists();
        break;
      case 'rows': {
        const { lists, archiveMoved } = patchLists(this.lists, change.rows, change.archive_total);
        if (archiveMoved) this.archive.changed(change.archive_total);
        this.lists = lists;
        this.rowsMeanwhile?.push(change);
        this.teamVersion++;
        // The open conversation is listed newer than shown (back in the lists
        // after it left them, or anonymised after an erasure): show it as it is.
        const shown = this.view?.conversation;
        if (shown && change.rows.some((r) => r.id === shown.id && (r.listed?.summary.version ?? -1) > shown.version))
          void this.reloadView();
        break;
      }
      case 'team':
        void this.reloadAvailability();
        this.teamVersion++;
        break;
      case 'conversation':
        // A new line (most likely the customer's message) ends "is typing".
        this.stopTyping(change.id);
        if (change.id === this.selectedId) void this.reloadView();
        break;
      case 'typing':
        this.customerTyping(change.conversation_id, change.name);
        break;
      case 'outbox':
        if (change.conversation_id === this.selectedId) void this.reloadView();
        break;
      case 'connection':
        this.setConnection(change.state);
        break;
      case 'settings':
        void this.reloadSettings();
        break;
      case 'canned_replies':
        void this.reloadCanned();
        break;
      case 'backfill':
        this.backfill = { fetched: change.fetched, total: change.total, done: change.done };
        break;
      case 'set_aside':
        this.setAside += change.moved;
        break;
      case 'notification_clicked':
        this.hooks.onNotificationClicked?.(change.conversation_id);
        void this.open(change.conversation_id);
        break;
    }
  }

  private setConnection(state: ConnectionState): void {
    this.connection = state;
    if (state === 'online') this.everOnline = true;
    if (state === 'signed_out') this.hooks.onSignedOut();
  }

  reloadLists = coalesced(async () => {
    try {
      startupMark('lists asked');
      this.rowsMeanwhile = [];
      let lists = await this.backend.lists();
      startupMark('lists');
      // The lists may have been read before rows that were moved meanwhile:
      // moved again, in order, they end as the latest each row was sent as.
      for (const c of this.rowsMeanwhile) lists = patchLists(lists, c.rows, c.archive_total).lists;
      this.rowsMeanwhile = null;
      this.archive.changed(lists.archive_total);
      this.lists = lists;
    } catch {
      // Keep the lists on screen; the next change event tries again.
      this.rowsMeanwhile = null;
    }
  });

  reloadView = coalesced(async () => {
    const id = this.selectedId;
    if (id == null) return;
    try {
      const view = await this.backend.conversation(id);
      if (this.selectedId === id) {
        this.view = view;
        this.gone = false;
      }
    } catch (e) {
      // It left this agent's lists (taken by someone else, reported as spam): keep
      // the last view, read-only, with its actions' outcome (e.g. "Bob has already
      // taken this conversation"), which the engine keeps in its outbox.
      if (BackendError.from(e).code !== 'not_found' || this.selectedId !== id || !this.view) return;
      try {
        const items = (await this.backend.outbox()).filter((i) => i.conversation_id === id);
        if (this.selectedId === id && this.view) {
          this.view = { ...this.view, outbox: items };
          this.gone = true;
        }
      } catch {
        // Keep what is shown.
      }
    }
  });

  /** Shows a conversation: from the cache at once, then with the server's history. */
  async open(id: number): Promise<void> {
    if (this.selectedId !== id) {
      this.selectedId = id;
      this.view = null;
      this.gone = false;
      this.openError = null;
      this.actionError = null;
      this.fileNotice = null;
      this.marks = null;
      this.firstMatch = null;
      this.tellView();
    }
    // Opened from the search results: its matches are highlighted.
    if (this.results !== null && this.query.trim()) void this.loadMarks(id, this.query);
    let cacheError: string | null = null;
    try {
      const view = await this.backend.conversation(id);
      if (this.selectedId === id) this.view = view;
    } catch (e) {
      cacheError = errorMessage(e);
    }
    try {
      const view = await this.backend.refreshConversation(id);
      if (this.selectedId === id) this.view = view;
    } catch (e) {
      if (this.selectedId === id && !this.view) this.openError = cacheError ?? errorMessage(e);
    }
  }

  /** Opens the next (+1) or previous (-1) row of `order`. */
  step(delta: 1 | -1): void {
    const rows = this.order;
    if (rows.length === 0) return;
    const at = rows.findIndex((c) => c.id === this.selectedId);
    const next = at < 0 ? (delta > 0 ? 0 : rows.length - 1) : at + delta;
    if (next >= 0 && next < rows.length) void this.open(rows[next].id);
  }

  /** Whether I occupy the open conversation (and so may reply, free, end, spam). */
  /** Whether the open conversation takes a note: any still in the lists. */
  get notable(): boolean {
    return !this.gone && !!this.view;
  }

  get mineOpen(): boolean {
    if (this.gone) return false;
    const c = this.view?.conversation;
    return !!c && c.state === 'occupied' && c.occupant?.id === this.me.id;
  }

  /** The open conversation's queued action of this kind, if any is still pending. */
  pending(type: OutboxAction['type']): boolean {
    return !!this.view?.outbox.some((i) => i.action.type === type && i.status.state === 'pending');
  }

  /** The conversation "Take next" would take: the customer who has waited
   * longest (the queue is served oldest first). */
  get nextInQueue(): ConversationSummary | undefined {
    return this.lists.queue[0];
  }

  /** Takes the queue's first conversation and shows it. Should someone else
   * take it first, the take's outcome says so, as for any take. */
  async takeNext(): Promise<void> {
    const next = this.nextInQueue;
    if (!next) return;
    const opened = this.open(next.id);
    try {
      await this.backend.take(next.id);
    } catch (e) {
      if (this.selectedId === next.id) this.actionError = errorMessage(e);
    }
    await opened;
    await this.reloadView();
  }

  /** Queues something for the open conversation: a refusal becomes
   * actionError, and the view is read again. False when refused. */
  private async onOpen(run: (id: number) => Promise<unknown>): Promise<boolean> {
    const id = this.view?.conversation.id;
    if (id == null) return false;
    this.actionError = null;
    let queued = true;
    try {
      await run(id);
    } catch (e) {
      this.actionError = errorMessage(e);
      queued = false;
    }
    await this.reloadView();
    return queued;
  }

  async act(action: SimpleAction): Promise<void> {
    await this.onOpen((id) => this.backend[action](id));
  }

  private customerTyping(id: number, name: string): void {
    clearTimeout(this.typingTimers.get(id));
    this.typingTimers.set(
      id,
      setTimeout(() => this.stopTyping(id), TYPING_SHOWN_MS),
    );
    if (this.typing.get(id) !== name) this.typing = new Map(this.typing).set(id, name);
  }

  private stopTyping(id: number): void {
    clearTimeout(this.typingTimers.get(id));
    this.typingTimers.delete(id);
    if (!this.typing.has(id)) return;
    const next = new Map(this.typing);
    next.delete(id);
    this.typing = next;
  }

  /** The agent is typing a reply in the open conversation: the customer's page
   * is told, at most once a second (a failure is of no consequence). */
  typed(): void {
    const id = this.view?.conversation.id;
    if (id == null || !this.mineOpen) return;
    const now = Date.now();
    if (now - (this.typingSent.get(id) ?? 0) < TYPING_EVERY_MS) return;
    this.typingSent.set(id, now);
    this.backend.typing(id).catch(() => {});
  }

  /** Queues a reply to the customer, or (`note`) an internal note for the team. */
  /** Queues a reply; false (with actionError set) when the backend refused it. */
  async reply(body: string, kind: 'reply' | 'note' = 'reply'): Promise<boolean> {
    return this.onOpen((id) => (kind === 'note' ? this.backend.note(id, body) : this.backend.reply(id, body)));
  }

  /** Queues pasted or dropped files for the customer of the open conversation;
   * one refused does not stop the others. */
  async attach(files: File[]): Promise<void> {
    if (files.length === 0) return;
    await this.onOpen(async (id) => {
      const refused: string[] = [];
      for (const f of files) {
        await this.backend.attachFile(id, f).catch((e: unknown) => refused.push(t('conv-file-error', { name: f.name, reason: errorMessage(e) })));
      }
      if (refused.length) throw new Error(refused.join(' '));
    });
  }

  /** Opens the system's file chooser and queues what the agent picks. */
  async chooseFiles(): Promise<void> {
    await this.onOpen((id) => this.backend.chooseFiles(id));
  }

  /** Saves an attachment to Downloads, and says where. */
  async saveAttachment(a: Attachment): Promise<void> {
    this.fileNotice = null;
    try {
      const path = await this.backend.saveAttachment(a.id, a.name);
      this.fileNotice = t('conv-file-saved', { name: a.name, path });
    } catch (e) {
      this.actionError = t('conv-file-error', { name: a.name, reason: errorMessage(e) });
    }
  }

  /** Queues the end with the questionnaire; throws the backend's refusal. */
  async end(subject: SubjectAnswer, mood: Mood): Promise<void> {
    const id = this.view?.conversation.id;
    if (id == null) return;
    await this.backend.end(id, subject, mood);
    await this.reloadView();
  }

  async dismiss(seq: number): Promise<void> {
    try {
      await this.backend.dismiss(seq);
    } catch (e) {
      this.actionError = errorMessage(e);
    }
    await this.reloadView();
  }

  /** Marks the open conversation's messages that match `query`. */
  private async loadMarks(id: number, query: string): Promise<void> {
    try {
      const matched = await this.backend.searchIn(id, query);
      if (this.selectedId !== id || this.query !== query) return;
      this.marks = new Map(matched.map((m) => [m.message_id, m.segments]));
      this.firstMatch = matched[0]?.message_id ?? null;
    } catch {
      // The conversation shows unmarked.
    }
  }

  /** Search box input: results after a short pause; empty clears. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.searchTimer);
    if (!query.trim()) {
      this.results = null;
      this.searchError = null;
      this.marks = null;
      this.firstMatch = null;
      return;
    }
    this.searchTimer = setTimeout(() => void this.runSearch(query), SEARCH_DELAY_MS);
  }

  private async runSearch(query: string): Promise<void> {
    try {
      const hits = await this.backend.search(query);
      if (this.query === query) {
        this.results = hits;
        this.searchError = null;
        // The open conversation's marks follow the query.
        if (this.selectedId != null) void this.loadMarks(this.selectedId, query);
      }
    } catch (e) {
      if (this.query === query) this.searchError = errorMessage(e);
    }
  }

  setFocused(focused: boolean): void {
    if (focused === this.focused) return;
    this.focused = focused;
    this.tellView();
  }

  setShowingConversation(showing: boolean): void {
    if (showing === this.showingConversation) return;
    this.showingConversation = showing;
    this.tellView();
  }

  /** No notification for the conversation the agent is looking at. */
  private tellView(): void {
    const open = this.showingConversation ? this.selectedId : null;
    this.backend.setView(this.focused, open).catch(() => {});
  }
}
