// Moves changed rows into the lists as the engine reports them (a `rows` change),
// in the order the cache reads them: the open lists by latest message, newest
// first; "Archived" by when it was closed, most recent first; ties by id, highest
// first. Only the archive's first rows are held here (the rest come by page).
import type { ConversationSummary, ListRow, Lists } from './types';

/** Archived rows the lists bring (the engine's ARCHIVE_HEAD). */
export const ARCHIVE_HEAD = 100;

type Key = (c: ConversationSummary) => string | null | undefined;

const byLatest: Key = (c) => c.last_message_at;
const byClosed: Key = (c) => c.closure?.closed_at;

/** Whether `a` comes before `b` in a list sorted by `key` (missing times last). */
function before(a: ConversationSummary, b: ConversationSummary, key: Key): boolean {
  const ta = key(a);
  const tb = key(b);
  const ma = ta ? Date.parse(ta) : -Infinity;
  const mb = tb ? Date.parse(tb) : -Infinity;
  return ma !== mb ? ma > mb : a.id > b.id;
}

/** Where `c` goes in `rows` sorted by `key`. */
function position(rows: ConversationSummary[], c: ConversationSummary, key: Key): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(rows[mid], c, key)) lo = mid + 1;
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
      rowsOf.splice(position(rowsOf, summary, byLatest), 0, summary);
      next[list] = rowsOf;
    }
  }
  return { lists: next, archiveMoved };
}
