// Moves changed rows into the lists as the engine reports them (a `rows` change),
// in the order the cache reads them: the queue oldest wait first (customers not
// waiting after them, latest message first); the other open lists by latest
// message, newest first; "Archived" by when it was closed, most recent first;
// ties by id (the queue's waiting rows lowest first, everything else highest
// first). Only the archive's first rows are held here (the rest come by page).
import type { ConversationSummary, ListRow, Lists } from './types';

/** Archived rows the lists bring (the engine's ARCHIVE_HEAD). */
export const ARCHIVE_HEAD = 100;

/** Whether `a` comes before `b`. */
type Before = (a: ConversationSummary, b: ConversationSummary) => boolean;

const time = (t: string | null | undefined): number => (t ? Date.parse(t) : -Infinity);

/** Newest first by `key` (missing times last), ties by id, highest first. */
const newestBy =
  (key: (c: ConversationSummary) => string | null | undefined): Before =>
  (a, b) => {
    const ta = time(key(a));
    const tb = time(key(b));
    return ta !== tb ? ta > tb : a.id > b.id;
  };

const byLatest = newestBy((c) => c.last_message_at);
const byClosed = newestBy((c) => c.closure?.closed_at);

/** The queue: the longest wait first, ties by id, lowest first; then the
 * customers waiting for nothing, by latest message. */
export const byWait: Before = (a, b) => {
  const wa = a.unanswered?.waiting_since;
  const wb = b.unanswered?.waiting_since;
  if (wa && wb) return time(wa) !== time(wb) ? time(wa) < time(wb) : a.id < b.id;
  if (wa || wb) return !!wa;
  return byLatest(a, b);
};

/** Where `c` goes in `rows` sorted by `before`. */
function position(rows: ConversationSummary[], c: ConversationSummary, before: Before): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(rows[mid], c)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Patched {
  lists: Lists;
  /** "Archived" changed: rows past its head may have moved, so the pages
   * fetched so far are stale. */
  archiveMoved: boolean;
}

/** The lists with `rows` moved into place (or out), and the archive's new size. */
export function patchLists(lists: Lists, rows: ListRow[], archiveTotal: number): Patched {
  const ids = new Set(rows.map((r) => r.id));
  const keep = (list: ConversationSummary[]) =>
    list.some((c) => ids.has(c.id)) ? list.filter((c) => !ids.has(c.id)) : list;
  // The head held the whole archive: a row closed before all of it is its last.
  const complete = lists.archive.length >= lists.archive_total;
  const next: Lists = {
    mine: keep(lists.mine),
    queue: keep(lists.queue),
    others: keep(lists.others),
    archive: keep(lists.archive),
    archive_total: archiveTotal,
  };
  let archiveMoved = archiveTotal !== lists.archive_total || next.archive !== lists.archive;
  for (const { listed } of rows) {
    if (!listed) continue;
    const { list, summary } = listed;
    if (list === 'archive') {
      archiveMoved = true;
      const head = next.archive === lists.archive ? [...lists.archive] : next.archive;
      const at = position(head, summary, byClosed);
      if (at < head.length || complete) head.splice(at, 0, summary);
      next.archive = head.slice(0, ARCHIVE_HEAD);
    } else {
      const rowsOf = next[list] === lists[list] ? [...lists[list]] : next[list];
      rowsOf.splice(position(rowsOf, summary, list === 'queue' ? byWait : byLatest), 0, summary);
      next[list] = rowsOf;
    }
  }
  return { lists: next, archiveMoved };
}
