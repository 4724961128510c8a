import { render, screen, within } from '@testing-library/svelte';
import type { ComponentProps } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { BOB, summary } from '../lib/fixtures';
import ConversationRow from './ConversationRow.svelte';

const NOW = Date.parse('2026-03-12T10:05:00Z');

function row(props: Partial<ComponentProps<typeof ConversationRow>> = {}) {
  const onOpen = vi.fn();
  render(ConversationRow, { props: { c: summary(7), list: 'mine', selected: false, now: NOW, onOpen, ...props } });
  return { el: screen.getByTestId('row'), onOpen };
}

describe('list rows', () => {
  it('say "Conversation up to date" when no customer message waits', () => {
    const { el } = row({ c: summary(7, { unanswered: null }) });
    const status = within(el).getByTestId('row-status');
    expect(status).toHaveTextContent('Conversation up to date');
    expect(status).not.toHaveClass('unanswered');
  });

  it('show the waiting customer message in red with how long it has waited', () => {
    const { el } = row({
      c: summary(7, { unanswered: { body: 'Where is my parcel?', waiting_since: '2026-03-12T10:02:00Z' } }),
    });
    const status = within(el).getByTestId('row-status');
    expect(status).toHaveTextContent('Where is my parcel?');
    expect(status).toHaveTextContent('waiting 3 min');
    expect(status).toHaveClass('unanswered');
  });

  it('show the customer name and email, or phone', () => {
    const { el } = row({
      c: summary(7, { customer: { ...summary(7).customer, name: 'Ana', email: null, phone: '+46701234567' } }),
    });
    expect(el).toHaveTextContent('Ana');
    expect(el).toHaveTextContent('+46701234567');
  });

  it('mark queue rows for the yellow background, and only those', () => {
    expect(row({ list: 'queue' }).el).toHaveClass('queue');
    document.body.innerHTML = '';
    expect(row({ list: 'mine' }).el).not.toHaveClass('queue');
  });

  it('label archived rows « Closed » with the close date and time', () => {
    const { el } = row({
      list: 'archive',
      c: summary(7, {
        state: 'archived',
        closure: { closed_at: '2026-03-11T16:45:00Z', closed_by: BOB, questionnaire: { subject: 'dont_know', mood: 'happy' } },
      }),
    });
    const closed = within(el).getByTestId('row-closed');
    expect(closed).toHaveTextContent('Closed');
    const time = closed.querySelector('time');
    expect(time).toHaveAttribute('datetime', '2026-03-11T16:45:00Z');
    const local = new Date('2026-03-11T16:45:00Z');
    expect(time?.textContent).toContain(`${String(local.getHours()).padStart(2, '0')}:45`);
    expect(time?.textContent).toContain(String(local.getDate()));
    expect(within(el).queryByTestId('row-status')).toBeNull();
  });

  it('carry the test hooks and open on click', async () => {
    const { el, onOpen } = row({ list: 'queue', selected: true });
    expect(el).toHaveAttribute('data-id', '7');
    expect(el).toHaveAttribute('data-list', 'queue');
    expect(el).toHaveAttribute('aria-current', 'true');
    el.click();
    expect(onOpen).toHaveBeenCalledWith(7);
  });

  it('update the waiting time as the clock moves', async () => {
    const onOpen = vi.fn();
    const c = summary(7, { unanswered: { body: 'Hi', waiting_since: '2026-03-12T10:02:00Z' } });
    const { rerender } = render(ConversationRow, { props: { c, list: 'mine', selected: false, now: NOW, onOpen } });
    expect(screen.getByTestId('row-status')).toHaveTextContent('waiting 3 min');
    await rerender({ c, list: 'mine', selected: false, now: NOW + 5 * 60_000, onOpen });
    expect(screen.getByTestId('row-status')).toHaveTextContent('waiting 8 min');
  });
});
