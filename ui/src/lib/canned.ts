// The composer's canned-reply picker: where a `/shortcut` is being typed, and
// which replies it matches (fuzzy, on the shortcut and the title, best first).
import fuzzysort from 'fuzzysort';
import type { CannedReply, Segment } from './types';

/** Most replies the picker lists at once. */
export const PICKER_LIMIT = 8;

/** A `/` typed at the start or after a space, and what follows it up to the caret. */
export interface SlashQuery {
  /** Where the `/` is. */
  start: number;
  /** The text after it (no spaces), possibly empty. */
  query: string;
}

/** The `/query` that ends at `caret` in `text`, if one is being typed there. */
export function slashQuery(text: string, caret: number): SlashQuery | null {
  const before = text.slice(0, caret);
  const m = /(?:^|\s)\/([^\s/]*)$/.exec(before);
  if (!m) return null;
  return { start: caret - m[1].length - 1, query: m[1] };
}

/** A reply the picker lists, with the matched letters marked. */
export interface CannedMatch {
  reply: CannedReply;
  shortcut: Segment[];
  title: Segment[];
}

/** `text` cut into marked and unmarked runs; `indexes` are UTF-16 positions
 * (fuzzysort's). Letters outside the BMP are never cut in two. */
function marked(text: string, indexes: ReadonlyArray<number> | undefined): Segment[] {
  const hits = new Set(indexes ?? []);
  const out: Segment[] = [];
  let i = 0;
  for (const ch of text) {
    const hit = hits.has(i);
    i += ch.length;
    const last = out[out.length - 1];
    if (last && last.hit === hit) last.text += ch;
    else out.push({ text: ch, hit });
  }
  return out;
}

/** The replies `query` matches: all by shortcut when it is empty, else
 * fuzzy on shortcut and title (letters in order, gaps allowed), best first. */
export function matchCanned(replies: CannedReply[], query: string, limit = PICKER_LIMIT): CannedMatch[] {
  if (!query) {
    return [...replies]
      .sort((a, b) => a.shortcut.localeCompare(b.shortcut))
      .slice(0, limit)
      .map((reply) => ({ reply, shortcut: marked(reply.shortcut, []), title: marked(reply.title, []) }));
  }
  return fuzzysort
    .go(query, replies, { keys: ['shortcut', 'title'], limit, threshold: 0 })
    .map((r) => ({
      reply: r.obj,
      shortcut: marked(r.obj.shortcut, r[0]?.indexes),
      title: marked(r.obj.title, r[1]?.indexes),
    }));
}

/** `text` with the `/query` at `at` replaced by `inserted`; where the caret goes. */
export function insertCanned(
  text: string,
  at: SlashQuery,
  inserted: string,
): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const out = text.slice(0, at.start) + inserted + text.slice(end);
  return { text: out, caret: at.start + inserted.length };
}
