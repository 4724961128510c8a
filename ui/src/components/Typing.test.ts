// Typing and seen in the app: "Maria is typing…" while signals come, gone a few
// seconds after the last or when her message arrives; the agent's typing in a
// reply (not a note) is told about once a second; "Seen" under the agents'
// newest message once the customer's page showed it.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { message, summary } from '../lib/fixtures';
import { TYPING_SHOWN_MS } from '../lib/workspace.svelte';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };
const maria = () =>
  summary(1, { state: 'occupied', occupant: aliceRef, customer: { ...summary(1).customer, name: 'Maria' } });

async function start(seen: number | null = null) {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const backend = new FakeBackend({
    conversations: [{ ...maria(), seen_message_id: seen }, summary(2)],
    messages: [
      message(1, { id: 501, body: 'Hello?' }),
      message(1, { id: 502, author: 'agent', agent: aliceRef, body: 'Hi Maria' }),
      message(1, { id: 503, author: 'agent', agent: aliceRef, body: 'How can I help?' }),
    ],
  });
  render(App, { props: { backend } });
  await settle();
  const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
  await user.click(document.querySelector<HTMLElement>('[data-testid="row"][data-id="1"]')!);
  await settle();
  return { backend, user };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('typing', () => {
  it('shows the customer typing until the signals stop or her message comes', async () => {
    const { backend } = await start();
    backend.emit({ type: 'typing', conversation_id: 1, name: 'Maria' });
    await settle();
    expect(screen.getByTestId('customer-typing')).toHaveTextContent('Maria is typing…');
    // Another conversation's customer typing is not shown here.
    backend.emit({ type: 'typing', conversation_id: 2, name: 'Quinn' });
    await settle();
    expect(screen.getByTestId('customer-typing')).not.toHaveTextContent('Quinn');
    // Renewed by each signal; gone a few seconds after the last.
    vi.advanceTimersByTime(TYPING_SHOWN_MS - 1000);
    backend.emit({ type: 'typing', conversation_id: 1, name: 'Maria' });
    vi.advanceTimersByTime(TYPING_SHOWN_MS - 1000);
    await settle();
    expect(screen.getByTestId('customer-typing')).toBeInTheDocument();
    vi.advanceTimersByTime(1500);
    await settle();
    expect(screen.queryByTestId('customer-typing')).toBeNull();
    // Her message ends it at once.
    backend.emit({ type: 'typing', conversation_id: 1, name: 'Maria' });
    await settle();
    expect(screen.getByTestId('customer-typing')).toBeInTheDocument();
    backend.post(1, 'customer', 'Where is my parcel?');
    await settle();
    expect(screen.queryByTestId('customer-typing')).toBeNull();
  });

  it('tells the server the agent types a reply, about once a second, never a note', async () => {
    const { backend, user } = await start();
    const composer = screen.getByTestId('composer');
    await user.clear(composer);
    await user.type(composer, 'Let me check');
    expect(backend.callsTo('typing')).toEqual([[1]]);
    vi.advanceTimersByTime(1100);
    await user.type(composer, ' now');
    expect(backend.callsTo('typing')).toEqual([[1], [1]]);
    await user.clear(composer);
    await user.click(screen.getByTestId('compose-note'));
    vi.advanceTimersByTime(1100);
    await user.type(composer, 'A note for the team');
    expect(backend.callsTo('typing')).toEqual([[1], [1]]);
  });
});

describe('seen', () => {
  it('shows Seen under the agents’ newest message once the page showed it', async () => {
    await start(503);
    const seen = screen.getAllByTestId('seen');
    expect(seen).toHaveLength(1);
    expect(seen[0].closest('[data-testid="message"]')).toHaveAttribute('data-message-id', '503');
  });

  it('shows nothing while the newest one is unseen, and follows the change', async () => {
    const { backend } = await start(502);
    expect(screen.queryByTestId('seen')).toBeNull();
    const c = backend.conversations.get(1)!;
    c.seen_message_id = 503;
    c.version += 1;
    backend.emit({ type: 'conversation', id: 1 });
    await settle();
    expect(screen.getByTestId('seen').closest('[data-testid="message"]')).toHaveAttribute(
      'data-message-id',
      '503',
    );
  });
});
