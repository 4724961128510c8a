// The Backend over Tauri IPC: each method is one command of the Rust shell, called
// through the bindings generated from Rust (names, arguments and types checked by
// tsc). Changes arrive over an IPC channel opened once with the `changes` command
// (the window's capability grants the app's own commands only, so no event listening).
import { Channel, convertFileSrc, invoke } from '@tauri-apps/api/core';
import { BackendError, type Backend } from './backend';
import { commands, type Result } from './bindings';
import { earlyLists, earlySession } from './early';
import type { AgentRef, AppSettings, Availability, Change, Mood, OutboxItem, Snooze, SubjectAnswer } from './types';

/** Unwraps a command's result; a refusal becomes a BackendError with its code. */
async function call<T>(pending: Promise<Result<T, { code: string; message: string }>>): Promise<T> {
  let result: Result<T, { code: string; message: string }>;
  try {
    result = await pending;
  } catch (raw) {
    throw BackendError.from(raw);
  }
  if (result.status === 'error') throw BackendError.from(result.error);
  return result.data;
}

export class TauriBackend implements Backend {
  sessionInfo() {
    return call(earlySession() ?? commands.sessionInfo());
  }
  signIn(server: string, email: string, password: string) {
    return call(commands.signIn(server, email, password));
  }
  async signOut() {
    await call(commands.signOut());
  }

  lists() {
    return call(earlyLists() ?? commands.lists());
  }
  archiveRows(offset: number, limit: number) {
    return call(commands.archiveRows(offset, limit));
  }
  conversation(id: number) {
    return call(commands.conversation(id));
  }
  refreshConversation(id: number) {
    return call(commands.refreshConversation(id));
  }
  search(query: string) {
    return call(commands.search(query));
  }
  searchIn(conversationId: number, query: string) {
    return call(commands.searchIn(conversationId, query));
  }
  subjects() {
    return call(commands.subjects());
  }

  take(id: number) {
    return call(commands.take(id));
  }
  free(id: number) {
    return call(commands.free(id));
  }
  reopen(id: number) {
    return call(commands.reopen(id));
  }
  spam(id: number) {
    return call(commands.spam(id));
  }
  reply(id: number, body: string) {
    return call(commands.reply(id, body));
  }
  async typing(id: number) {
    await call(commands.typing(id));
  }
  note(id: number, body: string) {
    return call(commands.note(id, body));
  }
  end(id: number, subject: SubjectAnswer, mood: Mood) {
    return call(commands.end(id, subject, mood));
  }
  chooseFiles(id: number) {
    return call(commands.chooseFiles(id));
  }
  async attachFile(id: number, file: File): Promise<OutboxItem> {
    // The bytes go as the request's raw body (not a JSON array of numbers):
    // `attach_file` is outside the typed bindings for that reason.
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      return await invoke<OutboxItem>('attach_file', bytes, {
        headers: { 'x-conversation': String(id), 'x-file-name': encodeURIComponent(file.name || 'file') },
      });
    } catch (raw) {
      throw BackendError.from(raw);
    }
  }
  saveAttachment(id: number, name: string) {
    return call(commands.saveAttachment(id, name));
  }
  attachmentUrl(id: number, thumbnail: boolean) {
    // attachment://localhost/12 (http://attachment.localhost/12 on Windows).
    return convertFileSrc(String(id), 'attachment') + (thumbnail ? '/thumbnail' : '');
  }
  outbox() {
    return call(commands.outbox());
  }
  async dismiss(seq: number) {
    await call(commands.dismiss(seq));
  }

  connection() {
    return call(commands.connection());
  }
  settings() {
    return call(commands.settings());
  }
  language() {
    return call(commands.language());
  }
  async setSettings(settings: AppSettings) {
    await call(commands.setSettings(settings));
  }
  snooze(choice: Snooze) {
    return call(commands.snooze(choice));
  }
  async setView(focused: boolean, conversation: number | null) {
    await call(commands.setView(focused, conversation));
  }

  chatReport(from: string, to: string, agentId: number | null) {
    return call(commands.chatReport(from, to, agentId));
  }
  exportChatReport(from: string, to: string, agentId: number | null) {
    return call(commands.exportChatReport(from, to, agentId));
  }
  agents() {
    return call(commands.agents());
  }
  transfer(id: number, to: AgentRef, note: string | null) {
    return call(commands.transfer(id, to, note));
  }
  team() {
    return call(commands.team());
  }
  availability() {
    return call(commands.availability());
  }
  async setAvailability(availability: Availability) {
    await call(commands.setAvailability(availability));
  }
  async setCapacity(agent: number, capacity: number | null) {
    await call(commands.setCapacity(agent, capacity));
  }
  blockedCustomers() {
    return call(commands.blockedCustomers());
  }
  cannedReplies() {
    return call(commands.cannedReplies());
  }
  cannedText(conversationId: number, replyId: number) {
    return call(commands.cannedText(conversationId, replyId));
  }
  saveCannedReply(id: number | null, title: string, shortcut: string, body: string) {
    return call(commands.saveCannedReply(id, title, shortcut, body));
  }
  async deleteCannedReply(id: number) {
    await call(commands.deleteCannedReply(id));
  }
  eraseCustomer(customer: number) {
    return call(commands.eraseCustomer(customer));
  }
  unblock(customer: number) {
    return call(commands.unblock(customer));
  }
  async openLink(url: string) {
    await call(commands.openLink(url));
  }

  private handlers = new Set<(change: Change) => void>();
  private channel: Channel<Change> | null = null;

  onChange(handler: (change: Change) => void): () => void {
    this.handlers.add(handler);
    if (!this.channel) {
      // One subscription for the page's lifetime: it outlives sign-outs and sign-ins.
      const channel = new Channel<Change>();
      channel.onmessage = (change) => {
        for (const h of [...this.handlers]) h(change);
      };
      this.channel = channel;
      call(commands.changes(channel)).catch((e: unknown) => {
        this.channel = null;
        console.error('cannot subscribe to changes', e);
      });
    }
    return () => {
      this.handlers.delete(handler);
    };
  }
}
