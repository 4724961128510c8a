// The archive list past its first page: rows fetched a page at a time as the
// list shows them, kept on screen while a fresher copy is fetched after the
// archive changed (so scrolling never flashes empty rows), and never taken as
// fresh when fetched across a change.
import type { Backend } from './backend';
import { ARCHIVE_HEAD } from './rows';
import type { ConversationSummary } from './types';

/** Archived rows per request: the lists bring the first page, scrolling the rest. */
export const ARCHIVE_PAGE = ARCHIVE_HEAD;

export class ArchivePages {
  /** Archived rows past the first page, by page. */
  pages = $state.raw(new Map<number, ConversationSummary[]>());
  // Pages being fetched, and pages fetched before the archive last changed
  // (still shown until their fresh copy arrives).
  private loading = new Set<number>();
  private stale = new Set<number>();
  /** Counts the archive's changes: a page fetched across one is fetched again. */
  private generation = 0;

  constructor(private backend: Backend) {}

  /** Row `i` of the archive whose first page is `head`, or undefined while its
   * page is fetched (asked for here: the list calls this for the rows it shows). */
  at(head: ConversationSummary[], i: number): ConversationSummary | undefined {
    if (i < head.length) return head[i];
    const page = Math.floor(i / ARCHIVE_PAGE);
    const rows = this.pages.get(page);
    if (!rows || this.stale.has(page)) void this.load(page);
    return rows?.[i - page * ARCHIVE_PAGE];
  }

  /** Where a conversation is in the archive rows loaded so far, or -1. */
  indexOf(head: ConversationSummary[], id: number): number {
    const first = head.findIndex((c) => c.id === id);
    if (first >= 0) return first;
    for (const [page, rows] of this.pages) {
      const at = rows.findIndex((c) => c.id === id);
      if (at >= 0) return page * ARCHIVE_PAGE + at;
    }
    return -1;
  }

  /** The rows after `head` loaded without a gap. */
  loaded(): ConversationSummary[] {
    const rows: ConversationSummary[] = [];
    for (let page = 1; this.pages.has(page); page++) rows.push(...this.pages.get(page)!);
    return rows;
  }

  /** The archive changed: pages already fetched stay on screen; those the list
   * shows again are fetched afresh (at), the others dropped when beyond the end. */
  changed(total: number): void {
    this.generation++;
    for (const page of this.pages.keys()) this.stale.add(page);
    if ([...this.pages.keys()].some((p) => p * ARCHIVE_PAGE >= total)) {
      this.pages = new Map([...this.pages].filter(([p]) => p * ARCHIVE_PAGE < total));
    }
  }

  private async load(page: number): Promise<void> {
    if (this.loading.has(page)) return;
    this.loading.add(page);
    const generation = this.generation;
    let again = false;
    try {
      const rows = await this.backend.archiveRows(page * ARCHIVE_PAGE, ARCHIVE_PAGE);
      // Rows from before the archive changed are shown, but never taken as fresh.
      again = generation !== this.generation;
      if (!again) this.stale.delete(page);
      this.pages = new Map(this.pages).set(page, rows);
    } catch {
      // Asked again the next time the list shows the row.
    } finally {
      this.loading.delete(page);
    }
    if (again) void this.load(page);
  }
}
