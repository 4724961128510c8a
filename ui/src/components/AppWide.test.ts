// The app as a whole, against the in-memory backend: offline, search,
// snoozing notifications, keyboard shortcuts, the session.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE } from '../lib/fake-backend';
import { message } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';
import { backendWith, openConversation, start } from './app-fixture';

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
