// Internal notes in the app: the composer's Reply / Internal note switch, notes
// for conversations the agent may not reply to, and how notes are shown.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { BOB, summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };

async function start() {
  const backend = new FakeBackend({
    conversations: [
      summary(1, { state: 'occupied', occupant: aliceRef, customer: { ...summary(1).customer, name: 'Maria' } }),
      summary(2, { customer: { ...summary(2).customer, name: 'Quinn' } }),
      summary(3, { state: 'occupied', occupant: BOB }),
    ],
    me: { ...ALICE, role: 'supervisor' },
  });
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

async function open(user: ReturnType<typeof userEvent.setup>, id: number) {
  await user.click(document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${id}"]`)!);
  await settle();
  const composer = screen.getByTestId('composer') as HTMLTextAreaElement;
  return composer;
}

const lastMessage = () => screen.getAllByTestId('message').at(-1)!;

describe('internal notes', () => {
  it('are written with the composer switched to Internal note, and shown apart', async () => {
    const { backend, user } = await start();
    const composer = await open(user, 1);
    await user.clear(composer);
    await user.click(screen.getByTestId('compose-note'));
    expect(composer).toHaveFocus();
    expect(screen.getByTestId('compose-note')).toHaveAttribute('aria-pressed', 'true');
    expect(composer.placeholder).toMatch('the customer never sees it');
    expect(screen.getByLabelText(/Internal note on the conversation with Maria/)).toBe(composer);
    await user.keyboard('Courier says it is lost{Enter}');
    await settle();
    expect(backend.callsTo('note')).toEqual([[1, 'Courier says it is lost']]);
    expect(backend.callsTo('reply')).toEqual([]);
    const pending = screen.getByTestId('outbox-pending');
    expect(pending).toHaveTextContent('Internal note');
    expect(pending).toHaveTextContent('Courier says it is lost');

    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(lastMessage()).toHaveAttribute('data-author', 'note');
    expect(lastMessage()).toHaveTextContent('Internal note');
    expect(lastMessage()).toHaveTextContent('Alice');
    // The note stays chosen for the next line; Reply goes back to replies.
    expect(screen.getByTestId('send')).toHaveTextContent('Add note');
    await user.click(screen.getByTestId('compose-reply'));
    await user.keyboard('We are on it{Enter}');
    await settle();
    expect(backend.callsTo('reply')).toEqual([[1, 'We are on it']]);
  });

  it('keep their kind with the draft when the agent looks elsewhere', async () => {
    const { backend, user } = await start();
    let composer = await open(user, 1);
    await user.clear(composer);
    await user.click(screen.getByTestId('compose-note'));
    await user.keyboard('Half a note');
    await open(user, 2);
    composer = await open(user, 1);
    expect(composer).toHaveValue('Half a note');
    expect(screen.getByTestId('compose-note')).toHaveAttribute('aria-pressed', 'true');
    await user.click(composer);
    await user.keyboard('{Enter}');
    await settle();
    expect(backend.callsTo('note')).toEqual([[1, 'Half a note']]);
    expect(backend.callsTo('reply')).toEqual([]);
  });

  it('are all that may be written where the agent cannot reply', async () => {
    const { backend, user } = await start();
    for (const id of [2, 3]) {
      const composer = await open(user, id);
      expect(screen.queryByTestId('compose-reply')).toBeNull();
      expect(screen.getByTestId('conversation')).toHaveTextContent('only your team sees it');
      await user.clear(composer);
      await user.type(composer, `Note on ${id}{Enter}`);
      await settle();
    }
    expect(backend.callsTo('note')).toEqual([
      [2, 'Note on 2'],
      [3, 'Note on 3'],
    ]);
    expect(backend.callsTo('reply')).toEqual([]);
  });

  it('from colleagues arrive live, as plain text, and answer nobody', async () => {
    const { backend, user } = await start();
    backend.post(1, 'customer', 'Where is my parcel?');
    await open(user, 1);
    backend.post(1, 'note', '<b>VIP</b> <img src=x onerror=alert(1)>', BOB);
    await settle();
    const note = lastMessage();
    expect(note).toHaveAttribute('data-author', 'note');
    expect(within(note).getByTestId('message-body')).toHaveTextContent('<b>VIP</b> <img src=x onerror=alert(1)>');
    expect(note.querySelector('img, b')).toBeNull();
    expect(note).toHaveTextContent('Bob');
    // Maria is still waiting for an answer: her row stays unanswered.
    const row = document.querySelector<HTMLElement>('[data-testid="row"][data-id="1"]')!;
    expect(row).toHaveTextContent('Where is my parcel?');
  });
});
