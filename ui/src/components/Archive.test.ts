// The archive list of a large cache: its first page comes with the lists, the
// rest a page at a time as the agent scrolls, against the in-memory backend.
import { render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import type { ConversationSummary } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

const ROWS = 250;

/** Conversation `i` (1-based) was closed `i` minutes before the newest. */
function archived(): ConversationSummary[] {
  return Array.from({ length: ROWS }, (_, i) =>
    summary(i + 1, {
      state: 'archived',
      closure: {
        closed_at: new Date(Date.UTC(2026, 10, 1) - i * 60_000).toISOString(),
        closed_by: { id: ALICE.id, name: ALICE.name },
        questionnaire: { subject: 'dont_know', mood: 'dont_know' },
      },
    }),
  );
}

const rowIds = () =>
  within(screen.getByTestId('list-archive'))
    .queryAllByTestId('row')
    .map((r) => Number(r.dataset.id));

/** Scrolls the sidebar so that archive row `index` is at the top. */
async function scrollTo(index: number) {
  const scroller = document.querySelector<HTMLElement>('.scroller')!;
  const list = within(screen.getByTestId('list-archive')).getByRole('list');
  vi.spyOn(list, 'getBoundingClientRect').mockReturnValue({ top: -index * 76 } as DOMRect);
  scroller.dispatchEvent(new Event('scroll'));
  await settle();
}

afterEach(() => vi.restoreAllMocks());

describe('the archive of a large cache', () => {
  it('counts every row, fetches pages as they are scrolled to, and opens the last one', async () => {
    const backend = new FakeBackend({ conversations: archived() });
    const asked: [number, number][] = [];
    const rows = backend.archiveRows.bind(backend);
    let release: () => void = () => {};
    let gate = Promise.resolve();
    backend.archiveRows = async (offset, limit) => {
      asked.push([offset, limit]);
      await gate;
      return rows(offset, limit);
    };
    render(App, { props: { backend } });
    await settle();

    expect(within(screen.getByTestId('list-archive')).getByRole('heading')).toHaveTextContent(
      new RegExp(`^Archived\\s*${ROWS} conversations$`),
    );
    expect(rowIds()[0]).toBe(1);
    expect(asked).toEqual([]);

    // Past the first page: placeholders while the page is on its way.
    gate = new Promise((r) => (release = r));
    await scrollTo(ROWS - 5);
    expect(asked).toEqual([[200, 100]]);
    expect(rowIds()).toEqual([]);
    expect(screen.getAllByTestId('row-loading').length).toBeGreaterThan(0);
    release();
    await settle();
    expect(rowIds()).toContain(ROWS);
    expect(screen.queryAllByTestId('row-loading')).toEqual([]);

    // The last row opens.
    document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${ROWS}"]`)!.click();
    await settle();
    expect(screen.getByTestId('conversation')).toHaveTextContent(`Customer ${ROWS}`);
  });

  it('keeps fetched rows on screen when the lists change, and fetches them afresh', async () => {
    const backend = new FakeBackend({ conversations: archived() });
    render(App, { props: { backend } });
    await settle();
    await scrollTo(150);
    expect(rowIds()).toContain(151);
    const spy = vi.spyOn(backend, 'archiveRows');
    backend.emit({ type: 'lists' });
    await settle();
    expect(screen.queryAllByTestId('row-loading')).toEqual([]);
    expect(spy).toHaveBeenCalledWith(100, 100);
    expect(rowIds()).toContain(151);
  });

  it('fetches a page again when the lists changed while it was on its way', async () => {
    const backend = new FakeBackend({ conversations: archived() });
    const rows = backend.archiveRows.bind(backend);
    let release: () => void = () => {};
    const asked: number[] = [];
    backend.archiveRows = async (offset, limit) => {
      asked.push(offset);
      if (asked.length === 1) await new Promise<void>((r) => (release = r));
      return rows(offset, limit);
    };
    render(App, { props: { backend } });
    await settle();
    await scrollTo(150);
    expect(asked).toEqual([100]);
    // The lists change while the page is on its way.
    backend.emit({ type: 'lists' });
    await settle();
    release();
    await settle();
    expect(asked).toEqual([100, 100]);
    expect(screen.queryAllByTestId('row-loading')).toEqual([]);
  });

  it('shows the first sync\'s progress against the server\'s count, and hides it when done', async () => {
    const backend = new FakeBackend({ conversations: archived() });
    render(App, { props: { backend } });
    await settle();
    expect(screen.queryByTestId('backfill')).toBeNull();
    backend.emit({ type: 'backfill', fetched: 4200, total: 10000, done: false });
    await settle();
    const note = screen.getByTestId('backfill');
    expect(note).toHaveAttribute('role', 'status');
    expect(note).toHaveTextContent(/^Downloading the archive: 4,200 of 10,000$/);
    expect(note.querySelector('progress')).toHaveProperty('value', 4200);
    backend.emit({ type: 'backfill', fetched: 10000, total: 10000, done: true });
    await settle();
    expect(screen.queryByTestId('backfill')).toBeNull();
  });

  it('draws the first screen from the lists asked for beside the session', async () => {
    const backend = new FakeBackend({ conversations: archived() });
    const lists = backend.lists.bind(backend);
    let calls = 0;
    // Only the first call answers: the rows on screen come from it.
    backend.lists = () => (++calls === 1 ? lists() : new Promise(() => {}));
    render(App, { props: { backend } });
    await settle();
    expect(calls).toBe(2);
    expect(rowIds()[0]).toBe(1);
  });
});
