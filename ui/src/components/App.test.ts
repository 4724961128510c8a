// The app as an agent uses it, against the in-memory backend.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend, type FakeOptions } from '../lib/fake-backend';
import { BOB, message, summary } from '../lib/fixtures';
import type { ConversationSummary } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };

function conversations(): ConversationSummary[] {
  return [
    summary(1, {
      state: 'occupied',
      occupant: aliceRef,
      unanswered: { body: 'Are you there?', waiting_since: new Date(Date.now() - 4 * 60_000).toISOString() },
      previous_conversation_id: 4,
    }),
    summary(2, { customer: { ...summary(2).customer, name: 'Queued Quinn' } }),
    summary(3, { state: 'occupied', occupant: BOB }),
    summary(4, {
      state: 'archived',
      closure: {
        closed_at: '2026-03-10T15:30:00Z',
        closed_by: aliceRef,
        questionnaire: { subject: { known: 'Billing' }, mood: 'unhappy' },
      },
      survey: { rating: 4, comment: 'Helpful', answered_at: '2026-03-10T16:00:00Z' },
    }),
    summary(5, {
      state: 'archived',
      closure: { closed_at: '2026-03-09T10:00:00Z', closed_by: aliceRef, questionnaire: { subject: 'dont_know', mood: 'dont_know' } },
    }),
  ];
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert("x")</script>',
  '\u202Egnp.exe',
  'Z̷̢̛̛̛a̸̧̛̛l̵̨̛̛g̶̢̛̛o̷̢̊̊',
  'a'.repeat(5000),
  '<a href="javascript:alert(1)">click</a> javascript:alert(2) <iframe src="https://evil.example"></iframe>',
];

function backendWith(options: FakeOptions = {}) {
  return new FakeBackend({
    conversations: conversations(),
    messages: [
      message(1, { body: 'Hello, my parcel is late' }),
      message(1, { author: 'system', agent: aliceRef, body: 'Taken by Alice' }),
      message(1, { author: 'agent', agent: aliceRef, body: 'Let me check. See https://example.com/track?id=1.' }),
      message(4, { body: 'My invoice is wrong' }),
      ...HOSTILE.map((body) => message(5, { body })),
    ],
    ...options,
  });
}

async function start(options: FakeOptions = {}) {
  const backend = backendWith(options);
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

const row = (id: number) => document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${id}"]`)!;

async function openConversation(id: number) {
  row(id).click();
  await settle();
  return screen.getByTestId('conversation');
}

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

describe('offline', () => {
  it('shows the banner after the link drops and queued replies wait for it', async () => {
    const { backend, user } = await start();
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    backend.setConnection('offline');
    await settle();
    expect(screen.getByTestId('offline-banner')).toHaveTextContent(
      'You are offline — showing saved conversations. Replies will be sent when the connection returns.',
    );
    await openConversation(1);
    await user.type(screen.getByTestId('composer'), 'Queued{Enter}');
    await settle();
    expect(screen.getByTestId('outbox-pending')).toHaveTextContent('Waiting for connection');
    backend.setConnection('connecting');
    await settle();
    expect(screen.getByTestId('offline-banner')).toBeInTheDocument();
    backend.setConnection('online');
    await settle();
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('shows no banner while first connecting', async () => {
    await start({ connection: 'connecting' });
    expect(screen.queryByTestId('offline-banner')).toBeNull();
  });

  it('trusts the newest change over a stale answer to "how is the link?"', async () => {
    const backend = backendWith({ connection: 'connecting' });
    let answer: (s: 'connecting') => void = () => {};
    backend.connection = () => new Promise((resolve) => (answer = resolve));
    render(App, { props: { backend } });
    await settle();
    backend.setConnection('online');
    await settle();
    // The question was asked while connecting; its answer comes after "online".
    answer('connecting');
    await settle();
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    backend.setConnection('offline');
    await settle();
    expect(screen.getByTestId('offline-banner')).toBeInTheDocument();
  });
});

describe('search', () => {
  it('shows highlighted results instead of the lists, opens one, and Escape clears', async () => {
    const { user } = await start();
    const box = screen.getByTestId('search');
    expect(box).toHaveAttribute('placeholder', expect.stringContaining('Search all conversations'));
    await user.type(box, 'invoice');
    const results = await screen.findAllByTestId('search-result');
    expect(results).toHaveLength(1);
    expect(screen.queryByTestId('list-mine')).toBeNull();
    expect(results[0]).toHaveTextContent('Closed');
    expect(within(results[0]).getByTestId('result-list')).toHaveTextContent('Archived');
    const hits = within(results[0]).getAllByTestId('hit');
    expect(hits.map((h) => h.textContent)).toEqual(['invoice']);
    expect(hits[0].tagName).toBe('MARK');
    await user.click(results[0]);
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '4');
    const marks = within(screen.getByTestId('conversation')).getAllByTestId('match');
    expect(marks.map((m) => m.textContent)).toEqual(['invoice']);
    box.focus();
    await user.keyboard('{Escape}');
    expect(box).toHaveValue('');
    expect(screen.getByTestId('list-mine')).toBeInTheDocument();
    expect(within(screen.getByTestId('conversation')).queryByTestId('match')).toBeNull();
  });

  it('gives one row per conversation with its matches counted and its list, and replaces the rows on a new query', async () => {
    const backend = backendWith();
    backend.messages.get(1)!.push(message(1, { body: 'The parcel number is 42.' }));
    render(App, { props: { backend } });
    await settle();
    const user = userEvent.setup();
    const box = screen.getByTestId('search');
    await user.type(box, 'parcel');
    const results = await screen.findAllByTestId('search-result');
    expect(results).toHaveLength(1);
    expect(screen.getByLabelText('Search results')).toHaveTextContent('1 conversation');
    expect(results[0]).toHaveAttribute('data-list', 'mine');
    expect(within(results[0]).getByTestId('result-list')).toHaveTextContent('Mine');
    expect(within(results[0]).getAllByTestId('snippet')).toHaveLength(2);
    expect(within(results[0]).getByTestId('match-count')).toHaveTextContent('2 matches');
    await user.clear(box);
    await user.type(box, 'quinn');
    await waitFor(() => expect(screen.getAllByTestId('search-result').map((r) => r.dataset.id)).toEqual(['2']));
    expect(screen.getByTestId('search-result')).toHaveAttribute('data-list', 'queue');
  });

  it('marks the open conversation for the query in the box, not the one it was opened with', async () => {
    const backend = backendWith();
    backend.messages.get(4)!.push(message(4, { body: 'Please resend the receipt' }));
    render(App, { props: { backend } });
    await settle();
    const user = userEvent.setup();
    const box = screen.getByTestId('search');
    await user.type(box, 'invoice');
    await user.click((await screen.findAllByTestId('search-result'))[0]);
    await settle();
    const marked = () => within(screen.getByTestId('conversation')).queryAllByTestId('match').map((m) => m.textContent);
    expect(marked()).toEqual(['invoice']);
    await user.clear(box);
    await user.type(box, 'receipt');
    await waitFor(() => expect(marked()).toEqual(['receipt']));
  });

  it('shows private-use characters as sent, never as a match', async () => {
    const backend = backendWith();
    backend.messages.get(4)!.push(message(4, { body: '\uE000fake\uE001 invoice' }));
    render(App, { props: { backend } });
    await settle();
    const user = userEvent.setup();
    await user.type(screen.getByTestId('search'), 'invoice');
    const [result] = await screen.findAllByTestId('search-result');
    const snippets = within(result).getAllByTestId('snippet');
    expect(snippets[1].textContent).toBe('\uE000fake\uE001 invoice');
    expect(within(snippets[1]).getAllByTestId('hit').map((h) => h.textContent)).toEqual(['invoice']);
  });

  it('shows hostile snippets as text', async () => {
    const { user } = await start();
    await user.type(screen.getByTestId('search'), 'onerror');
    const [result] = await screen.findAllByTestId('search-result');
    expect(result).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('snoozing notifications', () => {
  it('snoozes from the sidebar, says until when, follows the tray, and resumes', async () => {
    const { backend, user } = await start();
    expect(screen.queryByTestId('snooze-status')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Snooze notifications' }));
    const menu = screen.getByRole('menu', { name: 'Snooze notifications' });
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent?.trim())).toEqual([
      'For 30 minutes',
      'For 1 hour',
      'Until tomorrow morning',
    ]);
    expect(within(menu).getAllByRole('menuitem')[0]).toHaveFocus();
    await user.keyboard('{ArrowDown}{Enter}');
    await settle();
    expect(backend.callsTo('snooze').at(-1)).toEqual(['hour']);
    const end = new Date(Date.now() + 60 * 60_000);
    const hhmm = `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
    expect(screen.getByTestId('snooze-status')).toHaveTextContent(`Notifications snoozed until`);
    expect(screen.getByTestId('snooze-status').textContent).toMatch(new RegExp(`${hhmm}|tomorrow`));
    expect(screen.queryByRole('menu')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Resume' }));
    await settle();
    expect(backend.callsTo('snooze').at(-1)).toEqual(['off']);
    expect(screen.queryByTestId('snooze-status')).toBeNull();

    // Snoozed from the tray: the app hears it and shows it.
    await backend.snooze('until_tomorrow');
    await settle();
    expect(screen.getByTestId('snooze-status')).toHaveTextContent('Notifications snoozed until tomorrow 08:00');
  });

  it('closes the menu with Escape, giving the focus back', async () => {
    const { user } = await start();
    const button = screen.getByRole('button', { name: 'Snooze notifications' });
    await user.click(button);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
  });
});

describe('keyboard shortcuts', () => {
  it('walk the lists with j and k and Alt+arrows', async () => {
    const { user } = await start();
    await user.keyboard('j');
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '1');
    await user.keyboard('j');
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '2');
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '4');
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}');
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '2');
  });

  it('do not fire while typing', async () => {
    const { backend, user } = await start();
    await openConversation(1);
    await user.type(screen.getByTestId('composer'), 'just typing j k t f e s r c , ?');
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '1');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.callsTo('free')).toEqual([]);
    await user.type(screen.getByTestId('search'), 'js');
    expect(screen.getByTestId('search')).toHaveValue('js');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('take, end, spam, reopen, focus the composer and search', async () => {
    const { backend, user } = await start();
    await openConversation(2);
    await user.keyboard('t');
    await settle();
    expect(backend.callsTo('take')).toEqual([[2]]);

    await openConversation(1);
    await user.keyboard('e');
    expect(screen.getByRole('dialog', { name: 'End conversation' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.keyboard('s');
    expect(screen.getByRole('dialog', { name: 'Spam' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await user.keyboard('c');
    expect(screen.getByTestId('composer')).toHaveFocus();
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('/');
    expect(screen.getByTestId('search')).toHaveFocus();
    expect(screen.getByTestId('search')).toHaveValue('');

    await openConversation(4);
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('r');
    expect(backend.callsTo('reopen')).toEqual([[4]]);
  });

  it('f frees only my own conversation', async () => {
    const { backend, user } = await start({ me: { ...ALICE, role: 'supervisor' } });
    await openConversation(3);
    await user.keyboard('f');
    expect(backend.callsTo('free')).toEqual([]);
    await openConversation(1);
    await user.keyboard('f');
    expect(backend.callsTo('free')).toEqual([[1]]);
  });

  it('open the help overlay with ? and close it with Escape, giving the focus back', async () => {
    const { user } = await start();
    const button = screen.getByRole('button', { name: 'Keyboard shortcuts' });
    await user.click(button);
    expect(screen.getByTestId('help-overlay')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('help-overlay')).toBeNull();
    expect(button).toHaveFocus();
    button.blur();
    await user.keyboard('?');
    expect(screen.getByTestId('help-overlay')).toHaveTextContent('Ctrl+Shift+R');
  });

  it('open the report and the settings', async () => {
    const { user } = await start();
    await user.keyboard('{Control>}{Shift>}R{/Shift}{/Control}');
    expect(await screen.findByTestId('report-view')).toBeInTheDocument();
    await user.keyboard(',');
    expect(screen.getByTestId('settings')).toBeInTheDocument();
  });
});

describe('the session', () => {
  it('goes back to sign-in when the server ends it', async () => {
    const { backend } = await start();
    backend.setConnection('signed_out');
    await settle();
    expect(screen.getByTestId('signin-submit')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session ended; sign in again');
  });

  it('signs out from the settings', async () => {
    const { backend, user } = await start();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await settle();
    await user.click(screen.getByTestId('signout'));
    await settle();
    expect(backend.callsTo('signOut')).toHaveLength(1);
    expect(screen.getByTestId('signin-submit')).toBeInTheDocument();
  });

  it('opens the conversation of a clicked notification', async () => {
    const { backend } = await start();
    backend.emit({ type: 'notification_clicked', conversation_id: 2 });
    await settle();
    expect(screen.getByTestId('conversation')).toHaveAttribute('data-id', '2');
  });

  it('tells the backend when the window loses and regains the focus', async () => {
    const { backend } = await start();
    await openConversation(1);
    await fireEvent.blur(window);
    expect(backend.callsTo('setView').at(-1)).toEqual([false, 1]);
    await fireEvent.focus(window);
    await waitFor(() => expect(backend.callsTo('setView').at(-1)).toEqual([true, 1]));
  });
});
