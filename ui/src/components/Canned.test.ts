// Canned replies in the composer (`/` lists them, the keyboard picks one, its
// text is inserted for editing) and on the supervisors' screen, against the
// in-memory backend.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend, type FakeOptions } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };

async function start(options: FakeOptions = {}) {
  const backend = new FakeBackend({
    conversations: [
      summary(1, { state: 'occupied', occupant: aliceRef, customer: { ...summary(1).customer, name: 'Maria' } }),
    ],
    canned: [
      { title: 'Greeting', shortcut: 'hello', body: 'Hello {customer.name}, {agent.name} here.' },
      { title: 'Refund policy', shortcut: 'refund', body: 'Refunds take 5 days, {customer.name}.' },
      { title: 'Shipping times', shortcut: 'ship', body: 'We ship in 2 days.' },
    ],
    ...options,
  });
  render(App, { props: { backend } });
  await settle();
  const user = userEvent.setup();
  await user.click(document.querySelector<HTMLElement>('[data-testid="row"][data-id="1"]')!);
  await settle();
  const composer = screen.getByTestId('composer') as HTMLTextAreaElement;
  // Drafts outlive a test (kept by conversation while the app runs).
  await user.clear(composer);
  return { backend, user, composer };
}

const options = () => screen.queryAllByTestId('canned-option').map((o) => o.dataset.shortcut);
const active = () => screen.getAllByTestId('canned-option').find((o) => o.getAttribute('aria-selected') === 'true');

describe('the composer’s canned replies', () => {
  it('lists them at / and narrows them fuzzily as the agent types', async () => {
    const { user, composer } = await start();
    expect(composer.placeholder).toMatch('/ inserts a canned reply');
    await user.type(composer, '/');
    expect(options()).toEqual(['hello', 'refund', 'ship']);
    expect(composer).toHaveAttribute('aria-activedescendant', active()!.id);
    await user.type(composer, 'shp');
    expect(options()).toEqual(['ship']);
    await user.clear(composer);
    await user.type(composer, '/greet');
    expect(options()).toEqual(['hello']);
    // The matched letters of the title are marked.
    expect(active()!.querySelector('.title mark')).toHaveTextContent('Greet');
    await user.clear(composer);
    await user.type(composer, 'and/or');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
  });

  it('inserts the chosen reply with its placeholders filled, for editing, and sends nothing', async () => {
    const { backend, user, composer } = await start();
    await user.type(composer, 'Sure. /');
    await user.keyboard('{ArrowDown}');
    expect(active()!.dataset.shortcut).toBe('refund');
    await user.keyboard('{Enter}');
    await settle();
    expect(composer).toHaveValue('Sure. Refunds take 5 days, Maria.');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
    expect(backend.callsTo('reply')).toEqual([]);
    expect(backend.callsTo('cannedText')).toEqual([[1, 2]]);
    // The caret is after the inserted text: typing goes on from there.
    await user.keyboard(' Anything else?');
    expect(composer).toHaveValue('Sure. Refunds take 5 days, Maria. Anything else?');
    await user.keyboard('{Enter}');
    await settle();
    expect(backend.callsTo('reply')).toEqual([[1, 'Sure. Refunds take 5 days, Maria. Anything else?']]);
  });

  it('picks with Tab or a click, wraps with the arrows, and closes with Escape', async () => {
    const { backend, user, composer } = await start();
    await user.type(composer, '/');
    await user.keyboard('{ArrowUp}');
    expect(active()!.dataset.shortcut).toBe('ship');
    await user.keyboard('{ArrowDown}');
    expect(active()!.dataset.shortcut).toBe('hello');
    await user.keyboard('{Tab}');
    await settle();
    expect(composer).toHaveValue('Hello Maria, Alice here.');
    expect(composer).toHaveFocus();

    await user.clear(composer);
    await user.type(composer, '/sh');
    await user.click(screen.getAllByTestId('canned-option').find((o) => o.dataset.shortcut === 'ship')!);
    await settle();
    expect(composer).toHaveValue('We ship in 2 days.');

    await user.clear(composer);
    await user.type(composer, '/ref');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
    // Closed, Enter sends the text as typed.
    await user.keyboard('{Enter}');
    await settle();
    expect(backend.callsTo('reply')).toEqual([[1, '/ref']]);
  });

  it('sends nothing on Enter while nothing matches', async () => {
    const { backend, user, composer } = await start();
    await user.type(composer, '/refnx');
    expect(screen.getByTestId('canned-picker')).toHaveTextContent('No canned reply matches /refnx');
    await user.keyboard('{Enter}');
    await settle();
    expect(backend.callsTo('reply')).toEqual([]);
    expect(composer).toHaveValue('/refnx');
  });

  it('offers nothing when the team has no canned replies', async () => {
    const { user, composer } = await start({ canned: [] });
    expect(composer.placeholder).not.toMatch('canned');
    await user.type(composer, '/');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
  });

  it('follows the team’s list as it changes', async () => {
    const { backend, user, composer } = await start({ me: { ...ALICE, role: 'supervisor' } });
    await backend.saveCannedReply(null, 'Thanks', 'thanks', 'Thank you!');
    await settle();
    await user.type(composer, '/tha');
    expect(options()).toEqual(['thanks']);
    expect(within(screen.getByTestId('canned-picker')).getByText('Thank you!')).toBeInTheDocument();
  });
});

describe('the canned replies screen', () => {
  async function openScreen(options: FakeOptions = {}) {
    const started = await start({ me: { ...ALICE, role: 'supervisor' }, ...options });
    await started.user.click(screen.getByTestId('open-team'));
    await settle();
    return { ...started, section: screen.getByTestId('canned-replies') };
  }
  const listed = () => screen.queryAllByTestId('canned-reply').map((r) => r.dataset.shortcut);

  it('is for supervisors only', async () => {
    await start();
    expect(screen.queryByTestId('open-team')).toBeNull();
    expect(screen.queryByTestId('canned-replies')).toBeNull();
  });

  it('lists the replies with their text as plain text', async () => {
    const { section } = await openScreen({
      canned: [{ title: '<b>Bold</b>', shortcut: 'x', body: '<img src=x onerror=alert(1)> {customer.name}' }],
    });
    const [r] = within(section).getAllByTestId('canned-reply');
    expect(r).toHaveTextContent('/x');
    expect(r).toHaveTextContent('<b>Bold</b>');
    expect(r).toHaveTextContent('<img src=x onerror=alert(1)> {customer.name}');
    expect(r.querySelector('img, b')).toBeNull();
  });

  it('adds, changes and deletes a reply, and shows the server’s refusals', async () => {
    const { backend, user } = await openScreen();
    expect(listed()).toEqual(['hello', 'refund', 'ship']);

    await user.click(screen.getByTestId('canned-new'));
    await user.type(screen.getByTestId('canned-title'), 'Thanks');
    await user.type(screen.getByTestId('canned-shortcut'), '/Thanks');
    await user.type(screen.getByTestId('canned-body'), 'Thank you, {{customer.name}!');
    await user.click(screen.getByTestId('canned-save'));
    await settle();
    expect(backend.callsTo('saveCannedReply').at(-1)).toEqual([null, 'Thanks', 'Thanks', 'Thank you, {customer.name}!']);
    expect(screen.queryByTestId('canned-form')).toBeNull();
    expect(listed()).toEqual(['hello', 'refund', 'ship', 'thanks']);

    // A taken shortcut: refused, the form stays with what was typed.
    await user.click(screen.getAllByTestId('canned-edit')[3]);
    const sc = screen.getByTestId('canned-shortcut');
    await user.clear(sc);
    await user.type(sc, 'ship');
    await user.click(screen.getByTestId('canned-save'));
    await settle();
    expect(screen.getByTestId('canned-error')).toHaveTextContent('the shortcut /ship is taken');
    expect(screen.getByTestId('canned-shortcut')).toHaveValue('ship');
    await user.clear(sc);
    await user.type(sc, 'ty');
    await user.click(screen.getByTestId('canned-save'));
    await settle();
    expect(screen.queryByTestId('canned-error')).toBeNull();
    expect(listed()).toEqual(['hello', 'refund', 'ship', 'ty']);

    // Delete asks first; Keep keeps it.
    const ship = () => screen.getAllByTestId('canned-reply').find((r) => r.dataset.shortcut === 'ship')!;
    await user.click(within(ship()).getByTestId('canned-delete'));
    await user.click(within(ship()).getByText('Keep'));
    expect(listed()).toContain('ship');
    await user.click(within(ship()).getByTestId('canned-delete'));
    await user.click(within(ship()).getByTestId('canned-confirm-delete'));
    await settle();
    expect(listed()).toEqual(['hello', 'refund', 'ty']);
  });

  it('says so when the server cannot be reached', async () => {
    const { backend, user } = await openScreen();
    backend.setConnection('offline');
    await settle();
    await user.click(screen.getAllByTestId('canned-delete')[0]);
    await user.click(screen.getByTestId('canned-confirm-delete'));
    await settle();
    expect(screen.getByTestId('canned-error')).toHaveTextContent('/hello: the server cannot be reached');
    expect(listed()).toEqual(['hello', 'refund', 'ship']);
  });
});
