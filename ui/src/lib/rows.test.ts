import { describe, expect, it } from 'vitest';
import { summary } from './fixtures';
import { ARCHIVE_HEAD, patchLists } from './rows';
import type { ConversationSummary, Lists } from './types';

const ME = { id: 1, name: 'Alice' };
const at = (minute: number) => new Date(Date.UTC(2026, 2, 12, 9, minute)).toISOString();
const open = (id: number, minute: number, o: Partial<ConversationSummary> = {}) =>
  summary(id, { last_message_at: at(minute), ...o });
const closed = (id: number, minute: number) =>
  summary(id, {
    state: 'archived',
    closure: { closed_at: at(minute), closed_by: ME, questionnaire: { subject: 'dont_know', mood: 'dont_know' } },
  });
const ids = (rows: ConversationSummary[]) => rows.map((c) => c.id);

function lists(o: Partial<Lists> = {}): Lists {
  const archive = o.archive ?? [closed(20, 30), closed(21, 20)];
  return {
    mine: [open(10, 50, { state: 'occupied', occupant: ME })],
    queue: [open(1, 40), open(3, 30), open(2, 30), open(4, 10)],
    others: [],
    archive,
    archive_total: archive.length,
    ...o,
  };
}

describe('moving changed rows into the lists', () => {
  it('puts a row with a new message at the top of its list and leaves the other lists as they were', () => {
    const before = lists();
    const { lists: after, archiveMoved } = patchLists(
      before,
      [{ id: 4, listed: { list: 'queue', summary: open(4, 59) } }],
      2,
    );
    expect(ids(after.queue)).toEqual([4, 1, 3, 2]);
    expect(after.mine).toBe(before.mine);
    expect(after.archive).toBe(before.archive);
    expect(archiveMoved).toBe(false);
    expect(ids(before.queue)).toEqual([1, 3, 2, 4]);
  });

  it('orders equal times by id, highest first, as the cache does', () => {
    const { lists: after } = patchLists(lists(), [{ id: 5, listed: { list: 'queue', summary: open(5, 30) } }], 2);
    expect(ids(after.queue)).toEqual([1, 5, 3, 2, 4]);
  });

  it('serves the queue oldest wait first, ties by id lowest first, then those waiting for nothing', () => {
    const waiting = (id: number, since: number, last = 55) =>
      open(id, last, { unanswered: { body: 'hello?', waiting_since: at(since) } });
    const queue = [waiting(7, 5), waiting(8, 20), open(1, 40), open(4, 10)];
    const { lists: after } = patchLists(
      lists({ queue }),
      [
        // A new wait (the newest), one as old as 8's, and 1 now waiting longest of all.
        { id: 9, listed: { list: 'queue', summary: waiting(9, 50) } },
        { id: 6, listed: { list: 'queue', summary: waiting(6, 20) } },
        { id: 1, listed: { list: 'queue', summary: waiting(1, 1, 40) } },
      ],
      2,
    );
    expect(ids(after.queue)).toEqual([1, 7, 6, 8, 9, 4]);
  });

  it('moves a taken row from the queue into mine, and drops one that left every list', () => {
    const taken = open(2, 30, { state: 'occupied', occupant: ME });
    const { lists: after } = patchLists(
      lists(),
      [
        { id: 2, listed: { list: 'mine', summary: taken } },
        { id: 3, listed: null },
      ],
      2,
    );
    expect(ids(after.queue)).toEqual([1, 4]);
    expect(ids(after.mine)).toEqual([10, 2]);
  });

  it('puts an ended conversation at the top of the archive, counts it, and keeps the head at its size', () => {
    const head = Array.from({ length: ARCHIVE_HEAD }, (_, i) => closed(100 + i, 58 - i * 0.5));
    const { lists: after, archiveMoved } = patchLists(
      lists({ archive: head, archive_total: 500 }),
      [{ id: 10, listed: { list: 'archive', summary: closed(10, 59) } }],
      501,
    );
    expect(after.mine).toEqual([]);
    expect(after.archive).toHaveLength(ARCHIVE_HEAD);
    expect(after.archive[0].id).toBe(10);
    expect(after.archive[ARCHIVE_HEAD - 1].id).toBe(100 + ARCHIVE_HEAD - 2);
    expect(after.archive_total).toBe(501);
    expect(archiveMoved).toBe(true);
  });

  it('leaves a row closed before the whole head to its page, unless the head is the whole archive', () => {
    const old = closed(30, 1);
    const partial = patchLists(
      lists({ archive_total: 300 }),
      [{ id: 30, listed: { list: 'archive', summary: old } }],
      301,
    );
    expect(ids(partial.lists.archive)).toEqual([20, 21]);
    expect(partial.archiveMoved).toBe(true);
    const whole = patchLists(lists(), [{ id: 30, listed: { list: 'archive', summary: old } }], 3);
    expect(ids(whole.lists.archive)).toEqual([20, 21, 30]);
  });

  it('says the archive moved when a row left it from past the head', () => {
    const { lists: after, archiveMoved } = patchLists(
      lists({ archive_total: 300 }),
      [{ id: 250, listed: { list: 'mine', summary: open(250, 59, { state: 'occupied', occupant: ME }) } }],
      299,
    );
    expect(archiveMoved).toBe(true);
    expect(ids(after.mine)).toEqual([250, 10]);
  });
});
