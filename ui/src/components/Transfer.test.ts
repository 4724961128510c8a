// Transfer to a colleague and availability, against the in-memory backend.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { summary, teamMember } from '../lib/fixtures';
import type { Me } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

const member = teamMember;

async function start(me: Me = ALICE) {
  const maria = summary(1, {
    customer: { ...summary(1).customer, name: 'Maria' },
    state: 'occupied',
    occupant: { id: me.id, name: me.name },
  });
  const dans = summary(2, { state: 'occupied', occupant: { id: 4, name: 'Dan' } });
  const backend = new FakeBackend({
    me,
    conversations: [maria, dans],
    team: [
      member(me.id, me.name, { role: me.role }),
      member(2, 'Bob'),
      member(3, 'Cleo', { availability: 'away' }),
      member(4, 'Dan', { capacity: 1 }),
      member(5, 'Eve', { connected: false }),
    ],
  });
  render(App, { props: { backend } });
  await settle();
  const user = userEvent.setup();
  await user.click(within(screen.getByTestId('list-mine')).getAllByTestId('row')[0]);
  await settle();
  return { backend, user };
}

const agentRow = (name: string) =>
  screen.getAllByTestId('transfer-agent').find((r) => r.textContent?.includes(name))!;

describe('Transfer to…', () => {
  it('lists colleagues with availability and load; only those who can take it can be picked', async () => {
    const { user } = await start();
    await user.click(screen.getByTestId('actions'));
    await user.click(screen.getByTestId('action-transfer'));
    await settle();
    const dialog = screen.getByTestId('transfer-dialog');
    expect(dialog).toHaveTextContent('Maria');
    const names = screen.getAllByTestId('transfer-agent').map((r) => r.querySelector('.agent-name')?.textContent);
    expect(names).toEqual(['Bob', 'Cleo', 'Dan', 'Eve']);
    expect(agentRow('Bob')).toHaveTextContent(/Available\s*0 conversations/);
    expect(agentRow('Cleo')).toHaveTextContent('Away');
    expect(agentRow('Dan')).toHaveTextContent('1 of 1 conversations (full)');
    expect(within(agentRow('Cleo')).getByRole('radio')).toBeDisabled();
    expect(within(agentRow('Dan')).getByRole('radio')).toBeDisabled();
    expect(agentRow('Eve')).toHaveTextContent('Offline');
    expect(within(agentRow('Eve')).getByRole('radio')).toBeDisabled();
    expect(screen.getByTestId('transfer-confirm')).toBeDisabled();
  });

  it('hands it to the chosen colleague with the note, and it leaves my conversations', async () => {
    const { backend, user } = await start();
    await user.keyboard('x');
    await settle();
    await user.click(within(agentRow('Bob')).getByRole('radio'));
    await user.type(screen.getByTestId('transfer-note'), 'Wants a refund, order 1234');
    await user.click(screen.getByTestId('transfer-confirm'));
    await settle();
    expect(screen.queryByTestId('transfer-dialog')).toBeNull();
    expect(backend.callsTo('transfer')).toEqual([[1, { id: 2, name: 'Bob' }, 'Wants a refund, order 1234']]);
    expect(screen.getByTestId('conversation')).toHaveTextContent('Transfer: Sending…');
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(within(screen.getByTestId('list-mine')).queryAllByTestId('row')).toHaveLength(0);
    expect(screen.getByTestId('conversation')).toHaveTextContent(
      'Transferred by Alice to Bob. Note: Wants a refund, order 1234',
    );
  });

  it('says why when the server refuses, and lets a supervisor override with a warning', async () => {
    const sam: Me = { id: 9, name: 'Sam', email: 'sam@example.com', role: 'supervisor' };
    const { backend, user } = await start(sam);
    await user.keyboard('x');
    await settle();
    await user.click(within(agentRow('Cleo')).getByRole('radio'));
    expect(screen.getByTestId('transfer-dialog')).toHaveTextContent(
      'Cleo is away: as a supervisor you can transfer anyway.',
    );
    await user.click(screen.getByTestId('transfer-confirm'));
    await settle();
    const [item] = backend.queued;
    expect(item.action).toMatchObject({ type: 'transfer', override_capacity: true });
    backend.fail(item.seq, 'agent_unavailable', 'Cleo is away');
    await settle();
    expect(screen.getByTestId('outbox-failed')).toHaveTextContent('Cleo is away (Transfer was not done)');
  });

  it('tells why the team cannot be read offline', async () => {
    const { backend, user } = await start();
    backend.setConnection('offline');
    await settle();
    await user.keyboard('x');
    await settle();
    expect(screen.getByTestId('transfer-dialog')).toHaveTextContent(
      'The team could not be read: the server cannot be reached',
    );
  });
});

describe('availability', () => {
  it('switches between available and away, and shows a refusal', async () => {
    const { backend, user } = await start();
    const select = screen.getByTestId('availability') as HTMLSelectElement;
    expect(select.value).toBe('available');
    await user.selectOptions(select, 'away');
    await settle();
    expect(backend.callsTo('setAvailability')).toEqual([['away']]);
    expect(select.value).toBe('away');
    backend.setConnection('offline');
    await user.selectOptions(select, 'available');
    await settle();
    expect(screen.getByText('the server cannot be reached')).toBeInTheDocument();
    expect(select.value).toBe('away');
  });
});
