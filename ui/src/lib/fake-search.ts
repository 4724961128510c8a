// Search as the engine answers it, for the in-memory backend: one hit per
// conversation, with highlighted snippets (case-insensitive substrings here;
// the engine uses its full-text index).
import type { ConversationSummary, ListName, Message, SearchHit, Segment, Snippet } from './types';

/** Splits `text` around case-insensitive matches of `q`. */
export function highlight(text: string, q: string): Segment[] {
  const out: Segment[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
    if (i > at) out.push({ text: text.slice(at, i), hit: false });
    out.push({ text: text.slice(i, i + q.length), hit: true });
    at = i + q.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}

/** A conversation search may find: its row, the list it is in, its lines. */
export interface Searchable {
  conversation: ConversationSummary;
  list: ListName;
  messages: Message[];
}

/** One hit per conversation (customer by name or email, or matching lines), newest match first, at most 100. */
export function searchHits(listed: Searchable[], query: string): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found: { hit: SearchHit; at: string }[] = [];
  for (const { conversation: c, list, messages } of listed) {
    const byName = c.customer.name.toLowerCase().includes(q) || !!c.customer.email?.toLowerCase().includes(q);
    const matching = messages.filter((m) => m.body.toLowerCase().includes(q));
    if (!byName && matching.length === 0) continue;
    const hit: SearchHit = {
      conversation: structuredClone(c),
      list,
      customer: byName
        ? { name: highlight(c.customer.name, q), email: c.customer.email ? highlight(c.customer.email, q) : null }
        : null,
      matches: matching.length,
      snippets: snippetsOf(matching.slice(0, 3), q),
    };
    const at = matching.at(-1)?.created_at ?? c.last_message_at ?? '';
    found.push({ hit, at });
  }
  found.sort((a, b) => b.at.localeCompare(a.at) || b.hit.conversation.id - a.hit.conversation.id);
  return found.slice(0, 100).map((f) => f.hit);
}

/** The lines of one conversation that match, in order. */
export function snippetsIn(messages: Message[], query: string): Snippet[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return snippetsOf(
    messages.filter((m) => m.body.toLowerCase().includes(q)),
    q,
  );
}

function snippetsOf(messages: Message[], q: string): Snippet[] {
  return messages.map((m) => ({
    message_id: m.id,
    author: m.author,
    segments: highlight(m.body, q),
    cut_start: false,
    cut_end: false,
  }));
}
