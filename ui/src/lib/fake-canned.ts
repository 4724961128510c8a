// Canned replies as the server keeps them and the engine fills them in, for
// the in-memory backend: the same checks and codes, by shortcut.
import { BackendError } from './backend';
import type { CannedReply } from './types';

const PLACEHOLDERS = ['{customer.name}', '{agent.name}'];

/** `body` with the placeholders filled; the values are not read again. */
export function fillPlaceholders(body: string, customer: string, agent: string): string {
  return body.replace(/\{customer\.name\}|\{agent\.name\}/g, (p) => (p === '{customer.name}' ? customer : agent));
}

export class FakeCanned {
  replies: CannedReply[] = [];
  private nextId = 1;

  constructor(replies: Omit<CannedReply, 'id' | 'updated_at'>[] = []) {
    for (const r of replies) this.save(null, r.title, r.shortcut, r.body, false);
  }

  list(): CannedReply[] {
    return structuredClone(this.replies).sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  }

  find(id: number): CannedReply {
    const r = this.replies.find((x) => x.id === id);
    if (!r) throw new BackendError('not_found', 'no such canned reply');
    return r;
  }

  /** Adds or changes one, refused as the server would. */
  save(id: number | null, title: string, shortcut: string, body: string, check = true): CannedReply {
    const t = title.trim();
    const s = shortcut.trim().toLowerCase();
    if (check) {
      if (!t) throw new BackendError('invalid_field', 'title must not be blank');
      if (!/^[a-z0-9_-]{1,32}$/.test(s)) {
        throw new BackendError('invalid_field', 'shortcut must be 1 to 32 letters, digits, - or _');
      }
      if (!body.trim()) throw new BackendError('invalid_field', 'body: must not be blank');
      const unknown = (body.match(/\{[A-Za-z0-9._]+\}/g) ?? []).find((p) => !PLACEHOLDERS.includes(p));
      if (unknown) throw new BackendError('invalid_field', `body: unknown placeholder ${unknown}`);
      if (this.replies.some((r) => r.shortcut === s && r.id !== id)) {
        throw new BackendError('shortcut_taken', `the shortcut /${s} is taken`);
      }
    }
    const reply = { id: id ?? this.nextId++, title: t, shortcut: s, body, updated_at: new Date().toISOString() };
    if (id !== null) this.find(id);
    this.replies = [...this.replies.filter((r) => r.id !== id), reply];
    return structuredClone(reply);
  }

  delete(id: number): void {
    this.find(id);
    this.replies = this.replies.filter((r) => r.id !== id);
  }
}
