import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import ListSection from './ListSection.svelte';

const ROWS = 10_000;
const items = Array.from({ length: ROWS }, (_, i) => summary(i + 1));

function scrollerOf(height: number) {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientHeight', { value: height });
  el.getBoundingClientRect = () => ({ top: 0 }) as DOMRect;
  document.body.append(el);
  return el;
}

afterEach(() => vi.restoreAllMocks());

describe('virtualized lists', () => {
  it('put only a window of 10,000 rows in the DOM, sized for all of them', () => {
    render(ListSection, {
      props: { name: 'archive', title: 'Archived', items, selectedId: null, scroller: undefined, layout: 0, onOpen: () => {} },
    });
    const rows = screen.getAllByTestId('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]).toHaveAttribute('data-id', '1');
    const list = screen.getByRole('list', { name: 'Archived' });
    expect(parseInt(list.style.height)).toBe(ROWS * 76);
    expect(screen.getAllByRole('listitem')[0]).toHaveAttribute('aria-setsize', String(ROWS));
    expect(screen.getByTestId('list-archive')).toHaveTextContent(new RegExp(`Archived\\s*${ROWS} conversations`));
  });

  it('render the rows scrolled to, and drop the others', async () => {
    const scroller = scrollerOf(760);
    render(ListSection, {
      props: { name: 'archive', title: 'Archived', items, selectedId: null, scroller, layout: 0, onOpen: () => {} },
    });
    expect(screen.getAllByTestId('row')[0]).toHaveAttribute('data-id', '1');

    // Scrolled so that row 5,000 (index 4,999) is at the top of the viewport.
    vi.spyOn(HTMLUListElement.prototype, 'getBoundingClientRect').mockReturnValue({ top: -4_999 * 76 } as DOMRect);
    scroller.dispatchEvent(new Event('scroll'));
    await settle();

    const ids = screen.getAllByTestId('row').map((r) => Number(r.dataset.id));
    expect(ids).toContain(5_000);
    expect(ids).toContain(5_009);
    expect(ids).not.toContain(1);
    expect(ids.length).toBeLessThan(40);
    const first = screen.getAllByRole('listitem')[0];
    expect(parseInt(first.style.top)).toBe((ids[0] - 1) * 76);
  });

  it('say so when a list is empty', () => {
    render(ListSection, {
      props: { name: 'mine', title: 'My conversations', items: [], selectedId: null, scroller: undefined, layout: 0, onOpen: () => {} },
    });
    expect(screen.getByTestId('list-mine')).toHaveTextContent('None');
  });
});
