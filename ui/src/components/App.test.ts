// The app as an agent uses it, against the in-memory backend: the lists, a
// conversation, the Actions menu, the archive, customer text.
import { screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ALICE } from '../lib/fake-backend';
import { settle } from '../test-utils';
import { HOSTILE, openConversation, row, start } from './app-fixture';

describe('the lists', () => {
  it('show the three lists with counts, the queue in yellow', async () => {
    await start();
    const heading = (list: string) => within(screen.getByTestId(`list-${list}`)).getByRole('heading');
    expect(heading('mine')).toHaveTextContent(/^My conversations\s*1 conversation$/);
    expect(heading('queue')).toHaveTextContent(/^Conversations not assigned\s*1 conversation$/);
    expect(heading('archive')).toHaveTextContent(/^Archived\s*2 conversations$/);
    expect(screen.queryByTestId('list-others')).toBeNull();
    expect(row(2)).toHaveClass('queue');
    expect(row(2)).toHaveAttribute('data-list', 'queue');
    expect(within(row(1)).getByTestId('row-status')).toHaveTextContent(/Are you there\?.*waiting 4 min/);
    expect(within(row(4)).getByTestId('row-closed')).toHaveTextContent('Closed');
  });

  it("show supervisors « Others' conversations »", async () => {
    await start({ me: { ...ALICE, role: 'supervisor' } });
    const others = screen.getByTestId('list-others');
    expect(others).toHaveTextContent("Others' conversations");
    expect(within(others).getAllByTestId('row').map((r) => r.dataset.id)).toEqual(['3']);
  });

  it('follow change events, moving only the rows they touch', async () => {
    const { backend } = await start();
    const reads = backend.callsTo('lists').length;
    backend.post(2, 'customer', 'Anyone?');
    await settle();
    expect(within(row(2)).getByTestId('row-status')).toHaveTextContent('Anyone?');
    // Another agent took it: it leaves this agent's lists.
    backend.emit({ type: 'rows', rows: [{ id: 2, listed: null }], archive_total: 2 });
    await settle();
    expect(row(2)).toBeNull();
    expect(within(screen.getByTestId('list-queue')).getByRole('heading')).toHaveTextContent(/0 conversations$/);
    expect(backend.callsTo('lists').length).toBe(reads);
  });

  it('keep a row moved while the lists were being read, rather than the older read', async () => {
    const { backend } = await start();
    const read = backend.lists.bind(backend);
    let release: () => void = () => {};
    backend.lists = async () => {
      const lists = await read();
      await new Promise<void>((r) => (release = r));
      return lists;
    };
    backend.emit({ type: 'lists' });
    await settle();
    backend.post(2, 'customer', 'Anyone?');
    await settle();
    release();
    await settle();
    expect(within(row(2)).getByTestId('row-status')).toHaveTextContent('Anyone?');
  });
});

describe('a conversation', () => {
  it('opens from its row and tells the backend which one is on screen', async () => {
    const { backend } = await start();
    const view = await openConversation(1);
    expect(view).toHaveAttribute('data-id', '1');
    expect(row(1)).toHaveAttribute('aria-current', 'true');
    expect(backend.callsTo('setView').at(-1)?.[1]).toBe(1);
    const lines = within(view).getAllByTestId('message');
    expect(lines.map((l) => l.dataset.author)).toEqual(['customer', 'system', 'agent']);
    expect(lines[2]).toHaveTextContent('Alice');
    expect(view).toHaveTextContent('Web chat');
  });

  it('lets only the occupant reply; others may write internal notes', async () => {
    await start({ me: { ...ALICE, role: 'supervisor' } });
    await openConversation(1);
    expect(screen.getByTestId('compose-reply')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('send')).toHaveTextContent('Send');
    await openConversation(2);
    expect(screen.queryByTestId('compose-reply')).toBeNull();
    expect(screen.getByTestId('composer').closest('form')).toHaveAttribute('data-kind', 'note');
    expect(screen.getByTestId('send')).toHaveTextContent('Add note');
    expect(screen.getByTestId('take')).toBeInTheDocument();
    await openConversation(3);
    expect(screen.queryByTestId('compose-reply')).toBeNull();
    expect(screen.getByTestId('composer').closest('form')).toHaveAttribute('data-kind', 'note');
    expect(screen.getByTestId('conversation')).toHaveTextContent('Occupied by Bob');
  });

  it('sends with Enter, keeps Shift+Enter for a new line, and shows the reply pending until delivered', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    const composer = screen.getByTestId('composer');
    await user.type(composer, 'First line{Shift>}{Enter}{/Shift}second line');
    expect(backend.callsTo('reply')).toEqual([]);
    await user.keyboard('{Enter}');
    await settle();
    expect(backend.callsTo('reply')).toEqual([[1, 'First line\nsecond line']]);
    expect(composer).toHaveValue('');
    const pending = screen.getByTestId('outbox-pending');
    expect(pending).toHaveTextContent('Sending…');
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(screen.queryByTestId('outbox-pending')).toBeNull();
    expect(screen.getAllByTestId('message').at(-1)).toHaveTextContent('First line second line');
    await user.type(composer, 'Again{Control>}{Enter}{/Control}');
    await settle();
    expect(backend.callsTo('reply').at(-1)).toEqual([1, 'Again']);
  });

  it('shows a failed reply in red with its reason, until dismissed', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    await user.type(screen.getByTestId('composer'), 'Too late{Enter}');
    await settle();
    backend.fail(backend.queued[0].seq, 'not_occupant', 'Only the occupant may reply');
    await settle();
    const failed = screen.getByTestId('outbox-failed');
    expect(failed).toHaveTextContent('Too late');
    expect(failed).toHaveTextContent('Only the occupant may reply');
    await user.click(within(failed).getByRole('button', { name: 'Dismiss' }));
    await settle();
    expect(screen.queryByTestId('outbox-failed')).toBeNull();
    expect(backend.callsTo('dismiss')).toHaveLength(1);
  });

  it('says prominently when another agent took it first', async () => {
    const { backend, user } = await start();
    await openConversation(2);
    await user.click(screen.getByTestId('take'));
    await settle();
    expect(backend.callsTo('take')).toEqual([[2]]);
    expect(screen.getByTestId('take')).toBeDisabled();
    expect(screen.getByTestId('outbox-pending')).toHaveTextContent('Take: Sending…');
    backend.fail(backend.queued[0].seq, 'conversation_taken', 'Bob has already taken this conversation');
    await settle();
    const notice = screen.getByTestId('notice');
    expect(notice).toHaveAttribute('role', 'alert');
    expect(notice).toHaveTextContent('Bob has already taken this conversation');
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    await settle();
    expect(screen.queryByTestId('notice')).toBeNull();
  });

  it('keeps a lost race on screen when the conversation leaves the lists', async () => {
    const { backend, user } = await start();
    await openConversation(2);
    await user.click(screen.getByTestId('take'));
    await settle();
    // The engine drops a conversation another agent now occupies, and keeps the
    // refused take in its outbox.
    backend.conversations.delete(2);
    backend.fail(backend.queued[0].seq, 'conversation_taken', 'Bob has already taken this conversation');
    await settle();
    expect(screen.getByTestId('gone')).toHaveTextContent('no longer in your lists');
    expect(screen.getByTestId('notice')).toHaveTextContent('Bob has already taken this conversation');
    expect(screen.queryByTestId('take')).toBeNull();
    expect(screen.queryByTestId('composer')).toBeNull();
  });

  it('moves to My conversations once taken', async () => {
    const { backend, user } = await start();
    await openConversation(2);
    await user.click(screen.getByTestId('take'));
    await settle();
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(row(2)).toHaveAttribute('data-list', 'mine');
    expect(screen.getByTestId('composer')).toBeInTheDocument();
    expect(screen.getAllByTestId('message').at(-1)).toHaveTextContent('Taken by Alice');
  });

  it('opens the earlier conversation of the same customer', async () => {
    const { user } = await start();
    await openConversation(1);
    await user.click(screen.getByRole('button', { name: 'Earlier conversation' }));
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '4');
  });
});

describe('the Actions menu', () => {
  it('frees the conversation', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    await user.click(screen.getByTestId('actions'));
    expect(screen.getByRole('menu')).toBeInTheDocument();
    await user.click(screen.getByTestId('action-free'));
    await settle();
    expect(backend.callsTo('free')).toEqual([[1]]);
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(row(1)).toHaveAttribute('data-list', 'queue');
    expect(within(screen.getByTestId('list-mine')).queryAllByTestId('row')).toHaveLength(0);
  });

  it('ends with the questionnaire and moves the conversation to Archived', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    await user.click(screen.getByTestId('actions'));
    await user.click(screen.getByTestId('action-end'));
    await settle();
    await user.selectOptions(screen.getByTestId('end-subject'), 'Shipping');
    await user.selectOptions(screen.getByTestId('end-mood'), 'Happy');
    await user.click(screen.getByTestId('end-send'));
    await settle();
    expect(backend.callsTo('end')).toEqual([[1, { known: 'Shipping' }, 'happy']]);
    expect(screen.queryByRole('dialog')).toBeNull();
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(row(1)).toHaveAttribute('data-list', 'archive');
    expect(screen.getByTestId('reopen')).toBeInTheDocument();
  });

  it('reports spam only after confirming', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    await user.click(screen.getByTestId('actions'));
    await user.click(screen.getByTestId('action-spam'));
    expect(backend.callsTo('spam')).toEqual([]);
    await user.click(screen.getByTestId('spam-confirm'));
    await settle();
    expect(backend.callsTo('spam')).toEqual([[1]]);
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(row(1)).toBeNull();
  });

  it('works from the keyboard', async () => {
    const { user } = await start();
    await openConversation(1);
    screen.getByTestId('actions').focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('action-free')).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('action-transfer')).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(screen.getByTestId('action-end')).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('action-free')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(screen.getByTestId('actions')).toHaveFocus();
  });
});

describe('an archived conversation', () => {
  it('shows Closed, when and by whom, the answers and the rating, and can be reopened', async () => {
    const { backend, user } = await start();
    const view = await openConversation(4);
    expect(view).toHaveTextContent('Closed');
    expect(view).toHaveTextContent('by Alice');
    expect(view).toHaveTextContent('Billing');
    expect(view).toHaveTextContent('Unhappy');
    expect(within(view).getByTestId('survey')).toHaveTextContent('4 out of 5');
    expect(within(view).getByTestId('survey')).toHaveTextContent('Helpful');
    const time = view.querySelector('time[datetime="2026-03-10T15:30:00Z"]');
    expect(time?.textContent).toMatch(/2026/);
    expect(screen.queryByTestId('compose-reply')).toBeNull();
    expect(screen.getByTestId('composer').closest('form')).toHaveAttribute('data-kind', 'note');
    await user.click(screen.getByTestId('reopen'));
    expect(backend.callsTo('reopen')).toEqual([[4]]);
  });

  it('says « No rating yet » and « I don\'t know » answers', async () => {
    await start();
    const view = await openConversation(5);
    expect(within(view).getByTestId('survey')).toHaveTextContent('No rating yet');
    expect(view).toHaveTextContent(/Subject\s*I don't know\s*Customer mood\s*I don't know/);
  });
});

describe('customer text', () => {
  it('is shown as text, whatever it contains', async () => {
    await start();
    const view = await openConversation(5);
    const bodies = within(view).getAllByTestId('message-body');
    expect(bodies.map((b) => b.textContent)).toEqual(HOSTILE);
    expect(document.querySelector('img, script, iframe, a[href^="javascript"]')).toBeNull();
    expect(view.querySelectorAll('a, iframe, img')).toHaveLength(0);
    for (const body of bodies) expect(body).toHaveClass('user-text');
  });

  it('opens http(s) and mailto links through the backend, and leaves javascript: as text', async () => {
    const { backend, user } = await start();
    const view = await openConversation(1);
    const link = within(view).getByRole('button', { name: 'https://example.com/track?id=1' });
    await user.click(link);
    expect(backend.callsTo('openLink')).toEqual([['https://example.com/track?id=1']]);
    await openConversation(5);
    expect(within(screen.getByTestId('conversation')).queryByRole('button', { name: /javascript/ })).toBeNull();
    expect(document.querySelector('[href]')).toBeNull();
  });
});
